"""The roster: parties, bodies and officials' assignments, and the training required of them.

Words: a user's `Permission` (models/user.py) says what they may do in the app; an
assignment's `AssignmentRole` is the seat they hold in a body (ordinarie, ersättare …).
"""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    Date,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from course_app.extensions import db
from course_app.models.base import UTCDateTime, utcnow

# The roster's words are the training rule's (models import them from here too).
from course_app.training.rule import KL_18A_EXTENTS, AssignmentRole, Audience, Extent  # noqa: F401

NAME_LENGTH = 200


def _enum(kind: type[enum.Enum]) -> Enum:
    """Return a portable column type storing the enum's values as strings."""
    return Enum(kind, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


class BodyKind(enum.StrEnum):
    """Kinds of body; the kind decides when its term starts (see periods.py)."""

    FULLMAKTIGE = "fullmaktige"
    STYRELSE = "styrelse"  # kommunstyrelsen, regionstyrelsen
    NAMND = "namnd"
    BOLAG = "bolag"
    ANNAT = "annat"


class Party(db.Model):
    __tablename__ = "parties"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Body(db.Model):
    """A body officials sit in: fullmäktige, a board, a committee, a company board."""

    __tablename__ = "bodies"
    __table_args__ = (UniqueConstraint("organisation_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    kind: Mapped[BodyKind] = mapped_column(_enum(BodyKind), default=BodyKind.ANNAT)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Assignment(db.Model):
    """One official's seat: body × party × role × extent, from a date to a date (inclusive).

    A political secretary has no body. Assignments are evidence of who was in office and
    are never deleted with an account (the foreign key refuses it).
    """

    __tablename__ = "assignments"
    __table_args__ = (
        CheckConstraint("ends_on IS NULL OR ends_on >= starts_on", name="dates_in_order"),
        Index("ix_assignments_org_dates", "organisation_id", "starts_on", "ends_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"), index=True)
    body_id: Mapped[int | None] = mapped_column(ForeignKey("bodies.id", ondelete="RESTRICT"))
    party_id: Mapped[int | None] = mapped_column(ForeignKey("parties.id", ondelete="RESTRICT"))
    role: Mapped[AssignmentRole] = mapped_column(_enum(AssignmentRole))
    extent: Mapped[Extent] = mapped_column(_enum(Extent))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)

    body: Mapped[Body | None] = relationship(lazy="raise")
    party: Mapped[Party | None] = relationship(lazy="raise")

    def in_office(self, day: date) -> bool:
        """Return True if the assignment runs on day."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)

    def end(self, day: date) -> None:
        """End the assignment on day, or on its first day if it starts later."""
        self.ends_on = max(day, self.starts_on)


class Requirement(db.Model):
    """Training required of (some) officials of an organisation for one mandate period.

    `election_year` names the period (2026 → 2026–2030). A completion counts when it is dated
    on or after `counts_from`; it should be done by `deadline`. Both are calendar dates in
    Europe/Stockholm.
    """

    __tablename__ = "requirements"
    __table_args__ = (Index("ix_requirements_org_year", "organisation_id", "election_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    election_year: Mapped[int] = mapped_column(Integer)
    module_ids: Mapped[list[str]] = mapped_column(JSON)
    audience: Mapped[Audience] = mapped_column(_enum(Audience), default=Audience.ALL)
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    extents: Mapped[list[str]] = mapped_column(JSON, default=list)
    deadline: Mapped[date] = mapped_column(Date)
    counts_from: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class RosterImport(db.Model):
    """An uploaded roster file, kept for its preview; once confirmed, what it did.

    The file's content is dropped at the confirmation, and an upload never confirmed is deleted
    after a day (`flask maintenance run`): names and addresses are kept no longer than needed.
    """

    __tablename__ = "roster_imports"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    uploaded_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    filename: Mapped[str] = mapped_column(String(NAME_LENGTH))
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    applied_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What the confirmed import did, by fate, and what the assignments it did not list did:
    # {"new_official": 3, "new_assignment": 1, ..., "ended": 1, "kept": 0} (roster_summary.py).
    counts: Mapped[dict] = mapped_column(JSON, default=dict)
