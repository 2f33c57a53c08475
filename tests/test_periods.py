"""Mandate-period arithmetic: election days, terms and Stockholm days in UTC."""

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from course_app.training.periods import (
    Term,
    day_bounds_utc,
    default_counts_from,
    default_deadline,
    election_day,
    election_years_around,
    is_election_year,
    local_date,
    next_term,
    period_of,
    start_of_day_utc,
    term_for,
    term_in_force,
)

BODY_KINDS = ["fullmaktige", "styrelse", "namnd", "bolag", "annat", "other"]
OTHER_KINDS = [kind for kind in BODY_KINDS if kind != "fullmaktige"]


@pytest.mark.parametrize(
    "year, expected",
    [
        (2014, True),
        (2017, False),
        (2018, True),
        (2019, False),
        (2020, False),
        (2021, False),
        (2022, True),
        (2026, True),
        (2030, True),
    ],
)
def test_is_election_year(year, expected):
    assert is_election_year(year) is expected


@pytest.mark.parametrize(
    "year, expected",
    [
        (2014, date(2014, 9, 14)),
        (2018, date(2018, 9, 9)),
        (2022, date(2022, 9, 11)),
        (2026, date(2026, 9, 13)),
        (2030, date(2030, 9, 8)),
    ],
)
def test_election_day_is_the_second_sunday_of_september(year, expected):
    assert election_day(year) == expected
    assert expected.weekday() == 6


@pytest.mark.parametrize("year", [2017, 2019, 2023, 2025, 2027])
def test_non_election_years_are_refused(year):
    with pytest.raises(ValueError, match=f"{year} is not an election year"):
        election_day(year)
    with pytest.raises(ValueError, match="not an election year"):
        term_for(year)
    with pytest.raises(ValueError, match="not an election year"):
        term_for(year, "styrelse")
    with pytest.raises(ValueError, match="not an election year"):
        default_counts_from(year)
    with pytest.raises(ValueError, match="not an election year"):
        default_deadline(year)


@pytest.mark.parametrize(
    "year, body, kind, starts_on, ends_on",
    [
        (2018, "fullmaktige", "fullmaktige", date(2018, 10, 15), date(2022, 10, 14)),
        (2022, "fullmaktige", "fullmaktige", date(2022, 10, 15), date(2026, 10, 14)),
        (2026, "fullmaktige", "fullmaktige", date(2026, 10, 15), date(2030, 10, 14)),
        (2018, "styrelse", "other", date(2019, 1, 1), date(2022, 12, 31)),
        (2022, "namnd", "other", date(2023, 1, 1), date(2026, 12, 31)),
        (2026, "bolag", "other", date(2027, 1, 1), date(2030, 12, 31)),
        (2026, "annat", "other", date(2027, 1, 1), date(2030, 12, 31)),
        (2026, "other", "other", date(2027, 1, 1), date(2030, 12, 31)),
    ],
)
def test_term_for(year, body, kind, starts_on, ends_on):
    assert term_for(year, body) == Term(kind, year, starts_on, ends_on)


def test_term_for_defaults_to_fullmaktige():
    assert term_for(2026).body == "fullmaktige"


@pytest.mark.parametrize(
    "body, day, expected",
    [
        ("fullmaktige", date(2026, 10, 14), False),
        ("fullmaktige", date(2026, 10, 15), True),
        ("fullmaktige", date(2030, 10, 14), True),
        ("fullmaktige", date(2030, 10, 15), False),
        ("other", date(2026, 12, 31), False),
        ("other", date(2027, 1, 1), True),
        ("other", date(2030, 12, 31), True),
        ("other", date(2031, 1, 1), False),
    ],
)
def test_term_contains_both_ends(body, day, expected):
    assert term_for(2026, body).contains(day) is expected


@pytest.mark.parametrize("body", BODY_KINDS)
def test_term_label_uses_an_en_dash(body):
    assert term_for(2026, body).label == "2026–2030"


@pytest.mark.parametrize("body", BODY_KINDS)
def test_consecutive_terms_leave_no_gap(body):
    for year in (2014, 2018, 2022, 2026):
        day_after = term_for(year, body).ends_on + timedelta(days=1)
        assert day_after == term_for(year + 4, body).starts_on


@pytest.mark.parametrize(
    "day, expected_year",
    [
        (date(2022, 10, 14), 2018),
        (date(2022, 10, 15), 2022),
        (date(2026, 1, 1), 2022),
        (date(2026, 9, 13), 2022),
        (date(2026, 10, 14), 2022),
        (date(2026, 10, 15), 2026),
        (date(2026, 12, 31), 2026),
        (date(2028, 6, 1), 2026),
        (date(2030, 10, 14), 2026),
        (date(2030, 10, 15), 2030),
        (date(2016, 3, 1), 2014),
    ],
)
def test_fullmaktige_term_in_force(day, expected_year):
    term = term_in_force(day)
    assert term == term_for(expected_year, "fullmaktige")
    assert term.contains(day)
    assert period_of(day) == expected_year


@pytest.mark.parametrize("body", OTHER_KINDS)
@pytest.mark.parametrize(
    "day, expected_year",
    [
        (date(2022, 12, 31), 2018),
        (date(2023, 1, 1), 2022),
        (date(2026, 10, 15), 2022),
        (date(2026, 12, 31), 2022),
        (date(2027, 1, 1), 2026),
        (date(2030, 12, 31), 2026),
        (date(2031, 1, 1), 2030),
    ],
)
def test_other_term_in_force(body, day, expected_year):
    term = term_in_force(day, body)
    assert term == term_for(expected_year, "other")
    assert term.contains(day)


@pytest.mark.parametrize(
    "body, day, expected_start",
    [
        ("fullmaktige", date(2026, 10, 13), date(2026, 10, 15)),
        ("fullmaktige", date(2026, 10, 14), date(2026, 10, 15)),
        ("fullmaktige", date(2026, 10, 15), date(2030, 10, 15)),
        ("fullmaktige", date(2026, 10, 16), date(2030, 10, 15)),
        ("styrelse", date(2026, 10, 15), date(2027, 1, 1)),
        ("namnd", date(2026, 12, 31), date(2027, 1, 1)),
        ("bolag", date(2027, 1, 1), date(2031, 1, 1)),
        ("annat", date(2027, 1, 2), date(2031, 1, 1)),
    ],
)
def test_next_term_starts_strictly_after_day(body, day, expected_start):
    term = next_term(day, body)
    assert term.starts_on == expected_start
    assert term.starts_on > day


@pytest.mark.parametrize(
    "year, body, days, expected",
    [
        (2026, "fullmaktige", 180, date(2027, 4, 13)),
        (2026, "styrelse", 180, date(2027, 6, 30)),
        (2026, "namnd", 0, date(2027, 1, 1)),
        (2022, "fullmaktige", 90, date(2023, 1, 13)),
    ],
)
def test_default_deadline_counts_from_the_start_of_the_term(year, body, days, expected):
    assert default_deadline(year, body, days) == expected


def test_default_deadline_defaults_to_180_days_after_fullmaktige_starts():
    assert default_deadline(2026) == date(2027, 4, 13)


@pytest.mark.parametrize("year", [2018, 2022, 2026, 2030])
def test_default_counts_from_is_new_year_of_the_election_year(year):
    assert default_counts_from(year) == date(year, 1, 1)


@pytest.mark.parametrize(
    "day, before, after, expected",
    [
        (date(2026, 10, 14), 1, 1, [2018, 2022, 2026]),
        (date(2026, 10, 15), 1, 1, [2022, 2026, 2030]),
        (date(2027, 3, 1), 0, 0, [2026]),
        (date(2027, 3, 1), 2, 0, [2018, 2022, 2026]),
        (date(2027, 3, 1), 0, 2, [2026, 2030, 2034]),
    ],
)
def test_election_years_around(day, before, after, expected):
    assert election_years_around(day, before, after) == expected


@pytest.mark.parametrize("before, after", [(-1, 1), (1, -1)])
def test_election_years_around_refuses_negative_counts(before, after):
    with pytest.raises(ValueError, match="must not be negative"):
        election_years_around(date(2027, 3, 1), before, after)


@pytest.mark.parametrize(
    "day, expected",
    [
        # Winter, UTC+1.
        (date(2026, 1, 15), datetime(2026, 1, 14, 23, 0, tzinfo=UTC)),
        # Summer, UTC+2.
        (date(2026, 7, 1), datetime(2026, 6, 30, 22, 0, tzinfo=UTC)),
        # Clocks go forward at 02:00 on 29 March 2026: midnight is still winter time.
        (date(2026, 3, 29), datetime(2026, 3, 28, 23, 0, tzinfo=UTC)),
        (date(2026, 3, 30), datetime(2026, 3, 29, 22, 0, tzinfo=UTC)),
        # Clocks go back at 03:00 on 25 October 2026: midnight is still summer time.
        (date(2026, 10, 25), datetime(2026, 10, 24, 22, 0, tzinfo=UTC)),
        (date(2026, 10, 26), datetime(2026, 10, 25, 23, 0, tzinfo=UTC)),
    ],
)
def test_start_of_day_utc(day, expected):
    moment = start_of_day_utc(day)
    assert moment == expected
    assert moment.tzinfo is UTC


@pytest.mark.parametrize(
    "first, last, lo, hi, hours",
    [
        (
            date(2026, 1, 15),
            date(2026, 1, 15),
            datetime(2026, 1, 14, 23, 0, tzinfo=UTC),
            datetime(2026, 1, 15, 23, 0, tzinfo=UTC),
            24,
        ),
        (
            date(2026, 7, 1),
            date(2026, 7, 31),
            datetime(2026, 6, 30, 22, 0, tzinfo=UTC),
            datetime(2026, 7, 31, 22, 0, tzinfo=UTC),
            31 * 24,
        ),
        (
            date(2026, 3, 29),
            date(2026, 3, 29),
            datetime(2026, 3, 28, 23, 0, tzinfo=UTC),
            datetime(2026, 3, 29, 22, 0, tzinfo=UTC),
            23,
        ),
        (
            date(2026, 10, 25),
            date(2026, 10, 25),
            datetime(2026, 10, 24, 22, 0, tzinfo=UTC),
            datetime(2026, 10, 25, 23, 0, tzinfo=UTC),
            25,
        ),
        (
            date(2026, 1, 1),
            date(2026, 12, 31),
            datetime(2025, 12, 31, 23, 0, tzinfo=UTC),
            datetime(2026, 12, 31, 23, 0, tzinfo=UTC),
            365 * 24,
        ),
    ],
)
def test_day_bounds_utc(first, last, lo, hi, hours):
    bounds = day_bounds_utc(first, last)
    assert bounds == (lo, hi)
    assert all(moment.tzinfo is UTC for moment in bounds)
    assert bounds[1] - bounds[0] == timedelta(hours=hours)


def test_day_bounds_utc_refuses_a_reversed_range():
    with pytest.raises(ValueError, match="before first"):
        day_bounds_utc(date(2026, 1, 2), date(2026, 1, 1))


@pytest.mark.parametrize(
    "moment, expected",
    [
        (datetime(2026, 1, 15, 22, 59, 59, tzinfo=UTC), date(2026, 1, 15)),
        (datetime(2026, 1, 15, 23, 0, tzinfo=UTC), date(2026, 1, 16)),
        (datetime(2026, 7, 1, 21, 59, 59, tzinfo=UTC), date(2026, 7, 1)),
        (datetime(2026, 7, 1, 22, 0, tzinfo=UTC), date(2026, 7, 2)),
        (datetime(2026, 12, 31, 23, 0, tzinfo=UTC), date(2027, 1, 1)),
        (datetime(2026, 10, 14, 22, 0, tzinfo=UTC), date(2026, 10, 15)),
        (datetime(2026, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=-5))), date(2026, 1, 1)),
    ],
)
def test_local_date(moment, expected):
    assert local_date(moment) == expected


def test_local_date_refuses_a_naive_datetime():
    with pytest.raises(ValueError, match="timezone-aware"):
        local_date(datetime(2026, 1, 1, 12, 0))


@pytest.mark.parametrize(
    "day", [date(2026, 1, 15), date(2026, 3, 29), date(2026, 7, 1), date(2026, 10, 25)]
)
def test_local_date_round_trips_start_of_day_utc(day):
    lo, hi = day_bounds_utc(day, day)
    assert local_date(lo) == day
    assert local_date(hi - timedelta(microseconds=1)) == day
    assert local_date(hi) == day + timedelta(days=1)
