"""The oracle test: every consumer of the training rule agrees with the pure rule.

For random organisations (officials with seats, requirements of one or more mandate periods,
completions around the counts-from days) and random days, each consumer must give what
course_app/training/rule.py gives for the same generated values: the SQL standings
(training.sql via load.standings_in_sql), the coverage report, the reminder plan, the
certificate decision, and what the learner's pages and the security unit's official page read
as required. The pure inputs are built from the generated values, not read back, so that the
loaders are checked too. On SQLite, and on PostgreSQL with TEST_DATABASE_URL; the profiles are
in conftest.py (HYPOTHESIS_PROFILE=thorough for many more examples).
"""

from __future__ import annotations

from datetime import timedelta

from hypothesis import event, given
from hypothesis import strategies as st

from course_app import reminders
from course_app.certificates.service import completed_periods
from course_app.extensions import db
from course_app.learn.saved import read_saved
from course_app.models import ReminderSent, User
from course_app.security_unit.coverage import DIMENSIONS, coverage
from course_app.training import decisions, load, rule
from course_app.training.periods import start_of_day_utc
from course_app.training.sql import required_from_rows
from tests.training.world import (
    SETTINGS,
    catalog_ids,
    examples,
    note_events,
    pure_groups,
    pure_standings,
    shape,
    tally,
    world_of,
)


@SETTINGS
@given(data=st.data())
def test_the_sql_standings_and_the_coverage_report_follow_the_rule(app, data):
    catalog = catalog_ids(app)
    example = data.draw(examples(catalog), label="example")
    note_events(example)
    with world_of(app, example) as world:
        for year in sorted({r.election_year for r in world.rules}):
            for day in example.days:
                expected = pure_standings(world, year, day)
                if any(s.counted and s.missing for s in expected.values()):
                    event("an official with a module done and one missing")
                found = load.standings_in_sql(world.org_id, year, day)
                assert {u: shape(s) for u, s in found.items()} == {
                    u: shape(s) for u, s in expected.items()
                }, (year, day)
                for u, s in found.items():
                    assert s.required == expected[u].required
                    assert s.counted == expected[u].counted
                    assert set(s.missing) == set(expected[u].missing), (year, day, u)
                    assert s.deadline == expected[u].deadline, (year, day, u)
                _check_report(world, catalog, year, day, expected)


def _check_report(world, catalog, year, day, expected) -> None:
    in_force = [r for r in rule.of_period(world.rules, year) if r.in_force(day)]
    asked = {m for r in in_force for m in r.module_ids}
    module_ids = [m for m in catalog if m in asked]
    missing = {u: set(s.missing) for u, s in expected.items() if s.missing}
    report = coverage(world.org_id, year, day, catalog, missing_limit=None)
    assert report.module_ids == module_ids, (year, day)
    if not in_force:
        assert report.total is None, (year, day)
        assert (report.missing, report.curve) == ([], []), (year, day)
        return
    total = report.total
    assert (total.officials, total.all_done, total.modules) == tally(
        list(expected.values()), module_ids
    ), (year, day)
    assert {p.user_id: set(p.missing) for p in report.missing} == missing, (year, day)
    assert report.missing_count == len(missing)
    groups = {
        d: {
            (g.name if d in ("party", "body") else g.key): (g.officials, g.all_done, g.modules)
            for g in report.breakdowns[d]
        }
        for d in DIMENSIONS
    }
    assert groups == pure_groups(world, in_force, expected, module_ids, day), (year, day)
    # The curve: how many of today's officials had completed all by the end of each day.
    done_at = [max(s.counted.values()) for s in expected.values() if not s.missing]
    curve = [
        (d, sum(at < start_of_day_utc(d + timedelta(days=1)) for at in done_at))
        for d, _ in report.curve
    ]
    assert report.curve == curve, (year, day)
    assert report.curve[-1][0] == day
    # The page of the list (the report's own default) holds the same officials.
    paged = coverage(world.org_id, year, day, catalog)
    assert {p.user_id: set(p.missing) for p in paged.missing} == missing, (year, day)
    assert paged.missing_count == len(missing), (year, day)


@SETTINGS
@given(data=st.data())
def test_the_reminder_plan_follows_the_rule(app, data):
    example = data.draw(examples(catalog_ids(app)), label="example")
    note_events(example)
    with world_of(app, example) as world:
        days_before = app.config["REMINDER_DAYS_BEFORE"]
        sent: dict[tuple[int, int], set] = {}  # (module, deadline, kind) by (user, period)
        # Day after day, each day's reminders recorded as `send` records them: on the first day
        # nothing was sent before; on a later one (or the same day again) they are left out.
        for today in sorted(example.days):
            year = rule.period_in_force(world.rules, today)
            expected = set()
            for user_id in world.officials if year is not None else ():
                required = rule.required_in_period(
                    rule.of_period(world.rules, year), world.seats(user_id), today
                )
                now = rule.standing(required, world.completions(user_id), today)
                done = sent.get((user_id, year), set())
                for due in decisions.reminders_due(now, today, days_before, done):
                    expected.add(
                        (user_id, due.election_year, due.deadline, due.kind, frozenset(due.modules))
                    )
            planned = [p for p in reminders.plan(today) if p.organisation_id == world.org_id]
            found = [
                (p.user_id, p.election_year, p.deadline, p.kind, frozenset(p.modules))
                for p in planned
            ]
            assert set(found) == expected, today
            for kind in sorted({k.split("-")[0] for _, _, _, k, _ in found}):
                event(f"reminders planned: {kind}")
            assert len(found) == len(set(found)), today
            for item in planned:
                for module_id in item.modules:
                    db.session.add(
                        ReminderSent(
                            organisation_id=world.org_id,
                            user_id=item.user_id,
                            election_year=item.election_year,
                            module_id=module_id,
                            deadline=item.deadline,
                            kind=item.kind,
                        )
                    )
                    key = (item.user_id, item.election_year)
                    sent.setdefault(key, set()).add((module_id, item.deadline, item.kind))
            db.session.commit()


@SETTINGS
@given(data=st.data())
def test_the_certificate_decision_follows_the_rule(app, data):
    example = data.draw(examples(catalog_ids(app)), label="example")
    note_events(example)
    with world_of(app, example) as world:
        years = sorted({r.election_year for r in world.rules})
        for user_id in world.officials:
            user = db.session.get(User, user_id)
            for today in example.days:
                expected = {}
                for year in years:
                    counted = decisions.certified(
                        rule.of_period(world.rules, year),
                        world.seats(user_id),
                        world.completions(user_id),
                        today,
                    )
                    if counted is not None:
                        expected[year] = set(counted)
                found = completed_periods(user, today)
                if expected:
                    event("a period certified")
                assert {y: {m["id"] for m in c.modules} for y, c in found.items()} == expected, (
                    user_id,
                    today,
                )


@SETTINGS
@given(data=st.data())
def test_what_the_pages_read_as_required_follows_the_rule(app, data):
    example = data.draw(examples(catalog_ids(app)), label="example")
    note_events(example)
    with world_of(app, example) as world:
        for day in example.days:
            standings = load.standings_of(list(world.officials), world.org_id, day)
            for user_id in world.officials:
                required = rule.required_of(world.rules, world.seats(user_id), day)
                if required:
                    event("something required")
                # My training and the learner's pages: the requirement rows of their one query.
                saved = read_saved(user_id, requirements_of=(world.org_id, day))
                assert dict(required_from_rows(saved.requirement_rows, day)) == required, (
                    user_id,
                    day,
                )
                # The security unit's page of an official.
                assert (
                    rule.required_of(*load.rules_and_seats(user_id, world.org_id), day) == required
                ), (user_id, day)
                # The party groups' lists.
                now = rule.standing(required, world.completions(user_id), day)
                assert standings[user_id] == now, (user_id, day)
