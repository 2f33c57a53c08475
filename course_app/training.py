"""What training is required of an official now: read from the roster and the requirements.

Shared by the official's pages (learn/) and the security unit's (security_unit/); reads only.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from types import MappingProxyType

from sqlalchemy import Date, String, Text, bindparam, cast, literal, or_, select

from course_app.extensions import db
from course_app.models import Assignment, AssignmentRole, Audience, Extent, Requirement


@dataclass(frozen=True)
class RequiredModule:
    """A module required of one official for a mandate period."""

    module_id: str
    election_year: int
    counts_from: date
    deadline: date

    @property
    def period_label(self) -> str:
        """Return the period as "2026–2030"."""
        return f"{self.election_year}–{self.election_year + 4}"


def in_office_on(day: date):
    """Return the condition that an assignment runs on day."""
    return (Assignment.starts_on <= day) & or_(
        Assignment.ends_on.is_(None), Assignment.ends_on >= day
    )


def requirements_in_force(requirements: list[Requirement], day: date) -> list[Requirement]:
    """Return the requirements of the latest period whose training already counts on day."""
    started = [r for r in requirements if r.counts_from <= day]
    if not started:
        return []
    year = max(r.election_year for r in started)
    return [r for r in started if r.election_year == year]


def merge_required(
    requirements: list[Requirement], assignments: list[Assignment]
) -> dict[str, RequiredModule]:
    """Return the modules the requirements ask of someone holding assignments, by module id.

    Where two requirements ask for one module, the earlier deadline and the later
    "counts from" date win: the stricter reading.
    """
    required: dict[str, RequiredModule] = {}
    for req in requirements:
        if not any(req.applies_to(a) for a in assignments):
            continue
        for module_id in req.module_ids:
            new = RequiredModule(module_id, req.election_year, req.counts_from, req.deadline)
            old = required.get(module_id)
            if old is not None:
                new = RequiredModule(
                    module_id,
                    new.election_year,
                    max(old.counts_from, new.counts_from),
                    min(old.deadline, new.deadline),
                )
            required[module_id] = new
    return required


@functools.cache
def _required_statement():
    """Return the requirements with the user's assignments on a day; built once per process."""
    return _with_seats(select(Requirement, Assignment))


def _with_seats(stmt):
    """Join stmt's requirements to the user's seats on a day, in the requirements' organisation.

    The requirements counting by then; the user, organisation and day are bound at execution.
    """
    day = bindparam("day", type_=Date)
    return stmt.join(Assignment, Assignment.organisation_id == Requirement.organisation_id).where(
        Requirement.organisation_id == bindparam("organisation_id"),
        Requirement.counts_from <= day,
        Assignment.user_id == bindparam("user_id"),
        in_office_on(day),
    )


# The fields of a requirement, and the role and extent of a seat, as one text each: rows of the
# learner's UNION ALL (learn/saved.py), read back by required_from_rows.
_FIELDS = (
    Requirement.election_year,
    Requirement.counts_from,
    Requirement.deadline,
    Requirement.audience,
    Requirement.roles,
    Requirement.extents,
    Requirement.module_ids,
)


def _joined(columns):
    text = cast(columns[0], Text)
    for column in columns[1:]:
        text = text + literal("\n") + cast(column, Text)
    return text


def requirement_rows(kind, no_at):
    """Return the requirements of the user's organisation with the user's seats on a day.

    As rows (kind, requirement id, role and extent, no_at, the requirement's fields) of the
    learner's UNION ALL, so that a page reads them in the same round trip as the rest; kind and
    no_at are the union's column expressions. The user, organisation and day are bound at
    execution.
    """
    return _with_seats(
        select(
            kind,
            cast(Requirement.id, String),
            cast(_joined((Assignment.role, Assignment.extent)), String),
            no_at,
            _joined(_FIELDS),
        )
    )


def required_from_rows(
    rows: Iterable[tuple[str, str, str]], day: date
) -> Mapping[str, RequiredModule]:
    """Return the modules required on day, from requirement_rows' (id, seat, fields) rows.

    A pure function of its text, kept for the same rows and day: officials with the same kind
    of seat under the same requirements share one reading.
    """
    return _required_from(tuple(rows), day)


@functools.lru_cache(maxsize=1024)
def _required_from(rows: tuple[tuple[str, str, str], ...], day: date):
    requirements: dict[str, Requirement] = {}
    seats: dict[str, Assignment] = {}
    for requirement_id, seat, fields in rows:
        if requirement_id not in requirements:
            year, counts_from, deadline, audience, roles, extents, modules = fields.split("\n")
            requirements[requirement_id] = Requirement(
                id=int(requirement_id),
                election_year=int(year),
                counts_from=date.fromisoformat(counts_from[:10]),
                deadline=date.fromisoformat(deadline[:10]),
                audience=Audience(audience),
                roles=json.loads(roles),
                extents=json.loads(extents),
                module_ids=json.loads(modules),
            )
        role, extent = seat.split("\n")
        seats[seat] = Assignment(role=AssignmentRole(role), extent=Extent(extent))
    in_force = requirements_in_force(list(requirements.values()), day)
    return MappingProxyType(merge_required(in_force, list(seats.values())))


def required_of(user_id: int, organisation_id: int, day: date) -> dict[str, RequiredModule]:
    """Return the modules required of the user on day, by module id, in one query."""
    params = {"user_id": user_id, "organisation_id": organisation_id, "day": day}
    pairs = db.session.execute(_required_statement(), params).all()
    requirements = requirements_in_force(list({r.id: r for r, _ in pairs}.values()), day)
    assignments = list({a.id: a for _, a in pairs}.values())
    return merge_required(requirements, assignments)


def latest_completions(
    rows: Iterable[tuple[str, datetime]], since: Mapping[str, datetime]
) -> tuple[dict[str, datetime], dict[str, datetime]]:
    """Split (module id, completed at) rows into those that count and those from before.

    A module without an entry in since (no requirement asks for it) always counts. Return the
    latest completion per module in each part.
    """
    counting: dict[str, datetime] = {}
    earlier: dict[str, datetime] = {}
    for module_id, at in rows:
        start = since.get(module_id)
        part = counting if start is None or at >= start else earlier
        part[module_id] = max(at, part.get(module_id, at))
    return counting, earlier
