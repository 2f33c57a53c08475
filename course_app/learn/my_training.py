"""The official's own training record: what this period requires, and every completion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from course_app.catalog import Catalog
from course_app.extensions import db
from course_app.models import ModuleCompletion
from course_app.periods import local_date, period_of


@dataclass(frozen=True)
class CompletionView:
    """One completion of a module, with the period it fell in."""

    module_id: str
    module_title: str
    completed_at: datetime
    module_version: str
    period_label: str


def completions_of(user_id: int, catalog: Catalog, lang: str) -> list[CompletionView]:
    """Return every completion of the user, newest first, with module titles in lang."""
    stmt = (
        select(
            ModuleCompletion.module_id,
            ModuleCompletion.completed_at,
            ModuleCompletion.module_version,
        )
        .where(ModuleCompletion.user_id == user_id)
        .order_by(ModuleCompletion.completed_at.desc(), ModuleCompletion.id.desc())
    )
    views = []
    for module_id, at, version in db.session.execute(stmt):
        module = catalog.module(module_id)
        title = module.text(lang).title if module else module_id
        year = period_of(local_date(at))
        views.append(CompletionView(module_id, title, at, version, f"{year}–{year + 4}"))
    return views
