"""The organisation's training requirements: what the pages read, and writes that only flush.

A requirement says which completions count for a period; changing it never touches a stored
completion, so nothing here writes to anything but the requirement itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from itertools import groupby

from sqlalchemy import Select, exists, select

from course_app.extensions import db
from course_app.models import Audience, ModuleCompletion, Requirement, User
from course_app.training import load, sql
from course_app.training.periods import default_counts_from, default_deadline, election_years_around


@dataclass(frozen=True)
class RequirementValues:
    """What the form sets on a requirement."""

    election_year: int
    module_ids: list[str]
    audience: Audience
    deadline: date
    counts_from: date
    roles: list[str] = field(default_factory=list)
    extents: list[str] = field(default_factory=list)


def requirements_of(organisation_id: int) -> Select:
    """Return the organisation's requirements, newest period first, oldest first within it."""
    return (
        select(Requirement)
        .where(Requirement.organisation_id == organisation_id)
        .order_by(Requirement.election_year.desc(), Requirement.id)
    )


def by_period(requirements: list[Requirement]) -> list[tuple[int, list[Requirement]]]:
    """Return (election year, its requirements) pairs in the order the requirements came."""
    return [(year, list(group)) for year, group in groupby(requirements, lambda r: r.election_year)]


def period_choices(today: date, keep: int | None = None) -> list[int]:
    """Return the election years one may choose today, newest first, with keep among them."""
    years = set(election_years_around(today, 1, 1))
    if keep is not None:
        years.add(keep)
    return sorted(years, reverse=True)


def suggested_period(today: date) -> int:
    """Return the period whose completions count by default today (1 January onwards)."""
    return max(y for y in election_years_around(today, 1, 1) if default_counts_from(y) <= today)


def default_values(election_year: int) -> dict:
    """Return the form's defaults for a new requirement of election_year's period."""
    return {
        "election_year": election_year,
        "audience": Audience.ALL.value,
        "deadline": default_deadline(election_year),
        "counts_from": default_counts_from(election_year),
    }


def has_counted(requirement: Requirement) -> bool:
    """Return whether a completion by anyone of the organisation counts for the requirement.

    Read broadly (any official, whatever the audience): a requirement that may have counted
    someone's training is evidence and is changed, not deleted.
    """
    stmt = select(
        exists()
        .where(
            User.id == ModuleCompletion.user_id,
            User.organisation_id == requirement.organisation_id,
        )
        .where(sql.counted_for(load.rule_of(requirement)))
    )
    return bool(db.session.scalar(stmt))


def delete_requirement(requirement: Requirement) -> None:
    """Delete a requirement that has counted no one's training, and flush; the caller commits."""
    if has_counted(requirement):
        raise ValueError("a requirement that has counted completions is kept")
    db.session.delete(requirement)
    db.session.flush()


def suggested_dates(years: list[int]) -> dict[int, tuple[date, date]]:
    """Return each period's suggested counts-from date and deadline."""
    return {year: (default_counts_from(year), default_deadline(year)) for year in years}


def create_requirement(organisation_id: int, user_id: int, values: RequirementValues):
    """Add a requirement to the organisation and flush it; the caller commits."""
    requirement = Requirement(organisation_id=organisation_id)
    db.session.add(requirement)
    return update_requirement(requirement, user_id, values)


def update_requirement(requirement: Requirement, user_id: int, values: RequirementValues):
    """Set values on requirement and flush; roles and extents count only for chosen officials."""
    chosen = values.audience == Audience.SELECTED
    requirement.election_year = values.election_year
    requirement.module_ids = list(values.module_ids)
    requirement.audience = values.audience
    requirement.roles = list(values.roles) if chosen else []
    requirement.extents = list(values.extents) if chosen else []
    requirement.deadline = values.deadline
    requirement.counts_from = values.counts_from
    requirement.updated_by_id = user_id
    db.session.flush()
    return requirement
