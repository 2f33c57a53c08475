"""Certificates: issued once per official and mandate period, kept as issued."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from course_app.extensions import db
from course_app.models.base import UTCDateTime, utcnow


class Certificate(db.Model):
    """That an official completed every module required of them for a period.

    The name and the modules (id, completion time, content version) are stored as they were
    when it was issued, so that the certificate and its look-up always say the same.
    """

    __tablename__ = "certificates"
    __table_args__ = (UniqueConstraint("user_id", "election_year"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    election_year: Mapped[int] = mapped_column(Integer)
    # Twelve characters of an unambiguous alphabet, shown as XXXX-XXXX-XXXX.
    code: Mapped[str] = mapped_column(String(14), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    modules: Mapped[list[dict]] = mapped_column(JSON)
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
