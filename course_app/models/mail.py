"""E-mail waiting to be sent: written in the transaction that caused it, sent by a worker."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course_app.extensions import db
from course_app.models.base import UTCDateTime, utcnow


class OutgoingMail(db.Model):
    """One queued e-mail: sent once (sent_at), or given up after too many attempts (failed_at)."""

    __tablename__ = "outgoing_mail"
    # The worker asks for the oldest unsent message that is due.
    __table_args__ = (Index("ix_outgoing_mail_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    to_address: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    attempts: Mapped[int] = mapped_column(default=0, server_default="0")
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    failed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The exception's class and SMTP code only: server replies may quote the message.
    last_error: Mapped[str | None] = mapped_column(String(200))

    def __repr__(self) -> str:
        return f"<OutgoingMail {self.id}>"


class LinkRequest(db.Model):
    """A sign-in link asked for, waiting for the mail worker to look the address up.

    The request itself stores this row whatever the address, so that the page is the same, and
    as quick, for an address that has an account and one that has not. The worker deletes the
    row, and only for an active account makes a link and queues the e-mail.
    """

    __tablename__ = "link_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254))
    next_url: Mapped[str] = mapped_column(String(500), default="")
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReminderSent(db.Model):
    """A module named in a reminder e-mail to one official, for one of their deadlines and
    one point: never sent twice.

    `kind` is "before-30", "before-7" … or "after" (once the deadline has passed). `module_id`
    is "*" in reminders recorded before they were kept per module: every module of the deadline.
    """

    __tablename__ = "reminders_sent"
    __table_args__ = (
        UniqueConstraint("user_id", "election_year", "module_id", "deadline", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    election_year: Mapped[int] = mapped_column(Integer)
    module_id: Mapped[str] = mapped_column(String(64))
    deadline: Mapped[date] = mapped_column(Date)
    kind: Mapped[str] = mapped_column(String(16))
    sent_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
