"""The training rule, pure: what an official must complete, counting from when, by when.

From an organisation's requirements, an official's seats (assignments) and a day:
- a requirement *applies* to an official when one of their seats in office that day falls
  under its audience (everyone; kommunallagen 4 kap. 18 a §: heltid and deltid; or the listed
  roles and extents);
- it is *in force* from its counts-from date: before that day it is *coming*, nothing is asked
  by it, no report counts it missing and no reminder names it;
- the *period in force* on a day is the latest mandate period with a requirement in force, so
  that training in the run-up to an election counts for the new period;
- where several requirements in force ask one official for one module, the stricter reading
  wins: the latest counts-from date and the earliest deadline;
- a completion counts for a required module when it is made on or after the start of the
  counts-from day (Stockholm time) and by the end of the day the question is asked for.

What the rule decides from that (the reminders due, whether a period is certified) is in
decisions.py. `sql.py` writes the same rule as SQL for the report and the reminders; the oracle
test in tests/training holds the two together. No Flask, no database here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from course_app.training.periods import day_bounds_utc, period_label, start_of_day_utc


class AssignmentRole(enum.StrEnum):
    """The seat an official holds in a body."""

    ORDINARIE = "ordinarie"
    ERSATTARE = "ersattare"
    ORDFORANDE = "ordforande"
    VICE_ORDFORANDE = "vice_ordforande"
    ANDRE_VICE_ORDFORANDE = "andre_vice_ordforande"
    POLITISK_SEKRETERARE = "politisk_sekreterare"


class Extent(enum.StrEnum):
    """How much of full time the assignment is (kommunallagen 4 kap. 2 §)."""

    HELTID = "heltid"
    DELTID = "deltid"  # a substantial part of full time
    FRITID = "fritid"


# Officials covered by kommunallagen 4 kap. 18 a §: full time or a substantial part of it.
KL_18A_EXTENTS = (Extent.HELTID, Extent.DELTID)


class Audience(enum.StrEnum):
    """Whom a requirement applies to."""

    ALL = "all"  # every official in office
    KL_18A = "kl_18a"  # full time or a substantial part of it (kommunallagen 4 kap. 18 a §)
    SELECTED = "selected"  # the listed roles and/or extents


@dataclass(frozen=True)
class Rule:
    """One requirement as the rule reads it (see load.rule_of for the database's rows)."""

    id: int
    election_year: int
    module_ids: tuple[str, ...]
    audience: str
    roles: frozenset[str]
    extents: frozenset[str]
    counts_from: date
    deadline: date

    def in_force(self, day: date) -> bool:
        """Return whether completions count for this requirement on day (SQL: sql.in_force_on)."""
        return self.counts_from <= day


@dataclass(frozen=True)
class Seat:
    """One assignment as the rule reads it: its role, extent and dates (both ends included)."""

    role: str
    extent: str
    starts_on: date
    ends_on: date | None = None

    def in_office(self, day: date) -> bool:
        """Return whether the seat runs on day (SQL: sql.in_office_on)."""
        return self.starts_on <= day and (self.ends_on is None or day <= self.ends_on)


@dataclass(frozen=True)
class RequiredModule:
    """A module required of one official for a mandate period, with its own dates."""

    module_id: str
    election_year: int
    counts_from: date
    deadline: date

    @property
    def period_label(self) -> str:
        """Return the period as "2026–2030"."""
        return period_label(self.election_year)

    @property
    def since(self) -> datetime:
        """Return the first moment (UTC) at which a completion counts."""
        return start_of_day_utc(self.counts_from)


def applies(rule: Rule, seat: Seat) -> bool:
    """Return whether an official holding seat falls under the requirement's audience.

    SQL: sql.applies."""
    if rule.audience == Audience.ALL:
        return True
    if rule.audience == Audience.KL_18A:
        return seat.extent in KL_18A_EXTENTS
    roles_ok = not rule.roles or seat.role in rule.roles
    extents_ok = not rule.extents or seat.extent in rule.extents
    return roles_ok and extents_ok


def period_in_force(rules: Iterable[Rule], day: date) -> int | None:
    """Return the election year of the latest period with a requirement in force on day."""
    return max((r.election_year for r in rules if r.in_force(day)), default=None)


def of_period(rules: Iterable[Rule], election_year: int | None) -> list[Rule]:
    """Return the requirements of one mandate period."""
    return [r for r in rules if r.election_year == election_year]


def merge(rules: Iterable[Rule], seats: Sequence[Seat], day: date) -> dict[str, RequiredModule]:
    """Return the modules that rules ask of someone with seats in office on day, by module id.

    Whether the rules are in force is not looked at here: the callers choose them. Where two
    ask for one module, the later counts-from date and the earlier deadline win. SQL: the
    since_i and deadline_i columns of sql.standings.
    """
    running = [s for s in seats if s.in_office(day)]
    required: dict[str, RequiredModule] = {}
    for rule in sorted(rules, key=lambda r: r.id):
        if not any(applies(rule, s) for s in running):
            continue
        for module_id in rule.module_ids:
            new = RequiredModule(module_id, rule.election_year, rule.counts_from, rule.deadline)
            old = required.get(module_id)
            if old is not None:
                new = RequiredModule(
                    module_id,
                    rule.election_year,
                    max(old.counts_from, new.counts_from),
                    min(old.deadline, new.deadline),
                )
            required[module_id] = new
    return required


def required_in_period(
    period_rules: Iterable[Rule], seats: Sequence[Seat], day: date
) -> dict[str, RequiredModule]:
    """Return what one period's requirements in force on day ask of an official, by module."""
    return merge([r for r in period_rules if r.in_force(day)], seats, day)


def required_of(
    rules: Iterable[Rule], seats: Sequence[Seat], day: date
) -> dict[str, RequiredModule]:
    """Return the modules required of an official on day: the period in force, by module id."""
    rules = list(rules)
    return required_in_period(of_period(rules, period_in_force(rules, day)), seats, day)


def coming_of(rules: Iterable[Rule], seats: Sequence[Seat], day: date) -> list[RequiredModule]:
    """Return what requirements not yet in force will ask of an official, soonest first.

    Those of the period in force on day, or, when none is, of the first period to come. Each
    module with the dates of its own requirement (one line per requirement and module).
    """
    rules = list(rules)
    year = period_in_force(rules, day)
    ahead = [r for r in rules if not r.in_force(day)]
    if year is None:
        year = min((r.election_year for r in ahead), default=None)
    running = [s for s in seats if s.in_office(day)]
    coming = {
        RequiredModule(m, r.election_year, r.counts_from, r.deadline)
        for r in of_period(ahead, year)
        if any(applies(r, s) for s in running)
        for m in r.module_ids
    }
    return sorted(coming, key=lambda c: (c.counts_from, c.deadline, c.module_id))


def counts(required: RequiredModule | None, at: datetime, as_of: date | None = None) -> bool:
    """Return whether a completion at moment `at` counts for required by the end of as_of.

    A module no requirement asks for (required None) counts whenever it was completed.
    """
    if as_of is not None and at >= day_bounds_utc(as_of, as_of)[1]:
        return False
    return required is None or at >= required.since


def split_completions(
    rows: Iterable[tuple[str, datetime]],
    required: Mapping[str, RequiredModule],
    as_of: date | None = None,
) -> tuple[dict[str, datetime], dict[str, datetime]]:
    """Split (module id, completed at) rows into those that count and those from before.

    Return the latest completion per module in each part; completions after as_of are in
    neither.
    """
    counting: dict[str, datetime] = {}
    earlier: dict[str, datetime] = {}
    for module_id, at in rows:
        if as_of is not None and at >= day_bounds_utc(as_of, as_of)[1]:
            continue
        part = counting if counts(required.get(module_id), at) else earlier
        part[module_id] = max(at, part.get(module_id, at))
    return counting, earlier


@dataclass(frozen=True)
class Standing:
    """Where one official stands on a day for the modules required of them."""

    required: dict[str, RequiredModule]
    counted: dict[str, datetime]  # the first completion that counts, per required module done

    @property
    def missing(self) -> tuple[str, ...]:
        """Return the required modules without a completion that counts."""
        return tuple(m for m in self.required if m not in self.counted)

    @property
    def deadline(self) -> date | None:
        """Return the earliest deadline of the modules still missing, None when none is."""
        return min((self.required[m].deadline for m in self.missing), default=None)


def standing(
    required: Mapping[str, RequiredModule],
    completions: Iterable[tuple[str, datetime]],
    as_of: date,
) -> Standing:
    """Return where an official stands on as_of, from their completions (module id, at).

    SQL: the first_i columns of sql.standings."""
    first: dict[str, datetime] = {}
    for module_id, at in completions:
        if module_id in required and counts(required[module_id], at, as_of):
            first[module_id] = min(at, first.get(module_id, at))
    return Standing(dict(required), first)
