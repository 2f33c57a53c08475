"""The coverage report: of the officials in office on a day to whom a period's requirements
apply, how many had completed each required module, and all of them, by that day.

Computed in the database with a fixed number of queries whatever the number of officials:
one for the period's requirements, one for the totals, one per breakdown (party, body, role,
extent), one for the list of those who have not completed and one for the weekly curve. The
requirements of a period are few; each becomes a condition on an assignment, and each
(module, counts-from date) a column of flags per official.

An official counts once overall and once in each group they belong to through an assignment
that a requirement applies to on the day. A completion counts for a module when it is dated on
or after the latest counts-from date of the requirements asking that official for it (the
stricter reading, as on the official's own pages) and before the end of the day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    and_,
    case,
    exists,
    false,
    func,
    literal,
    or_,
    select,
    true,
)

from course_app.extensions import db
from course_app.models import (
    Assignment,
    Audience,
    Body,
    ModuleCompletion,
    Party,
    Requirement,
    User,
)
from course_app.models.roster import KL_18A_EXTENTS
from course_app.periods import day_bounds_utc, start_of_day_utc, term_for
from course_app.training import in_office_on

DIMENSIONS = ("party", "body", "role", "extent")


@dataclass(frozen=True)
class Counts:
    """How many officials a module was required of, and how many had completed it."""

    required: int
    completed: int

    @property
    def share(self) -> int | None:
        """Return the completed share in whole percent, None when nobody was asked."""
        return self.completed * 100 // self.required if self.required else None


@dataclass(frozen=True)
class Group:
    """One line of a breakdown: a party, body, role or extent (key None: none given)."""

    key: str | int | None
    name: str | None
    officials: int
    all_done: int
    modules: dict[str, Counts]

    @property
    def share(self) -> int | None:
        return self.all_done * 100 // self.officials if self.officials else None


@dataclass(frozen=True)
class Missing:
    """An official who had not completed every module required of them."""

    user_id: int
    name: str
    email: str
    missing: tuple[str, ...]


@dataclass
class Coverage:
    """The report for one organisation, period and day."""

    election_year: int
    as_of: date
    module_ids: list[str]
    deadline: date | None
    total: Group | None = None
    breakdowns: dict[str, list[Group]] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    # (day, how many of today's officials had completed all by the end of that day), weekly.
    curve: list[tuple[date, int]] = field(default_factory=list)


def _applies(requirement: Requirement):
    """Return the condition that an assignment falls under the requirement."""
    if requirement.audience == Audience.ALL:
        return true()
    if requirement.audience == Audience.KL_18A:
        return Assignment.extent.in_(list(KL_18A_EXTENTS))
    conditions = []
    if requirement.roles:
        conditions.append(Assignment.role.in_(requirement.roles))
    if requirement.extents:
        conditions.append(Assignment.extent.in_(requirement.extents))
    return and_(*conditions) if conditions else true()


def _since_column(module_id: str, requirements: Sequence[Requirement]):
    """Return, per assignment row, the counts-from moment a requirement asks module by."""
    asking = sorted(
        (r for r in requirements if module_id in r.module_ids),
        key=lambda r: r.counts_from,
        reverse=True,  # the latest date first: the stricter reading wins in MAX()
    )
    if not asking:
        return literal(None, ModuleCompletion.__table__.c.completed_at.type)
    moment = ModuleCompletion.__table__.c.completed_at.type
    whens = [(_applies(r), literal(start_of_day_utc(r.counts_from), moment)) for r in asking]
    return case(*whens, else_=None)


def _officials_statement(org_id: int, as_of: date, requirements, module_ids: list[str]):
    """Return one row per official in scope: per module, the moment completions count from."""
    applies_any = or_(*(_applies(r) for r in requirements)) if requirements else false()
    columns = [
        func.max(_since_column(m, requirements)).label(f"since_{i}")
        for i, m in enumerate(module_ids)
    ]
    return (
        select(Assignment.user_id.label("user_id"), *columns)
        .where(Assignment.organisation_id == org_id, in_office_on(as_of), applies_any)
        .group_by(Assignment.user_id)
    ).subquery("officials")


def _flags(officials, module_ids: list[str], until: datetime):
    """Return, for the officials subquery, a (required, done) pair of 0/1 columns per module."""
    flags = []
    for i, module_id in enumerate(module_ids):
        since = officials.c[f"since_{i}"]
        done = exists().where(
            ModuleCompletion.user_id == officials.c.user_id,
            ModuleCompletion.module_id == module_id,
            ModuleCompletion.completed_at >= since,
            ModuleCompletion.completed_at < until,
        )
        required = case((since.is_not(None), 1), else_=0)
        flags.append((required, case((and_(since.is_not(None), done), 1), else_=0)))
    return flags


def _first_done(officials, module_id: str, index: int, until: datetime):
    """Return the moment the official first completed module in a way that counts, or NULL."""
    since = officials.c[f"since_{index}"]
    return (
        select(func.min(ModuleCompletion.completed_at))
        .where(
            ModuleCompletion.user_id == officials.c.user_id,
            ModuleCompletion.module_id == module_id,
            ModuleCompletion.completed_at >= since,
            ModuleCompletion.completed_at < until,
        )
        .scalar_subquery()
    )


def _latest(*moments):
    """Return the latest of the moments (none of them NULL) on either database."""
    if len(moments) == 1:
        return moments[0]
    name = "max" if db.engine.dialect.name == "sqlite" else "greatest"
    return getattr(func, name)(*moments)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def _scored(officials, module_ids: list[str], until: datetime):
    """Return a subquery: user_id, req_i, done_i per module, all_done and all_done_at."""
    flags = _flags(officials, module_ids, until)
    missing_any = or_(*(and_(r == 1, d == 0) for r, d in flags)) if flags else false()
    moment = ModuleCompletion.__table__.c.completed_at.type
    firsts = [
        case(
            (officials.c[f"since_{i}"].is_(None), literal(EPOCH, moment)),
            else_=_first_done(officials, m, i, until),
        )
        for i, m in enumerate(module_ids)
    ]
    return select(
        officials.c.user_id,
        *(r.label(f"req_{i}") for i, (r, _) in enumerate(flags)),
        *(d.label(f"done_{i}") for i, (_, d) in enumerate(flags)),
        case((missing_any, 0), else_=1).label("all_done"),
        case((missing_any, None), else_=_latest(*firsts)).label("all_done_at"),
    ).subquery("scored")


def _sums(scored, module_ids: list[str]) -> list:
    columns = [func.count().label("officials"), func.coalesce(func.sum(scored.c.all_done), 0)]
    for i in range(len(module_ids)):
        columns.append(func.coalesce(func.sum(scored.c[f"req_{i}"]), 0))
        columns.append(func.coalesce(func.sum(scored.c[f"done_{i}"]), 0))
    return columns


def _group(key, name, row, module_ids: list[str]) -> Group:
    officials, all_done, *pairs = row
    modules = {
        m: Counts(int(pairs[2 * i]), int(pairs[2 * i + 1])) for i, m in enumerate(module_ids)
    }
    return Group(key, name, int(officials), int(all_done), modules)


_DIMENSION_COLUMNS = {
    "party": Assignment.party_id,
    "body": Assignment.body_id,
    "role": Assignment.role,
    "extent": Assignment.extent,
}


def _breakdown(dimension, org_id, as_of, requirements, scored, module_ids) -> list[Group]:
    """Return one group per value of the dimension among the officials' assignments."""
    column = _DIMENSION_COLUMNS[dimension]
    applies_any = or_(*(_applies(r) for r in requirements))
    members = (
        select(Assignment.user_id.label("user_id"), column.label("key"))
        .where(Assignment.organisation_id == org_id, in_office_on(as_of), applies_any)
        .distinct()
        .subquery("members")
    )
    names = {"party": Party, "body": Body}.get(dimension)
    key = members.c.key
    stmt = select(key, *_sums(scored, module_ids)).join(
        scored, scored.c.user_id == members.c.user_id
    )
    if names is not None:
        stmt = stmt.add_columns(names.name).outerjoin(names, names.id == key)
        stmt = stmt.group_by(key, names.name).order_by(names.name)
    else:
        stmt = stmt.group_by(key).order_by(key)
    groups = []
    for row in db.session.execute(stmt).all():
        values = list(row)
        name = values.pop() if names is not None else None
        group_key = values.pop(0)
        groups.append(_group(group_key, name, values, module_ids))
    return groups


def coverage(
    org_id: int,
    election_year: int,
    as_of: date,
    module_order: Sequence[str],
    missing_limit: int | None = 500,
) -> Coverage:
    """Return the coverage of the period's requirements on as_of, in a fixed number of queries."""
    requirements = list(
        db.session.scalars(
            select(Requirement).where(
                Requirement.organisation_id == org_id, Requirement.election_year == election_year
            )
        )
    )
    asked = {m for r in requirements for m in r.module_ids}
    module_ids = [m for m in module_order if m in asked]
    deadline = min((r.deadline for r in requirements), default=None)
    report = Coverage(election_year, as_of, module_ids, deadline)
    if not requirements or not module_ids:
        return report
    until = day_bounds_utc(as_of, as_of)[1]
    officials = _officials_statement(org_id, as_of, requirements, module_ids)
    scored = _scored(officials, module_ids, until)
    totals = db.session.execute(select(*_sums(scored, module_ids))).one()
    report.total = _group(None, None, totals, module_ids)
    for dimension in DIMENSIONS:
        report.breakdowns[dimension] = _breakdown(
            dimension, org_id, as_of, requirements, scored, module_ids
        )
    report.missing = _missing(scored, module_ids, missing_limit)
    report.curve = _curve(scored, election_year, as_of)
    return report


def curve_days(election_year: int, as_of: date) -> list[date]:
    """Return the curve's days: weekly from the start of fullmäktige's term, and as_of."""
    start = min(term_for(election_year).starts_on, as_of)
    days = []
    day = start
    while day < as_of:
        days.append(day)
        day += timedelta(days=7)
    return [*days, as_of]


def _curve(scored, election_year: int, as_of: date) -> list[tuple[date, int]]:
    """Return how many had completed all by the end of each curve day, in one query."""
    days = curve_days(election_year, as_of)
    moment = ModuleCompletion.__table__.c.completed_at.type
    sums = [
        func.coalesce(
            func.sum(
                case(
                    (
                        scored.c.all_done_at < literal(day_bounds_utc(day, day)[1], moment),
                        1,
                    ),
                    else_=0,
                )
            ),
            0,
        )
        for day in days
    ]
    row = db.session.execute(select(*sums)).one()
    return [(day, int(count)) for day, count in zip(days, row, strict=True)]


def _missing(scored, module_ids: list[str], limit: int | None) -> list[Missing]:
    """Return those who had not completed everything, by name, with the modules they lack."""
    stmt = (
        select(
            User.id,
            User.name,
            User.email,
            *(
                and_(scored.c[f"req_{i}"] == 1, scored.c[f"done_{i}"] == 0)
                for i in range(len(module_ids))
            ),
        )
        .join(scored, scored.c.user_id == User.id)
        .where(scored.c.all_done == 0)
        .order_by(User.name, User.email, User.id)
    )
    if limit is not None:
        stmt = stmt.limit(limit)
    rows = db.session.execute(stmt).all()
    return [
        Missing(
            row[0],
            row[1],
            row[2],
            tuple(m for m, lacking in zip(module_ids, row[3:], strict=True) if lacking),
        )
        for row in rows
    ]
