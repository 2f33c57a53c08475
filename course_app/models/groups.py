"""Party groups: one per party of an organisation, their contacts, and their discussions.

A group's members are the officials holding an assignment for its party on the day, plus the
people the security unit adds (political secretaries, say). Its contacts, chosen by the security
unit, start discussions of a module's reflection questions and record who took part. A
discussion's shared notes are for the group's members only.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from course_app.extensions import db
from course_app.models.base import UTCDateTime, utcnow
from course_app.models.organisation import PHONE_LENGTH

SHARED_NOTES_MAX = 10_000


class GroupMember(db.Model):
    """Someone the security unit added to a party's group without an assignment for it."""

    __tablename__ = "group_members"

    party_id: Mapped[int] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class GroupContact(db.Model):
    """A party group's security contact; acts as one while a member of the group."""

    __tablename__ = "group_contacts"

    party_id: Mapped[int] = mapped_column(
        ForeignKey("parties.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    # Shown to the party's officials in the course's contacts box, beside the e-mail address.
    phone: Mapped[str] = mapped_column(String(PHONE_LENGTH), default="")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class Discussion(db.Model):
    """A group's discussion of one module's (or one step's) reflection questions."""

    __tablename__ = "discussions"
    __table_args__ = (Index("ix_discussions_party_held", "party_id", "held_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    party_id: Mapped[int] = mapped_column(ForeignKey("parties.id", ondelete="CASCADE"))
    module_id: Mapped[str] = mapped_column(String(64))
    # None: the whole module.
    step_number: Mapped[int | None] = mapped_column(Integer)
    held_on: Mapped[date] = mapped_column(Date)
    started_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    # The group's shared notes; saved only if notes_revision has not moved since the form.
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    notes_updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    notes_updated_by_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), nullable=True
    )


class DiscussionAttendance(db.Model):
    """Someone who took part in a discussion, as the group contact recorded it."""

    __tablename__ = "discussion_attendance"

    discussion_id: Mapped[int] = mapped_column(
        ForeignKey("discussions.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
