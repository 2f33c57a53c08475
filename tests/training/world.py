"""The oracle test's world: random organisations, what they hold, and the pure rule's
reading of them (see test_oracle.py)."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from hypothesis import HealthCheck, event, note, settings
from hypothesis import strategies as st

from course_app.auth import services
from course_app.extensions import db
from course_app.learn.services import current_catalog
from course_app.models import (
    Assignment,
    AssignmentRole,
    Audience,
    Body,
    Extent,
    ModuleCompletion,
    Party,
    Permission,
    Requirement,
)
from course_app.security_unit.coverage import DIMENSIONS, Counts
from course_app.training import rule
from course_app.training.periods import default_deadline, start_of_day_utc, term_for

ROLES = tuple(r.value for r in AssignmentRole)
EXTENTS = tuple(e.value for e in Extent)
AUDIENCES = tuple(a.value for a in Audience)
BODIES = ("Kommunfullmäktige", "Kommunstyrelsen", "Byggnadsnämnden")
PARTIES = ("Exempelpartiet", "Andra partiet", None)
YEARS = (2026, 2026, 2026, 2026, 2022, 2030)  # mostly the coming period
FIRST_DAY, LAST_DAY = date(2025, 6, 1), date(2031, 1, 1)
BUSY = (date(2026, 10, 1), date(2028, 1, 31))  # the first deadlines of 2026–2030
NEAR = (0, 0, 1, -1, 7, -7, 30, -30, -15, -4)
SETTINGS = settings(suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)

_serial = itertools.count(1)


# The generated data: plain values, from which both the database and the pure inputs are made.


@dataclass(frozen=True)
class Req:
    election_year: int
    module_ids: tuple[str, ...]
    audience: str
    roles: frozenset[str]
    extents: frozenset[str]
    counts_from: date
    deadline: date


@dataclass(frozen=True)
class SeatSpec:
    role: str
    extent: str
    starts_on: date
    ends_on: date | None
    body: str | None
    party: str | None

    @property
    def seat(self) -> rule.Seat:
        return rule.Seat(self.role, self.extent, self.starts_on, self.ends_on)


@dataclass(frozen=True)
class Official:
    seats: tuple[SeatSpec, ...]
    completions: tuple[tuple[str, datetime], ...]


@dataclass(frozen=True)
class Example:
    requirements: tuple[Req, ...]
    officials: tuple[Official, ...]
    days: tuple[date, ...]


def _requirement(draw, modules: Sequence[str], pools: dict) -> Req:
    """Draw a requirement; its dates come from a small pool per period, so that requirements
    share counts-from dates and deadlines as often as they differ."""
    year = draw(st.sampled_from(YEARS))
    if year not in pools:
        counts = st.one_of(
            st.just(date(year, 1, 1)), st.dates(date(year - 1, 6, 1), date(year + 1, 6, 30))
        )
        deadlines = st.one_of(
            st.just(default_deadline(year)), st.dates(date(year, 1, 2), date(year + 2, 12, 31))
        )
        pools[year] = (
            draw(st.lists(counts, min_size=1, max_size=3, unique=True)),
            draw(st.lists(deadlines, min_size=1, max_size=3, unique=True)),
        )
    counts_from = draw(st.sampled_from(pools[year][0]))
    later = [d for d in pools[year][1] if d > counts_from]
    if later and draw(st.integers(0, 3)):
        deadline = draw(st.sampled_from(later))
    else:
        deadline = counts_from + timedelta(days=draw(st.integers(1, 700)))
    audience = draw(st.sampled_from(AUDIENCES))
    roles: frozenset[str] = frozenset()
    extents: frozenset[str] = frozenset()
    if audience == Audience.SELECTED:
        which = draw(st.sampled_from(("roles", "extents", "both")))
        if which != "extents":
            roles = draw(st.frozensets(st.sampled_from(ROLES), min_size=1, max_size=3))
        if which != "roles":
            extents = draw(st.frozensets(st.sampled_from(EXTENTS), min_size=1, max_size=2))
    module_ids = draw(st.lists(st.sampled_from(modules), min_size=1, max_size=3, unique=True))
    return Req(year, tuple(module_ids), audience, roles, extents, counts_from, deadline)


def _seat(draw, anchors: Sequence[date]) -> SeatSpec:
    """Draw a seat: from a day the rule cares about or any day around 2026–2028; open-ended,
    ending mid-period or soon after it starts."""
    role = draw(st.sampled_from(ROLES))
    starts_on = draw(
        st.one_of(st.sampled_from(anchors), st.dates(date(2025, 1, 1), date(2029, 12, 31)))
    )
    length = draw(st.one_of(st.none(), st.integers(0, 60), st.integers(0, 1500)))
    ends_on = None if length is None else starts_on + timedelta(days=length)
    body = None if role == AssignmentRole.POLITISK_SEKRETERARE else draw(st.sampled_from(BODIES))
    return SeatSpec(
        role,
        draw(st.sampled_from(EXTENTS)),
        starts_on,
        ends_on,
        body,
        draw(st.sampled_from(PARTIES)),
    )


def _day(draw, rule_days: Sequence[date], seat_days: Sequence[date]) -> date:
    """Draw a day: near a requirement's dates or a seat's (the same day, ±1, ±7, ±30, and
    halfway to a reminder point), in the first deadlines' months, or any day from 2025-06-01 to
    2031-01-01."""
    kind = draw(st.sampled_from(("rule", "rule", "rule", "seat", "busy", "busy", "any")))
    if kind in ("rule", "seat"):
        anchor = draw(st.sampled_from(rule_days if kind == "rule" else seat_days))
        day = anchor + timedelta(days=draw(st.sampled_from(NEAR)))
        return min(max(day, FIRST_DAY), LAST_DAY)
    if kind == "busy":
        return draw(st.dates(*BUSY))
    return draw(st.dates(FIRST_DAY, LAST_DAY))


def _completion(
    draw, modules: Sequence[str], anchors: Sequence[date], counts_from: Sequence[date]
) -> tuple[str, datetime]:
    """Draw a completion: just before, exactly at, during or at the very end of a Stockholm
    day the rule cares about (or the day after or before it), some time after a counts-from
    date, or at any moment."""
    module_id = draw(st.sampled_from(modules))
    kind = draw(st.sampled_from(("midnight", "before", "during", "last", "since", "anywhere")))
    if kind == "anywhere":
        day = draw(st.dates(date(2021, 1, 1), date(2031, 6, 30)))
    elif kind == "since":
        day = draw(st.sampled_from(counts_from)) + timedelta(days=draw(st.integers(0, 500)))
    else:
        day = draw(st.sampled_from(anchors)) + timedelta(days=draw(st.sampled_from((0, 0, 1, -1))))
    start = start_of_day_utc(day)
    if kind == "midnight":
        return module_id, start
    if kind == "before":
        return module_id, start - timedelta(microseconds=1)
    if kind == "last":
        return module_id, start_of_day_utc(day + timedelta(days=1)) - timedelta(microseconds=1)
    seconds = draw(st.integers(1, 86_399))
    return module_id, start + timedelta(seconds=seconds, microseconds=draw(st.integers(0, 999)))


@st.composite
def examples(draw, catalog: Sequence[str]) -> Example:
    """Draw an organisation's requirements, officials and the days to look at."""
    pools: dict = {}
    requirements = tuple(_requirement(draw, catalog, pools) for _ in range(draw(st.integers(1, 4))))
    rule_days = sorted(
        {r.counts_from for r in requirements}
        | {r.deadline for r in requirements}
        | {term_for(r.election_year).ends_on for r in requirements}
    )
    seat_anchors = sorted({date(2022, 10, 15), date(2026, 10, 15), date(2027, 1, 1), *rule_days})
    seats = [
        tuple(_seat(draw, seat_anchors) for _ in range(draw(st.integers(1, 3))))
        for _ in range(draw(st.integers(1, 6)))
    ]
    seat_days = {s.starts_on for held in seats for s in held}
    seat_days |= {s.ends_on for held in seats for s in held if s.ends_on}
    days = tuple(_day(draw, rule_days, sorted(seat_days)) for _ in range(draw(st.integers(1, 3))))
    used = sorted({m for r in requirements for m in r.module_ids})
    counts_from = sorted({r.counts_from for r in requirements})
    moments = sorted({*counts_from, *days})
    officials = tuple(
        Official(
            held,
            tuple(
                _completion(draw, used, moments, counts_from)
                for _ in range(draw(st.integers(0, 4)))
            ),
        )
        for held in seats
    )
    return Example(requirements, officials, days)


# The generated data in the database, and as the pure rule reads it.


@dataclass
class World:
    org_id: int
    rules: list[rule.Rule]
    officials: dict[int, Official]  # by user id

    def seats(self, user_id: int) -> list[rule.Seat]:
        return [s.seat for s in self.officials[user_id].seats]

    def completions(self, user_id: int) -> list[tuple[str, datetime]]:
        return list(self.officials[user_id].completions)


def _named(model, made: dict, org_id: int, name: str | None):
    if name is None:
        return None
    if name not in made:
        made[name] = model(organisation_id=org_id, name=name)
        db.session.add(made[name])
    return made[name]


def _insert(example: Example) -> World:
    """Add the example as a fresh organisation; commit; return it as the pure rule reads it."""
    serial = next(_serial)
    org = services.create_organisation(f"oracle-{serial}", "Orakelkommun")
    rules = []
    for req in example.requirements:
        row = Requirement(
            organisation_id=org.id,
            election_year=req.election_year,
            module_ids=list(req.module_ids),
            audience=Audience(req.audience),
            roles=sorted(req.roles),
            extents=sorted(req.extents),
            counts_from=req.counts_from,
            deadline=req.deadline,
        )
        db.session.add(row)
        db.session.flush()
        rules.append(
            rule.Rule(
                row.id,
                req.election_year,
                req.module_ids,
                req.audience,
                req.roles,
                req.extents,
                req.counts_from,
                req.deadline,
            )
        )
    bodies: dict = {}
    parties: dict = {}
    officials = {}
    for number, official in enumerate(example.officials):
        email = f"oracle{serial}-{number}@example.se"
        user = services.create_user(org, email, [Permission.OFFICIAL], password=None)
        for seat in official.seats:
            db.session.add(
                Assignment(
                    organisation_id=org.id,
                    user_id=user.id,
                    body=_named(Body, bodies, org.id, seat.body),
                    party=_named(Party, parties, org.id, seat.party),
                    role=AssignmentRole(seat.role),
                    extent=Extent(seat.extent),
                    starts_on=seat.starts_on,
                    ends_on=seat.ends_on,
                )
            )
        for cycle, (module_id, at) in enumerate(official.completions):
            # counts_from records the cycle, unique per official and module; the rule ignores it.
            db.session.add(
                ModuleCompletion(
                    user_id=user.id,
                    module_id=module_id,
                    module_version="v",
                    counts_from=date(1990, 1, 1) + timedelta(days=cycle),
                    completed_at=at,
                )
            )
        officials[user.id] = official
    db.session.commit()
    note(f"organisation {org.id}, rules {rules}, officials {list(officials)}")
    return World(org.id, rules, officials)


@contextmanager
def world_of(app, example: Example) -> Iterator[World]:
    """Insert the example inside a savepoint of the test's transaction, rolled back after it,
    so that every example starts from the same database (the reminders read every
    organisation)."""
    connection = app.extensions["test_connection"]
    with app.app_context():
        savepoint = connection.begin_nested()
        try:
            yield _insert(example)
        finally:
            db.session.remove()
            savepoint.rollback()


def catalog_ids(app) -> list[str]:
    with app.app_context():
        return [m.id for m in current_catalog().modules]


def note_events(example: Example) -> None:
    """Tell the statistics (--hypothesis-show-statistics) how often the interesting cases come."""
    for year in {r.election_year for r in example.requirements}:
        period = [r for r in example.requirements if r.election_year == year]
        if len({r.counts_from for r in period}) > 1:
            event("a period with several counts-from dates")
        if len({r.deadline for r in period}) > 1:
            event("a period with several deadlines")
        if len(period) > len({m for r in period for m in r.module_ids}) or any(
            set(a.module_ids) & set(b.module_ids) for a, b in itertools.combinations(period, 2)
        ):
            event("requirements of a period asking for the same module")


# The pure rule's answers.


def pure_standings(world: World, year: int, day: date) -> dict[int, rule.Standing]:
    """Return where each official the period's requirements ask something of stands on day."""
    period = rule.of_period(world.rules, year)
    result = {}
    for user_id in world.officials:
        required = rule.required_in_period(period, world.seats(user_id), day)
        if required:
            result[user_id] = rule.standing(required, world.completions(user_id), day)
    return result


def shape(standing: rule.Standing) -> dict:
    return {
        m: (r.election_year, r.counts_from, r.deadline, standing.counted.get(m))
        for m, r in standing.required.items()
    }


def tally(standings: list[rule.Standing], module_ids: Sequence[str]) -> tuple:
    """Return (officials, all done, per module Counts) of a group, as the report sums it."""
    return (
        len(standings),
        sum(not s.missing for s in standings),
        {
            m: Counts(
                sum(m in s.required for s in standings), sum(m in s.counted for s in standings)
            )
            for m in module_ids
        },
    )


def pure_groups(world, in_force, standings, module_ids, day) -> dict[str, dict]:
    """Return the breakdowns: each official counts once in each group of a seat of theirs that
    runs on day and falls under a requirement in force."""
    members: dict[str, dict] = {d: {} for d in DIMENSIONS}
    for user_id, now in standings.items():
        in_scope = [
            s
            for s in world.officials[user_id].seats
            if s.seat.in_office(day) and any(rule.applies(r, s.seat) for r in in_force)
        ]
        for dimension in DIMENSIONS:
            for label in {getattr(s, dimension) for s in in_scope}:
                members[dimension].setdefault(label, []).append(now)
    return {
        d: {label: tally(group, module_ids) for label, group in by_label.items()}
        for d, by_label in members.items()
    }


# The tests.
