"""The author's own notes: listed together, exported and deleted. Nobody else reaches them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select

from course_app.catalog import Catalog
from course_app.extensions import db
from course_app.models import ReflectionNote


@dataclass(frozen=True)
class NoteView:
    """A note with the titles of the module, step and question it answers, in one language."""

    module_title: str
    step_title: str
    question: str
    body: str
    updated_at: datetime
    module_id: str
    step_number: int | None


def notes_of(user_id: int, catalog: Catalog, lang: str) -> list[NoteView]:
    """Return all the user's notes in course order; notes on questions since removed come last."""
    stmt = (
        select(ReflectionNote).where(ReflectionNote.user_id == user_id).order_by(ReflectionNote.id)
    )
    rows = {(n.module_id, n.step_id, n.question_id): n for n in db.session.scalars(stmt)}
    found: list[NoteView] = []
    for module in catalog.modules:
        for step in module.steps:
            text = step.text(lang)
            for question in text.questions:
                note = rows.pop((module.id, step.id, question.id), None)
                if note is not None:
                    found.append(
                        NoteView(
                            module.text(lang).title,
                            text.title,
                            question.text,
                            note.body,
                            note.updated_at,
                            module.id,
                            step.number,
                        )
                    )
    for (module_id, step_id, question_id), note in rows.items():
        found.append(
            NoteView(module_id, step_id, question_id, note.body, note.updated_at, module_id, None)
        )
    return found


def delete_notes_of(user_id: int) -> int:
    """Delete every note of the user; return how many there were."""
    result = db.session.execute(delete(ReflectionNote).where(ReflectionNote.user_id == user_id))
    return result.rowcount
