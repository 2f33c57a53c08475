"""Which periods an official has completed, and issuing their certificates (once each).

A period is complete for an official when every module its requirements ask of them (through
the assignments they held from the period's counts-from date on) has a completion dated on or
after that date. The certificate stores the latest such completion of each module, with its
content version, and the official's name, as they are at the first request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite

from course_app.extensions import db
from course_app.models import Assignment, Certificate, ModuleCompletion, Requirement, User
from course_app.periods import start_of_day_utc, term_for
from course_app.training import merge_required

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


def completed_periods(user: User) -> dict[int, Completed]:
    """Return, by election year, the periods the user has completed: three queries."""
    requirements = list(
        db.session.scalars(
            select(Requirement)
            .where(Requirement.organisation_id == user.organisation_id)
            .order_by(Requirement.election_year, Requirement.id)
        )
    )
    if not requirements:
        return {}
    assignments = list(db.session.scalars(select(Assignment).where(Assignment.user_id == user.id)))
    completions = db.session.execute(
        select(
            ModuleCompletion.module_id,
            ModuleCompletion.completed_at,
            ModuleCompletion.module_version,
        ).where(ModuleCompletion.user_id == user.id)
    ).all()
    by_year: dict[int, list[Requirement]] = {}
    for requirement in requirements:
        by_year.setdefault(requirement.election_year, []).append(requirement)
    done: dict[int, Completed] = {}
    for year, period_requirements in by_year.items():
        first = min(r.counts_from for r in period_requirements)
        last = term_for(year).ends_on
        held = [a for a in assignments if _overlaps(a, first, last)]
        required = merge_required(period_requirements, held)
        if not required:
            continue
        modules = []
        for module_id, req in required.items():
            since = start_of_day_utc(req.counts_from)
            counting = [
                (at, version) for m, at, version in completions if m == module_id and at >= since
            ]
            if not counting:
                break
            at, version = max(counting)
            modules.append({"id": module_id, "completed_at": at.isoformat(), "version": version})
        else:
            done[year] = Completed(year, modules)
    return done


def _overlaps(assignment: Assignment, first: date, last: date) -> bool:
    return assignment.starts_on <= last and (
        assignment.ends_on is None or assignment.ends_on >= first
    )


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
