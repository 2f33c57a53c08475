"""The coverage report: of the officials in office on a day to whom a period's requirements
apply, how many had completed each required module, and all of them, by that day.

Computed in the database in two queries whatever the number of officials: the period's
requirements; then the totals, the breakdowns (party, body, role, extent), the weekly curve, a
page of those who have not completed (filtered by their seats, in an order) and, when filtered,
how many they are, together (one UNION ALL over the officials scored once); unfiltered, they
are the total less those done. The exports, which list every one
of those, read that list in a third query. The requirements of a period are few; each becomes a
condition on an assignment, and each module a column of flags per official.

Who is counted, for which modules, and which completions count is the training rule's: the
officials are scored by training.sql.standings over the period's requirements in force on the
day (a requirement whose counts-from date is still ahead asks nothing yet). An official counts
once overall and once in each group they belong to through an assignment that a requirement
applies to on the day.
"""

from __future__ import annotations

import functools
import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import NamedTuple

from sqlalchemy import (
    Integer,
    String,
    and_,
    case,
    cast,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    union_all,
)
from sqlalchemy import text as sql_text

from course_app.extensions import db
from course_app.models import (
    Assignment,
    Body,
    ModuleCompletion,
    Party,
    User,
)
from course_app.models.roster import NAME_LENGTH
from course_app.security_unit.officials import Filters, seat_conditions
from course_app.training import load, sql
from course_app.training.periods import day_bounds_utc, term_for
from course_app.training.rule import Rule

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


class Missing(NamedTuple):
    """An official who had not completed every module required of them (a tuple: an export
    makes tens of thousands)."""

    user_id: int
    name: str
    email: str
    missing: tuple[str, ...]


ORDERS = ("name", "email", "lacking")


@dataclass(frozen=True)
class Listing:
    """Which of those who have not completed everything the list holds, and in what order:
    by name, by e-mail address, or those lacking the most modules first (then by name)."""

    filters: Filters = Filters()
    order: str = "name"
    offset: int = 0


@dataclass
class Coverage:
    """The report for one organisation, period and day."""

    election_year: int
    as_of: date
    module_ids: list[str]
    # The period's deadlines, each with the requirements it belongs to, soonest first.
    deadlines: list[tuple[date, list[Rule]]]
    total: Group | None = None
    breakdowns: dict[str, list[Group]] = field(default_factory=dict)
    missing: list[Missing] = field(default_factory=list)
    # How many of those matching the list's filters had not completed everything.
    missing_count: int = 0
    # (day, how many of today's officials had completed all by the end of that day), weekly.
    curve: list[tuple[date, int]] = field(default_factory=list)

    @property
    def deadline(self) -> date | None:
        """Return the period's first deadline, None when it has no requirement."""
        return self.deadlines[0][0] if self.deadlines else None


def deadlines_of(rules: Sequence[Rule]) -> list[tuple[date, list[Rule]]]:
    """Return the deadlines of a period's requirements, each with its requirements, in order."""
    by_day: dict[date, list[Rule]] = {}
    for rule in sorted(rules, key=lambda r: (r.deadline, r.id)):
        by_day.setdefault(rule.deadline, []).append(rule)
    return list(by_day.items())


def _seat_columns() -> list:
    """Return, over an official's seats in scope, whether they hold several and, for those with
    one, its values. (A truth value, not a number: PostgreSQL expects half of the officials on
    each side of a test of it, rather than almost none, and groups and joins them by hashing.)"""
    seat = [(func.min(Assignment.id) != func.max(Assignment.id)).label("several")]
    return seat + [func.max(c).label(f"seat_{d}") for d, c in _DIMENSION_COLUMNS.items()]


def _latest(*moments):
    """Return the latest of the moments (none of them NULL) on either database."""
    if len(moments) == 1:
        return moments[0]
    name = "max" if db.engine.dialect.name == "sqlite" else "greatest"
    return getattr(func, name)(*moments)


EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
REPORT_WORK_MEM = "32MB"


def _scored(firsts, module_ids: list[str]):
    """Return per official: seats, req_i and done_i per module, all_done and when all was done,
    and lacking (not all done, as a truth value: PostgreSQL then expects half of them to lack
    something, not almost none, and joins their names to the list by hashing).

    Names come only with the list of who is missing: carried by every official through each
    reading of the scores, they cost more than that join."""
    moment = ModuleCompletion.__table__.c.completed_at.type
    required = [firsts.c[f"since_{i}"].is_not(None) for i in range(len(module_ids))]
    first = [firsts.c[f"first_{i}"] for i in range(len(module_ids))]
    done = [and_(r, f.is_not(None)) for r, f in zip(required, first, strict=True)]
    lacking = or_(*(and_(r, f.is_(None)) for r, f in zip(required, first, strict=True)))
    epoch = literal(EPOCH, moment)
    scores = select(
        firsts.c.user_id,
        *(firsts.c[n] for n in _SEAT_COLUMNS),
        *(case((r, 1), else_=0).label(f"req_{i}") for i, r in enumerate(required)),
        *(case((d, 1), else_=0).label(f"done_{i}") for i, d in enumerate(done)),
        case((lacking, 0), else_=1).label("all_done"),
        case((lacking, None), else_=_latest(*(func.coalesce(f, epoch) for f in first))).label(
            "all_done_at"
        ),
        lacking.label("lacking"),
    )
    return scores.cte("scored")


def _sums(scored, module_ids: list[str]) -> list:
    """Return the sums of a group: officials, all done, and per module required and done."""
    columns = [func.count().label("officials"), func.coalesce(func.sum(scored.c.all_done), 0)]
    for i in range(len(module_ids)):
        columns.append(func.coalesce(func.sum(scored.c[f"req_{i}"]), 0))
        columns.append(func.coalesce(func.sum(scored.c[f"done_{i}"]), 0))
    return columns


CURVE = "curve"


def _curve(scored, module_ids: list[str], days: list[date], text):
    """Return the curve's branch: for each curve day, how many officials had completed all by
    its end but not by the previous day's end (summed up day by day afterwards).

    One CASE per official and one grouping, not a sum over every official per day."""
    moment = ModuleCompletion.__table__.c.completed_at.type
    week = case(
        *(
            (scored.c.all_done_at < literal(day_bounds_utc(day, day)[1], moment), number)
            for number, day in enumerate(days)
        ),
        else_=None,
    )
    zeros = (literal(0) for _ in range(1 + 2 * len(module_ids)))
    none = literal(None, text)
    return (
        select(literal(CURVE, text), cast(week, text), none, none, func.count(), *zeros)
        .where(scored.c.all_done == 1, week.is_not(None))
        .group_by(week)
    )


def _group(key, name, row, module_ids: list[str]) -> Group:
    officials, all_done, *pairs = row[: 2 + 2 * len(module_ids)]
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
_NAMES = {"party": Party, "body": Body}
_SEAT_COLUMNS = ("several", *(f"seat_{d}" for d in DIMENSIONS))


def _dimension_key(dimension: str, column, text) -> tuple:
    """Return (dimension, ref, value) of a group: party and body by id (named later), role
    and extent by their text."""
    by_id = dimension in _NAMES
    return (
        literal(dimension, text).label("dimension"),
        (column if by_id else literal(None, Integer)).label("ref"),
        (literal(None, text) if by_id else cast(column, text)).label("value"),
    )


def _branches(org_id, as_of, requirements, scored, module_ids, days):
    """Return the SELECTs of the total and of every value of every dimension.

    An official counts once in each group they belong to. Most hold one seat in scope: their
    groups are that seat's values, carried in their scores and summed by combination first.
    For those with several, their seats carry their scores, each official counted once per
    (dimension, value). (Pairs for everyone would be a join of four rows per official.)
    """
    text = String(NAME_LENGTH)
    total = _sums(scored, module_ids)
    none = literal(None, text)
    branches = [select(literal("total", text), none, none, none, *total)]
    branches.append(_curve(scored, module_ids, days, text))
    sums = [c.label(f"sum_{i}") for i, c in enumerate(_sums(scored, module_ids))]
    seat = [scored.c[f"seat_{d}"] for d in DIMENSIONS]
    combos = select(*seat, *sums).where(not_(scored.c.several)).group_by(*seat).cte("combos")
    parts = []
    for dimension in DIMENSIONS:
        column = combos.c[f"seat_{dimension}"]
        parts.append(
            select(
                *_dimension_key(dimension, column, text),
                *(func.sum(combos.c[c.name]).label(c.name) for c in sums),
            ).group_by(column)
        )
    # Those with several seats: each seat with its official's scores, then each official once
    # per (dimension, value).
    scores = [scored.c.all_done]
    scores += [scored.c[f"{k}_{i}"] for i in range(len(module_ids)) for k in ("req", "done")]
    several = (
        select(Assignment.user_id, *_DIMENSION_COLUMNS.values(), *scores)
        .join(scored, scored.c.user_id == Assignment.user_id)
        .where(sql.in_scope(org_id, as_of, requirements), scored.c.several)
        .cte("several")
    )
    pairs = []
    for dimension, column in _DIMENSION_COLUMNS.items():
        value = several.c[column.name]
        carried = (several.c.user_id, *(several.c[c.name] for c in scores))
        pairs.append(select(*_dimension_key(dimension, value, text), *carried).distinct())
    members = union_all(*pairs).subquery("members")
    member_sums = [c.label(f"sum_{i}") for i, c in enumerate(_sums(members, module_ids))]
    parts.append(
        select(members.c.dimension, members.c.ref, members.c.value, *member_sums).group_by(
            members.c.dimension, members.c.ref, members.c.value
        )
    )
    both = union_all(*parts).subquery("parts")
    key = (both.c.dimension, both.c.ref, both.c.value)
    grouped = (
        select(*key, *(func.sum(both.c[c.name]).label(c.name) for c in sums))
        .group_by(*key)
        .subquery("grouped")
    )
    party, body = Party.__table__, Body.__table__
    branches.append(
        select(
            grouped.c.dimension,
            func.coalesce(cast(grouped.c.ref, text), grouped.c.value),
            func.coalesce(party.c.name, body.c.name),
            none,
            *(grouped.c[f"sum_{i}"] for i in range(len(sums))),
        )
        .outerjoin(party, and_(grouped.c.dimension == "party", party.c.id == grouped.c.ref))
        .outerjoin(body, and_(grouped.c.dimension == "body", body.c.id == grouped.c.ref))
    )
    return branches


def coverage(
    org_id: int,
    election_year: int,
    as_of: date,
    module_order: Sequence[str],
    missing_limit: int | None = 500,
    listing: Listing = Listing(),
) -> Coverage:
    """Return the coverage of the period's requirements on as_of, in two queries.

    The list of those who have not completed everything holds those with an assignment in
    scope that matches every one of the listing's filters, in its order: from its offset at
    most missing_limit of them (none with 0, every one with None, in a query of its own).
    """
    rules = load.rules_of(org_id, election_year)
    # Only the requirements in force on as_of ask for anything (rule.required_in_period).
    in_force = [r for r in rules if r.in_force(as_of)]
    asked = {m for r in in_force for m in r.module_ids}
    module_ids = [m for m in module_order if m in asked]
    report = Coverage(election_year, as_of, module_ids, deadlines_of(rules))
    if not in_force or not module_ids:
        return report
    if db.engine.dialect.name == "postgresql":
        # Scoring tens of thousands of officials needs more than the default 4 MB for its
        # hash tables and sorts, which would otherwise spill to disk; for this transaction only.
        db.session.execute(sql_text(f"SET LOCAL work_mem = '{REPORT_WORK_MEM}'"))
    firsts = sql.standings(org_id, in_force, as_of, module_ids, _seat_columns())
    scored = _scored(firsts, module_ids)
    days = curve_days(election_year, as_of)
    branches = _branches(org_id, as_of, in_force, scored, module_ids, days)
    matching = _matching(org_id, as_of, in_force, scored, listing.filters)
    if missing_limit:
        # A page of them, and how many there are when filtered: in the same statement, so that
        # the officials are scored once. Every one of them (the exports) has a query of its own:
        # tens of thousands of rows as wide as the union would cost more than scoring twice.
        width = 2 + 2 * len(module_ids)  # the number columns of every branch
        page = _missing_page(org_id, scored, module_ids, matching, listing, missing_limit)
        branches.append(_padded(page, len(module_ids), width))
        if matching is not None:
            branches.append(_counted(scored, matching, width))
    modules = tuple(module_ids)
    groups: dict[str, list[Group]] = {d: [] for d in DIMENSIONS}
    missing: list[tuple[int, Missing]] = []
    weekly: dict[int, int] = {}
    for kind, key, name, email, *row in db.session.execute(union_all(*branches)).all():
        if kind == "total":
            report.total = _group(None, None, row, module_ids)
        elif kind == CURVE:
            weekly[int(key)] = int(row[0])
        elif kind == MISSING:
            person = _person(key, name, email, row, modules)
            missing.append((int(row[len(module_ids)]), person))
        elif kind == COUNTED:
            report.missing_count = int(row[0])
        else:
            groups[kind].append(_group(_key(kind, key), name, row, module_ids))
    if missing_limit and matching is None and report.total is not None:
        # Unfiltered, those who have not completed everything are those not counted as done.
        report.missing_count = report.total.officials - report.total.all_done
    report.breakdowns = {d: sorted(groups[d], key=_order) for d in DIMENSIONS}
    running = itertools.accumulate(weekly.get(n, 0) for n in range(len(days)))
    report.curve = list(zip(days, running, strict=True))
    if missing_limit is not None:
        report.missing = [person for _, person in sorted(missing, key=lambda pair: pair[0])]
    else:
        rows = db.session.execute(_missing(scored, module_ids, matching, listing.order))
        report.missing = [_person(*row[1:4], row[4:], modules) for row in rows]
        report.missing_count = len(report.missing)
    return report


def _key(kind: str, key: str | None):
    if key is None or kind in ("role", "extent"):
        return key
    return int(key)


def _order(group: Group):
    return (group.name is None and group.key is None, group.name or "", str(group.key or ""))


def curve_days(election_year: int, as_of: date) -> list[date]:
    """Return the curve's days: weekly from the start of fullmäktige's term, and as_of."""
    start = min(term_for(election_year).starts_on, as_of)
    days = []
    day = start
    while day < as_of:
        days.append(day)
        day += timedelta(days=7)
    return [*days, as_of]


MISSING = "missing"
COUNTED = "counted"


def _matching(org_id: int, as_of: date, requirements, scored, filters: Filters):
    """Return the condition that an official of scored has an assignment in scope matching
    every one of the filters, or None when there are none."""
    conditions = seat_conditions(filters)
    if not conditions:
        return None
    return (
        select(Assignment.id)
        .where(
            Assignment.user_id == scored.c.user_id,
            sql.in_scope(org_id, as_of, requirements),
            *conditions,
        )
        .exists()
    )


def _order_by(columns, order: str) -> tuple:
    """Return the sort keys of the list in the order asked for: always ending with the user
    id, so that pages never overlap."""
    by_name = (columns.name, columns.email, columns.user_id)
    if order == "email":
        return (columns.email, columns.user_id)
    if order == "lacking":
        return (columns.how_many_lacking.desc(), *by_name)
    return by_name


def _missing(
    scored,
    module_ids: list[str],
    matching=None,
    order: str = "name",
    first: int | None = None,
    offset: int = 0,
):
    """Return those who had not completed everything (of them, those matching), in the order
    asked for: (kind, user id, name, e-mail, then per module 1 where it is lacking). With first,
    only so many from the offset, each with their place in that order (the rows of a UNION
    come in no order)."""
    lacking = _lacking_flags(scored, module_ids)
    rows = (
        select(*_listed(scored.c.user_id, User.name, User.email, lacking))
        .join(User, User.id == scored.c.user_id)
        .where(scored.c.lacking)
    )
    if matching is not None:
        rows = rows.where(matching)
    keys = _SortKeys(User.name, User.email, scored.c.user_id, sum(lacking[1:], lacking[0]))
    rows = rows.order_by(*_order_by(keys, order))
    if first is None:
        return rows
    return _numbered(rows, scored, keys, order, first, offset)


def _listed(user_id, name, email, lacking: list) -> list:
    """Return the columns of a row of the list: (kind, user id, name, e-mail, then per module 1
    where it is lacking)."""
    text = String(NAME_LENGTH)
    return [
        literal(MISSING, text).label("kind"),
        cast(user_id, text).label("key"),
        name,
        email,
        *(flag.label(f"lacking_{i}") for i, flag in enumerate(lacking)),
    ]


def _lacking_flags(scored, module_ids: list[str]) -> list:
    """Return per module 1 where the official lacks it (required, not done), else 0."""
    return [
        case((and_(scored.c[f"req_{i}"] == 1, scored.c[f"done_{i}"] == 0), 1), else_=0)
        for i in range(len(module_ids))
    ]


def _missing_page(org_id: int, scored, module_ids: list[str], matching, listing, first: int):
    """Return a page of those who had not completed everything, as _missing does with first.

    By name or e-mail address, the page is taken from the organisation's users by a test of
    membership in those lacking something, not a join: by name, PostgreSQL reads the users in
    the order of the index on (organisation, name, e-mail address, id) and stops at the page's
    end; by e-mail address, it keeps only the page while sorting. A join would sort every one
    of tens of thousands first. The test is written IS TRUE so that it stays a test (one
    hashed set of ids) and is not made a join."""
    if listing.order == "lacking":
        return _missing(scored, module_ids, matching, "lacking", first, listing.offset)
    lacking = select(scored.c.user_id).where(scored.c.lacking)
    if matching is not None:
        lacking = lacking.where(matching)
    keys = _SortKeys(User.name, User.email, User.id, None)
    page = (
        select(User.id, User.name, User.email)
        .where(User.organisation_id == org_id, User.id.in_(lacking).is_(true()))
        .order_by(*_order_by(keys, listing.order))
        .limit(first)
        .offset(listing.offset)
        .subquery("page")
    )
    flags = _lacking_flags(scored, module_ids)
    kept = _SortKeys(page.c.name, page.c.email, page.c.id, None)
    return select(
        *_listed(page.c.id, page.c.name, page.c.email, flags),
        func.row_number().over(order_by=_order_by(kept, listing.order)),
    ).join(scored, scored.c.user_id == page.c.id)


def _numbered(rows, scored, keys, order: str, first: int, offset: int):
    """Return so many of the rows from the offset, each with its place in the order."""
    # Limited before they are numbered, so that PostgreSQL keeps only the first while sorting
    # (numbering first would sort all of them).
    kept = (
        rows.add_columns(
            scored.c.user_id.label("user_id"),
            keys.how_many_lacking.label("how_many_lacking"),
        )
        .limit(first)
        .offset(offset)
        .subquery("kept")
    )
    return select(
        *(c for c in kept.c if c.name not in ("user_id", "how_many_lacking")),
        func.row_number().over(order_by=_order_by(kept.c, order)),
    )


@dataclass(frozen=True)
class _SortKeys:
    name: object
    email: object
    user_id: object
    how_many_lacking: object  # how many required modules the official lacks


def _counted(scored, matching, width: int):
    """Return the branch counting those who had not completed everything (and match)."""
    text = String(NAME_LENGTH)
    none = literal(None, text)
    rows = select(literal(COUNTED, text), none, none, none, func.count())
    rows = rows.where(scored.c.lacking)
    if matching is not None:
        rows = rows.where(matching)
    return rows.add_columns(*(literal(0).label(f"pad_{i}") for i in range(width - 1)))


def _padded(missing, modules: int, width: int):
    """Return the rows of missing as a branch of the report's union: zeros up to its width."""
    rows = missing.subquery("missing")
    return select(rows, *(literal(0).label(f"pad_{i}") for i in range(width - modules - 1)))


def _person(key, name: str, email: str, flags, modules: tuple[str, ...]) -> Missing:
    """Return the official of a row of the list; flags: its numbers after the e-mail address."""
    return Missing(int(key), name, email, _lacking(modules, tuple(flags[: len(modules)])))


@functools.lru_cache(maxsize=1024)
def _lacking(module_ids: tuple[str, ...], flags: tuple[int, ...]) -> tuple[str, ...]:
    """Return the modules flagged as lacking: one tuple per pattern, shared by tens of
    thousands of rows in an export."""
    return tuple(m for m, flag in zip(module_ids, flags, strict=True) if flag)
