"""Mandate-period arithmetic: election years, terms of office and Stockholm days.

Pure functions over dates, free of Flask and the database, so that requirements,
reports and reminders agree on when a term starts and ends. Swedish general
elections are held every four years on the second Sunday of September.
Fullmäktige's term runs from 15 October of the election year to 14 October four
years later; every other body (kommunstyrelsen, nämnder, bolag, regions' bodies)
runs from 1 January after the election to 31 December of the next election year.
Timestamps are stored in UTC but days are Swedish days, hence the helpers that
turn a Stockholm calendar day into UTC bounds and back.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

ELECTION_CYCLE = 4
FIRST_ELECTION_YEAR = 2018
STOCKHOLM = ZoneInfo("Europe/Stockholm")

FULLMAKTIGE = "fullmaktige"
OTHER = "other"


@dataclass(frozen=True)
class Term:
    """One term of office of one kind of body; both ends are inclusive."""

    body: str
    election_year: int
    starts_on: date
    ends_on: date

    def contains(self, day: date) -> bool:
        """Return whether day falls within the term, both ends included."""
        return self.starts_on <= day <= self.ends_on

    @property
    def label(self) -> str:
        """Return the term as "2026–2030" (en dash)."""
        return period_label(self.election_year)


def is_election_year(year: int) -> bool:
    """Return whether a general election is held in year."""
    return (year - FIRST_ELECTION_YEAR) % ELECTION_CYCLE == 0


def _require_election_year(year: int) -> None:
    """Raise ValueError unless year is an election year."""
    if not is_election_year(year):
        raise ValueError(f"{year} is not an election year")


def _body_kind(body: str) -> str:
    """Return "fullmaktige" for fullmäktige and "other" for every other body."""
    return FULLMAKTIGE if body == FULLMAKTIGE else OTHER


def _latest_election_year(year: int) -> int:
    """Return the last election year on or before year."""
    return year - (year - FIRST_ELECTION_YEAR) % ELECTION_CYCLE


def election_day(year: int) -> date:
    """Return the second Sunday of September of year; raise ValueError if no election."""
    _require_election_year(year)
    first = date(year, 9, 1)
    first_sunday = first + timedelta(days=(6 - first.weekday()) % 7)
    return first_sunday + timedelta(days=7)


def term_for(election_year: int, body: str = FULLMAKTIGE) -> Term:
    """Return the term of body chosen in election_year; raise ValueError if no election."""
    _require_election_year(election_year)
    kind = _body_kind(body)
    end_year = election_year + ELECTION_CYCLE
    if kind == FULLMAKTIGE:
        return Term(kind, election_year, date(election_year, 10, 15), date(end_year, 10, 14))
    return Term(kind, election_year, date(election_year + 1, 1, 1), date(end_year, 12, 31))


def term_in_force(day: date, body: str = FULLMAKTIGE) -> Term:
    """Return the term of body that is running on day."""
    term = term_for(_latest_election_year(day.year), body)
    if day < term.starts_on:
        # Between the election year's 1 January and the new term's start.
        return term_for(term.election_year - ELECTION_CYCLE, body)
    return term


def next_term(day: date, body: str = FULLMAKTIGE) -> Term:
    """Return the first term of body that starts strictly after day."""
    current = term_in_force(day, body)
    return term_for(current.election_year + ELECTION_CYCLE, body)


def period_of(day: date) -> int:
    """Return the election year of the mandate period day belongs to (fullmäktige's term)."""
    return term_in_force(day, FULLMAKTIGE).election_year


def default_counts_from(election_year: int) -> date:
    """Return 1 January of election_year; raise ValueError if no election."""
    _require_election_year(election_year)
    return date(election_year, 1, 1)


def default_deadline(election_year: int, body: str = FULLMAKTIGE, days: int = 180) -> date:
    """Return the start of body's term plus days; raise ValueError if no election."""
    return term_for(election_year, body).starts_on + timedelta(days=days)


def election_years_around(day: date, before: int = 1, after: int = 1) -> list[int]:
    """Return the period of day with before earlier and after later election years."""
    if before < 0 or after < 0:
        raise ValueError("before and after must not be negative")
    current = period_of(day)
    return [current + ELECTION_CYCLE * step for step in range(-before, after + 1)]


def start_of_day_utc(day: date) -> datetime:
    """Return 00:00 Stockholm time on day as an aware UTC datetime."""
    # Sweden changes clocks at 02:00/03:00, so local midnight always exists once.
    return datetime.combine(day, time(0), tzinfo=STOCKHOLM).astimezone(UTC)


def day_bounds_utc(first: date, last: date) -> tuple[datetime, datetime]:
    """Return UTC bounds [lo, hi) covering Stockholm days first..last; raise ValueError."""
    if last < first:
        raise ValueError(f"last ({last}) is before first ({first})")
    return start_of_day_utc(first), start_of_day_utc(last + timedelta(days=1))


def local_date(moment: datetime) -> date:
    """Return the Stockholm calendar date of an aware moment; raise ValueError if naive."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("local_date needs a timezone-aware datetime")
    return moment.astimezone(STOCKHOLM).date()


def period_label(election_year: int) -> str:
    """Return the mandate period named by its election year, as "2026–2030" (en dash)."""
    return f"{election_year}–{election_year + ELECTION_CYCLE}"
