"""An organisation (a municipality or region) and its own local contacts."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.extensions import db
from course_app.models.base import UTCDateTime, utcnow

PHONE_LENGTH = 40
EMAIL_LENGTH = 254
LINE_LENGTH = 300
URL_LENGTH = 500
TEXT_LENGTH = 2000


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    contacts: Mapped[LocalContacts | None] = relationship(
        lazy="joined", back_populates="organisation", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Organisation {self.slug}>"


# The fields of LocalContacts that the security unit fills in and the course shows.
CONTACT_FIELDS = (
    "security_phone",
    "security_email",
    "party_contacts",
    "occupational_health",
    "local_routine",
    "guidelines_url",
)


class LocalContacts(db.Model):
    """Whom an official of the organisation contacts, shown where the course says so."""

    __tablename__ = "local_contacts"

    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), primary_key=True
    )
    security_phone: Mapped[str] = mapped_column(String(PHONE_LENGTH), default="")
    security_email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), default="")
    party_contacts: Mapped[str] = mapped_column(Text, default="")
    occupational_health: Mapped[str] = mapped_column(String(LINE_LENGTH), default="")
    local_routine: Mapped[str] = mapped_column(Text, default="")
    guidelines_url: Mapped[str] = mapped_column(String(URL_LENGTH), default="")
    revision: Mapped[int] = mapped_column(Integer)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    organisation: Mapped[Organisation] = relationship(back_populates="contacts")

    # Two people saving at once: the second save finds the revision moved and is refused.
    __mapper_args__ = {"version_id_col": revision}

    @property
    def party_contact_lines(self) -> list[str]:
        """Return the party contacts, one per non-empty line."""
        return contact_lines(self.party_contacts)


def contact_lines(text: str) -> list[str]:
    """Return the non-empty lines of a contacts field, stripped."""
    return [line.strip() for line in text.splitlines() if line.strip()]
