"""The pure training rule, case by case (the oracle test holds every consumer to it)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from course_app.training import decisions, rule
from course_app.training.periods import period_label, start_of_day_utc
from course_app.training.rule import Rule, Seat

ALL, KL, SELECTED = "all", "kl_18a", "selected"


def _rule(rid, modules, counts_from, deadline, audience=ALL, roles=(), extents=(), year=2026):
    return Rule(
        rid, year, tuple(modules), audience, frozenset(roles), frozenset(extents), counts_from,
        deadline,
    )  # fmt: skip


FRITID = Seat("ordinarie", "fritid", date(2026, 10, 15))
HELTID = Seat("ordforande", "heltid", date(2026, 10, 15))
SECRETARY = Seat("politisk_sekreterare", "deltid", date(2026, 10, 15), date(2027, 3, 31))


@pytest.mark.parametrize(
    ("requirement", "seat", "applies"),
    [
        (_rule(1, ["a"], date(2026, 1, 1), date(2027, 1, 1)), FRITID, True),
        (_rule(1, ["a"], date(2026, 1, 1), date(2027, 1, 1), KL), FRITID, False),
        (_rule(1, ["a"], date(2026, 1, 1), date(2027, 1, 1), KL), HELTID, True),
        (_rule(1, ["a"], date(2026, 1, 1), date(2027, 1, 1), KL), SECRETARY, True),
        (
            _rule(1, ["a"], date(2026, 1, 1), date(2027, 1, 1), SELECTED, ["ordforande"]),
            HELTID,
            True,
        ),
        (
            _rule(1, ["a"], date(2026, 1, 1), date(2027, 1, 1), SELECTED, ["ordforande"]),
            FRITID,
            False,
        ),
        (
            _rule(
                1, ["a"], date(2026, 1, 1), date(2027, 1, 1), SELECTED, ["ordforande"], ["deltid"]
            ),
            HELTID,
            False,
        ),
        (_rule(1, ["a"], date(2026, 1, 1), date(2027, 1, 1), SELECTED), FRITID, True),
    ],
)
def test_who_a_requirement_applies_to(requirement, seat, applies):
    assert rule.applies(requirement, seat) is applies


def test_the_period_in_force_is_the_latest_with_a_requirement_that_counts():
    old = _rule(1, ["a"], date(2022, 1, 1), date(2023, 3, 1), year=2022)
    new = _rule(2, ["a"], date(2026, 1, 1), date(2027, 3, 1))
    assert rule.period_in_force([old, new], date(2025, 12, 31)) == 2022
    assert rule.period_in_force([old, new], date(2026, 1, 1)) == 2026
    assert rule.period_in_force([new], date(2025, 12, 31)) is None


def test_the_stricter_reading_wins_and_each_module_keeps_its_own_dates():
    everyone = _rule(1, ["a", "b"], date(2026, 1, 1), date(2027, 6, 30))
    full_time = _rule(2, ["a"], date(2026, 3, 1), date(2027, 3, 1), KL)
    day = date(2027, 1, 10)
    required = rule.required_of([everyone, full_time], [HELTID], day)
    assert (required["a"].counts_from, required["a"].deadline) == (
        date(2026, 3, 1),
        date(2027, 3, 1),
    )
    assert (required["b"].counts_from, required["b"].deadline) == (
        date(2026, 1, 1),
        date(2027, 6, 30),
    )
    assert rule.required_of([everyone, full_time], [FRITID], day)["a"].deadline == date(2027, 6, 30)
    assert required["a"].period_label == period_label(2026) == "2026–2030"


def test_a_requirement_not_yet_in_force_asks_nothing_but_is_coming():
    now = _rule(1, ["a"], date(2026, 1, 1), date(2027, 6, 30))
    later = _rule(2, ["b"], date(2027, 6, 1), date(2027, 12, 31))
    day = date(2027, 5, 31)
    assert set(rule.required_of([now, later], [FRITID], day)) == {"a"}
    assert [c.module_id for c in rule.coming_of([now, later], [FRITID], day)] == ["b"]
    assert set(rule.required_of([now, later], [FRITID], day + timedelta(days=1))) == {"a", "b"}
    assert rule.coming_of([now, later], [FRITID], day + timedelta(days=1)) == []


def test_seats_count_only_on_the_days_they_run():
    requirement = _rule(1, ["a"], date(2026, 1, 1), date(2027, 6, 30), KL)
    assert rule.required_of([requirement], [SECRETARY], date(2027, 3, 31))
    assert not rule.required_of([requirement], [SECRETARY], date(2027, 4, 1))


def test_a_completion_counts_from_the_first_moment_of_the_day_to_the_end_of_as_of():
    required = rule.required_of(
        [_rule(1, ["a"], date(2026, 10, 15), date(2027, 3, 1))], [FRITID], date(2026, 11, 1)
    )["a"]
    start = start_of_day_utc(date(2026, 10, 15))
    assert rule.counts(required, start)
    assert not rule.counts(required, start - timedelta(microseconds=1))
    late = datetime(2026, 11, 1, 22, 59, tzinfo=UTC)  # 23:59 in Stockholm
    assert rule.counts(required, late, date(2026, 11, 1))
    assert not rule.counts(required, late + timedelta(minutes=1), date(2026, 11, 1))
    assert rule.counts(None, start - timedelta(days=400))  # asked by no requirement


def test_reminders_follow_each_deadline_and_are_never_repeated():
    required = rule.required_of(
        [
            _rule(1, ["a"], date(2026, 1, 1), date(2027, 3, 1), KL),
            _rule(2, ["b"], date(2026, 1, 1), date(2027, 6, 30)),
        ],
        [HELTID],
        date(2027, 1, 30),
    )
    standing = rule.standing(required, [], date(2027, 1, 30))
    due = decisions.reminders_due(standing, date(2027, 1, 30), [30, 7])
    assert [(r.deadline, r.kind, r.modules) for r in due] == [
        (date(2027, 3, 1), "before-30", ("a",))
    ]
    sent = [("a", date(2027, 3, 1), "before-30")]
    assert decisions.reminders_due(standing, date(2027, 1, 30), [30, 7], sent) == []
    later = decisions.reminders_due(standing, date(2027, 6, 1), [30, 7], sent)
    assert [(r.deadline, r.kind) for r in later] == [
        (date(2027, 3, 1), "after"),
        (date(2027, 6, 30), "before-30"),
    ]


def test_a_certificate_is_decided_on_the_last_day_in_office():
    requirement = _rule(1, ["a"], date(2026, 1, 1), date(2027, 3, 1), KL)
    done = [("a", datetime(2027, 2, 1, 12, tzinfo=UTC))]
    # She left on 31 March 2027: what she had done by then still earns the certificate.
    assert decisions.certificate_day([requirement], [SECRETARY], date(2028, 1, 1)) == date(
        2027, 3, 31
    )
    assert decisions.certified([requirement], [SECRETARY], done, date(2028, 1, 1)) == {
        "a": done[0][1]
    }
    assert decisions.certified([requirement], [SECRETARY], [], date(2028, 1, 1)) is None
    assert decisions.certified([requirement], [FRITID], done, date(2028, 1, 1)) is None  # not asked
