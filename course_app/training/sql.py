"""The training rule of rule.py written as SQL, for the report and the lists of many officials.

Each function here is the translation of one function of rule.py, named in its docstring; a
change to one is a change to the other (tests/training/test_oracle.py holds them together on
SQLite and PostgreSQL). The requirements are few and known before the statement is built: each
becomes a condition on an assignment, and each module a column per official.
"""

from __future__ import annotations

import functools
import itertools
import json
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from types import MappingProxyType

from sqlalchemy import (
    Date,
    String,
    Text,
    and_,
    bindparam,
    case,
    cast,
    func,
    literal,
    or_,
    select,
    true,
)

from course_app.models import Assignment, ModuleCompletion, Requirement
from course_app.training import rule
from course_app.training.periods import day_bounds_utc, start_of_day_utc
from course_app.training.rule import KL_18A_EXTENTS, Audience, RequiredModule, Rule, Seat

MOMENT = ModuleCompletion.__table__.c.completed_at.type


def in_office_on(day):
    """Return the condition that an assignment runs on day (rule.Seat.in_office)."""
    return (Assignment.starts_on <= day) & or_(
        Assignment.ends_on.is_(None), Assignment.ends_on >= day
    )


def in_force_on(day):
    """Return the condition that a requirement counts completions on day (rule.Rule.in_force)."""
    return Requirement.counts_from <= day


def applies(rule: Rule):
    """Return the condition that an assignment falls under the requirement (rule.applies)."""
    if rule.audience == Audience.ALL:
        return true()
    if rule.audience == Audience.KL_18A:
        return Assignment.extent.in_(list(KL_18A_EXTENTS))
    conditions = []
    if rule.roles:
        conditions.append(Assignment.role.in_(sorted(rule.roles)))
    if rule.extents:
        conditions.append(Assignment.extent.in_(sorted(rule.extents)))
    return and_(*conditions) if conditions else true()


def in_scope(organisation_id: int, as_of: date, rules: Sequence[Rule]):
    """Return the condition that an assignment brings its official under one of the rules on
    as_of: in the organisation, running that day, and under a requirement's audience."""
    applies_any = or_(*(applies(r) for r in rules))
    return and_(Assignment.organisation_id == organisation_id, in_office_on(as_of), applies_any)


def counted_for(rule: Rule):
    """Return the condition that a completion counts for the requirement (rule.counts): one of
    its modules, from the start of its counts-from day. Whose it is, the caller decides."""
    return and_(
        ModuleCompletion.module_id.in_(list(rule.module_ids)),
        ModuleCompletion.completed_at >= start_of_day_utc(rule.counts_from),
    )


def _asking(module_id: str, rules: Sequence[Rule]) -> list[Rule]:
    return [r for r in rules if module_id in r.module_ids]


def _for_everyone(module_id: str, rules: Sequence[Rule]) -> bool:
    """Return True if every requirement asking for the module applies to every assignment."""
    return all(
        r.audience == Audience.ALL
        or (r.audience != Audience.KL_18A and not r.roles and not r.extents)
        for r in _asking(module_id, rules)
    )


def _moments(module_id: str, rules: Sequence[Rule]) -> list[datetime]:
    """Return the moments from which the requirements asking for the module count completions."""
    return sorted({start_of_day_utc(r.counts_from) for r in _asking(module_id, rules)})


def _since_per_seat(module_id: str, rules: Sequence[Rule]):
    """Return, per assignment, the latest counts-from moment of the requirements asking for the
    module that apply to it (rule.merge: the later counts-from date wins, by MAX over seats)."""
    latest_first = sorted(_asking(module_id, rules), key=lambda r: r.counts_from, reverse=True)
    whens = [(applies(r), literal(start_of_day_utc(r.counts_from), MOMENT)) for r in latest_first]
    return case(*whens, else_=None)


def _deadline(module_id: str, rules: Sequence[Rule]):
    """Return an official's deadline for the module: the earliest of the requirements asking for
    it that apply to one of their seats (rule.merge: the earlier deadline wins, by MIN)."""
    asking = _asking(module_id, rules)
    if len({r.deadline for r in asking}) == 1:
        return literal(asking[0].deadline, Date)
    earliest_first = sorted(asking, key=lambda r: r.deadline)
    return func.min(case(*((applies(r), literal(r.deadline, Date)) for r in earliest_first)))


def standings(organisation_id: int, rules: Sequence[Rule], as_of: date, module_ids, extra=()):
    """Return the officials in scope on as_of as a CTE, one row each (rule.required_in_period and
    rule.standing): user_id, then per module i of module_ids since_i (the moment completions
    count from; NULL: not required of them), first_i (their first completion that counts by
    the end of as_of, or NULL) and deadline_i, then the extra aggregate columns over their
    seats in scope.

    rules must be the period's requirements in force on as_of, each asking for a module of
    module_ids. One join of the seats in scope with their completions in the window, grouped by
    official (a completion comes once per seat, which changes no first). Per module, the first
    completion from each moment it counts from is kept, and the official's own moment picks
    one: it is known only once all their seats are seen.
    """
    completion = ModuleCompletion
    moments = [
        sorted({start_of_day_utc(r.counts_from) for r in _asking(m, rules)}) for m in module_ids
    ]
    since, firsts, deadlines = [], [], []
    for i, module_id in enumerate(module_ids):
        picks = []
        for moment in moments[i]:
            counts = and_(completion.module_id == module_id, completion.completed_at >= moment)
            picks.append((moment, func.min(case((counts, completion.completed_at), else_=None))))
        deadlines.append(_deadline(module_id, rules).label(f"deadline_{i}"))
        if _for_everyone(module_id, rules):
            # The same moment for every official: the latest of them (the stricter reading).
            moment, first = picks[-1]
            since.append(literal(moment, MOMENT))
            firsts.append(first.label(f"first_{i}"))
            continue
        since.append(func.max(_since_per_seat(module_id, rules)))
        picked = ((since[i] == moment, first) for moment, first in picks)
        firsts.append(case(*picked, else_=None).label(f"first_{i}"))
    window = and_(
        completion.user_id == Assignment.user_id,
        completion.module_id.in_(list(module_ids)),
        completion.completed_at >= min(itertools.chain(*moments)),
        completion.completed_at < day_bounds_utc(as_of, as_of)[1],
    )
    return (
        select(
            Assignment.user_id.label("user_id"),
            *(s.label(f"since_{i}") for i, s in enumerate(since)),
            *firsts,
            *deadlines,
            *extra,
        )
        .outerjoin(completion, window)
        .where(in_scope(organisation_id, as_of, rules))
        .group_by(Assignment.user_id)
    ).cte("standings")


# The fields of a requirement as requirement_rows gives them, in this order.
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
    """Return the requirements in force with the user's seats on a day, as rows of the learner's
    UNION ALL (learn/saved.py): (kind, requirement id, seat, no_at, the requirement's fields),
    so that a page reads them in the same round trip as the rest.

    kind and no_at are the union's column expressions; the user, organisation and day are bound
    at execution. required_from_rows reads the rows back.
    """
    day = bindparam("day", type_=Date)
    return (
        select(
            kind,
            cast(Requirement.id, String),
            cast(_joined((Assignment.role, Assignment.extent)), String),
            no_at,
            _joined(_FIELDS),
        )
        .join(Assignment, Assignment.organisation_id == Requirement.organisation_id)
        .where(
            Requirement.organisation_id == bindparam("organisation_id"),
            in_force_on(day),
            Assignment.user_id == bindparam("user_id"),
            in_office_on(day),
        )
    )


def required_from_rows(
    rows: Iterable[tuple[str, str, str]], day: date
) -> Mapping[str, RequiredModule]:
    """Return rule.required_of on day for requirement_rows' (id, seat, fields) rows.

    Kept for the same rows and day: officials with the same kind of seat under the same
    requirements share one reading.
    """
    return _required_from(tuple(rows), day)


@functools.lru_cache(maxsize=1024)
def _required_from(rows: tuple[tuple[str, str, str], ...], day: date):
    rules: dict[str, Rule] = {}
    seats: set[Seat] = set()
    for requirement_id, seat, fields in rows:
        if requirement_id not in rules:
            year, counts_from, deadline, audience, roles, extents, modules = fields.split("\n")
            rules[requirement_id] = Rule(
                id=int(requirement_id),
                election_year=int(year),
                counts_from=date.fromisoformat(counts_from[:10]),
                deadline=date.fromisoformat(deadline[:10]),
                audience=audience,
                roles=frozenset(json.loads(roles)),
                extents=frozenset(json.loads(extents)),
                module_ids=tuple(json.loads(modules)),
            )
        role, extent = seat.split("\n")
        seats.add(Seat(role, extent, day, day))  # the rows hold only the seats in office on day
    return MappingProxyType(rule.required_of(rules.values(), list(seats), day))
