"""What the training rule decides for one official: the reminders due, and whether a period
is certified. Pure, like rule.py, on what rule.py reads (no Flask, no database)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from course_app.training.periods import term_for
from course_app.training.rule import (
    Rule,
    Seat,
    Standing,
    coming_of,
    required_in_period,
    standing,
)


@dataclass(frozen=True)
class Reminder:
    """One reminder due to an official: a deadline of theirs, the point reached, the modules."""

    election_year: int
    deadline: date
    kind: str  # "before-30", "before-7" … or "after"
    modules: tuple[str, ...]


def due_point(today: date, deadline: date, days_before: Sequence[int]) -> str | None:
    """Return the latest reminder point due today for the deadline, or None."""
    if today > deadline:
        return "after"
    due = [days for days in days_before if deadline - timedelta(days=days) <= today]
    return f"before-{min(due)}" if due else None


def reminders_due(
    now: Standing,
    today: date,
    days_before: Sequence[int],
    sent: Iterable[tuple[str, date, str]] = (),
) -> list[Reminder]:
    """Return the reminders due today to an official who stands so, one per deadline of theirs.

    Each names the missing modules with that deadline that have not yet been reminded at the
    point reached (sent: (module id, deadline, kind) already sent).
    """
    done = set(sent)
    by_deadline: dict[date, list[str]] = {}
    for module_id in now.missing:
        by_deadline.setdefault(now.required[module_id].deadline, []).append(module_id)
    reminders = []
    for deadline, modules in sorted(by_deadline.items()):
        kind = due_point(today, deadline, days_before)
        if kind is None:
            continue
        left = tuple(m for m in modules if (m, deadline, kind) not in done)
        if left:
            year = now.required[left[0]].election_year
            reminders.append(Reminder(year, deadline, kind, left))
    return reminders


def certificate_day(period_rules: Sequence[Rule], seats: Sequence[Seat], today: date) -> date:
    """Return the day on which a period's certificate is decided for an official.

    Today, or the period's last day once it is over, while they are in office; otherwise the
    last day in the period on which they held a seat, so that leaving office keeps what was
    done.
    """
    if not period_rules:
        return today
    end = min(today, term_for(period_rules[0].election_year).ends_on)
    first = min(r.counts_from for r in period_rules)
    held = [
        min(s.ends_on or end, end)
        for s in seats
        if s.starts_on <= end and (s.ends_on is None or s.ends_on >= first)
    ]
    return max(held, default=end)


def certified(
    period_rules: Sequence[Rule],
    seats: Sequence[Seat],
    completions: Iterable[tuple[str, datetime]],
    today: date,
) -> dict[str, datetime] | None:
    """Return the completions that complete a period for an official, or None if it is not.

    A period is complete when, on its certificate day, at least one module is required, every
    required module has a completion that counts, and no requirement of the period is still
    coming for them (it will ask for more).
    """
    day = certificate_day(period_rules, seats, today)
    required = required_in_period(period_rules, seats, day)
    if not required or coming_of(period_rules, seats, day):
        return None
    now = standing(required, completions, day)
    return None if now.missing else now.counted
