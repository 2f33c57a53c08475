"""Learner state, keyed by the stable ids of the course files."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from course_app.extensions import db
from course_app.models.base import UTCDateTime, utcnow

ID_LENGTH = 64
VERSION_LENGTH = 64
TOKEN_LENGTH = 64
# The cycle of a completion recorded while no requirement asked for the module.
NO_CYCLE = date(1970, 1, 1)


class StepProgress(db.Model):
    """A step marked done, with the content version the official read."""

    __tablename__ = "step_progress"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "step_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    step_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    content_version: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ModuleCompletion(db.Model):
    """A module completed; never rewritten or deleted, so every period keeps its evidence.

    `counts_from` is the requirement's "counts from" date the completion was made against
    (NO_CYCLE when none asked for it): one completion per official, module and cycle. The
    foreign key refuses to delete a user who has completions: deactivate them instead.
    """

    __tablename__ = "module_completions"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id", "counts_from"),
        Index("ix_module_completions_module_time", "module_id", "completed_at"),
        Index("ix_module_completions_user_module_time", "user_id", "module_id", "completed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    module_version: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    counts_from: Mapped[date] = mapped_column(Date, default=NO_CYCLE)
    completed_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class ReflectionNote(db.Model):
    """A private note on a reflection question, readable by its author alone."""

    __tablename__ = "reflection_notes"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    step_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    question_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    body: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow, onupdate=utcnow)


class ChecklistTick(db.Model):
    """A ticked checklist item."""

    __tablename__ = "checklist_ticks"
    __table_args__ = (UniqueConstraint("user_id", "module_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    step_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    item_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    ticked_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)


class QuizAttempt(db.Model):
    """One submitted knowledge check; every attempt is kept. token stops a double submit."""

    __tablename__ = "quiz_attempts"
    __table_args__ = (
        UniqueConstraint("user_id", "module_id", "token"),
        Index("ix_quiz_attempts_user_module", "user_id", "module_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="RESTRICT"))
    module_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    quiz_version: Mapped[str] = mapped_column(String(VERSION_LENGTH))
    token: Mapped[str] = mapped_column(String(TOKEN_LENGTH))
    answers: Mapped[dict] = mapped_column(JSON)
    correct: Mapped[int] = mapped_column(Integer)
    total: Mapped[int] = mapped_column(Integer)
    passed: Mapped[bool] = mapped_column(Boolean)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
