"""Which periods an official has completed, and issuing their certificates (once each).

Whether a period is complete for an official is the training rule's (decisions.certified): what My
training shows them as required has a completion that counts, and nothing more is coming. The
certificate stores the latest such completion of each module, with its content version, and
the official's name, as they are at the first request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from course_app.extensions import db
from course_app.models import Certificate, ModuleCompletion, User
from course_app.models.base import utcnow
from course_app.training import decisions, load, rule
from course_app.training.periods import local_date

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I


def new_code() -> str:
    """Return a random code like K7Q4-9XMD-2PAB (60 bits)."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def normalise_code(text: str) -> str:
    """Return a typed code in the stored form: upper case, grouped by four, or "" if malformed."""
    raw = "".join(ch for ch in (text or "").upper() if ch.isalnum())
    raw = raw.replace("O", "0").replace("I", "1")  # what people mistype
    if len(raw) != 12 or any(ch not in ALPHABET for ch in raw):
        return ""
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


@dataclass(frozen=True)
class Completed:
    """A period whose every required module the official has completed."""

    election_year: int
    modules: list[dict]  # {"id", "completed_at" (ISO), "version"}, in requirement order


def completed_periods(user: User, today: date | None = None) -> dict[int, Completed]:
    """Return, by election year, the periods the user has completed (decisions.certified): three
    queries."""
    today = today or local_date(utcnow())
    rules, seats = load.rules_and_seats(user.id, user.organisation_id)
    if not rules:
        return {}
    rows = db.session.execute(
        select(
            ModuleCompletion.module_id,
            ModuleCompletion.completed_at,
            ModuleCompletion.module_version,
        ).where(ModuleCompletion.user_id == user.id)
    ).all()
    versions = {(m, at): version for m, at, version in rows}
    done: dict[int, Completed] = {}
    for year in sorted({r.election_year for r in rules}):
        counted = decisions.certified(
            rule.of_period(rules, year), seats, [(m, at) for m, at, _ in rows], today
        )
        if counted is None:
            continue
        latest = _latest_counting(rows, counted)
        modules = [
            {"id": m, "completed_at": at.isoformat(), "version": versions[(m, at)]}
            for m, at in latest.items()
        ]
        done[year] = Completed(year, modules)
    return done


def _latest_counting(rows, counted: dict):
    """Return per module the latest completion at or after the first that counts."""
    latest = {}
    for module_id, first in counted.items():
        latest[module_id] = max(at for m, at, _ in rows if m == module_id and at >= first)
    return latest


def issued(user_id: int) -> dict[int, Certificate]:
    """Return the user's certificates by election year."""
    rows = db.session.scalars(select(Certificate).where(Certificate.user_id == user_id))
    return {c.election_year: c for c in rows}


def issue(user: User, completed: Completed) -> Certificate:
    """Return the user's certificate for the period, issuing it first if there is none (flushes).

    Two requests at once issue one: the second insert does nothing and both read the same row.
    """
    values = {
        "organisation_id": user.organisation_id,
        "user_id": user.id,
        "election_year": completed.election_year,
        "code": new_code(),
        "name": user.name or user.email,
        "modules": completed.modules,
    }
    dialect = postgresql if db.engine.dialect.name == "postgresql" else sqlite
    stmt = dialect.insert(Certificate).values(**values)
    db.session.execute(stmt.on_conflict_do_nothing(index_elements=["user_id", "election_year"]))
    return db.session.scalar(
        select(Certificate).where(
            Certificate.user_id == user.id, Certificate.election_year == completed.election_year
        )
    )
