"""The official's own training record: what is coming, and every completion."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from course_app.catalog import Catalog, Module
from course_app.extensions import db
from course_app.models import ModuleCompletion
from course_app.models.base import utcnow
from course_app.training import load, rule
from course_app.training.periods import local_date, period_label, period_of


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
        label = period_label(period_of(local_date(at)))
        views.append(CompletionView(module_id, title, at, version, label))
    return views


def coming_of(
    user_id: int, organisation_id: int, catalog: Catalog
) -> list[tuple[Module, rule.RequiredModule]]:
    """Return what requirements not yet in force will ask of the user (rule.coming_of), with
    each module, soonest first: two queries."""
    rules, seats = load.rules_and_seats(user_id, organisation_id)
    coming = rule.coming_of(rules, seats, local_date(utcnow()))
    return [(catalog.module(c.module_id), c) for c in coming if catalog.module(c.module_id)]
