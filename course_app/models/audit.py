"""The audit log: who did what, when and from where, in an organisation. Append-only.

Records are added in the transaction of the action they describe. The app never changes or
deletes one; `flask audit prune` removes records older than the retention period.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, String, event
from sqlalchemy.orm import Mapped, mapped_column

from course_app.extensions import db
from course_app.models.base import UTCDateTime, utcnow


class AuditRecord(db.Model):
    __tablename__ = "audit_records"
    # The security unit's page reads one organisation's records, newest first.
    __table_args__ = (Index("ix_audit_records_org_at", "organisation_id", "at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # None for a failed sign-in with an address no account has: no organisation to show it to.
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE")
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, index=True)
    # Who acted (None: the command line, or someone not signed in).
    actor_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(String(40))
    # The official acted upon, where there is one.
    subject_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    # Small facts about the action: a method, a file name, counts, a format. Never private text.
    details: Mapped[dict] = mapped_column(JSON, default=dict)
    ip: Mapped[str | None] = mapped_column(String(45))


@event.listens_for(AuditRecord, "before_update")
@event.listens_for(AuditRecord, "before_delete")
def _append_only(mapper, connection, target) -> None:
    raise PermissionError("audit records are never changed or deleted by the app")
