"""Read what the training rule needs from the database: requirements, seats and completions.

Each function is one query whatever the number of officials; the rule itself is in rule.py.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import select

from course_app.extensions import db
from course_app.models import Assignment, ModuleCompletion, Requirement
from course_app.training import rule, sql
from course_app.training.periods import local_date
from course_app.training.rule import RequiredModule, Rule, Seat


def rule_of(requirement: Requirement) -> Rule:
    """Return the rule's reading of a requirement row."""
    return Rule(
        id=requirement.id,
        election_year=requirement.election_year,
        module_ids=tuple(requirement.module_ids),
        audience=str(requirement.audience),
        roles=frozenset(requirement.roles or ()),
        extents=frozenset(requirement.extents or ()),
        counts_from=requirement.counts_from,
        deadline=requirement.deadline,
    )


def seat_of(assignment: Assignment) -> Seat:
    """Return the rule's reading of an assignment row."""
    return Seat(
        str(assignment.role), str(assignment.extent), assignment.starts_on, assignment.ends_on
    )


def rules_of(organisation_id: int, election_year: int | None = None) -> list[Rule]:
    """Return the organisation's requirements (of one period, if given), oldest first."""
    stmt = select(Requirement).where(Requirement.organisation_id == organisation_id)
    if election_year is not None:
        stmt = stmt.where(Requirement.election_year == election_year)
    stmt = stmt.order_by(Requirement.election_year, Requirement.id)
    return [rule_of(r) for r in db.session.scalars(stmt)]


def seats_of(user_ids: Iterable[int], organisation_id: int) -> dict[int, list[Seat]]:
    """Return every seat of the users in the organisation, ever held, by user id."""
    ids = list(user_ids)
    seats: dict[int, list[Seat]] = {uid: [] for uid in ids}
    if not ids:
        return seats
    stmt = select(Assignment).where(
        Assignment.user_id.in_(ids), Assignment.organisation_id == organisation_id
    )
    for assignment in db.session.scalars(stmt):
        seats[assignment.user_id].append(seat_of(assignment))
    return seats


def completions_of(
    user_ids: Iterable[int], module_ids: Iterable[str] | None = None
) -> dict[int, list[tuple[str, datetime]]]:
    """Return the users' completions as (module id, completed at), by user id."""
    ids = list(user_ids)
    done: dict[int, list[tuple[str, datetime]]] = {uid: [] for uid in ids}
    if not ids:
        return done
    stmt = select(
        ModuleCompletion.user_id, ModuleCompletion.module_id, ModuleCompletion.completed_at
    ).where(ModuleCompletion.user_id.in_(ids))
    if module_ids is not None:
        stmt = stmt.where(ModuleCompletion.module_id.in_(list(module_ids)))
    for user_id, module_id, at in db.session.execute(stmt):
        done[user_id].append((module_id, at))
    return done


def rules_and_seats(user_id: int, organisation_id: int) -> tuple[list[Rule], list[Seat]]:
    """Return what the rule reads of one official: the organisation's requirements and the
    official's seats; two queries."""
    return rules_of(organisation_id), seats_of([user_id], organisation_id)[user_id]


def standings_of(user_ids: list[int], organisation_id: int, day: date) -> dict[int, rule.Standing]:
    """Return where each of the users stands on day in the period in force: three queries."""
    rules = rules_of(organisation_id)
    seats = seats_of(user_ids, organisation_id)
    required = {uid: rule.required_of(rules, seats[uid], day) for uid in user_ids}
    modules = {m for r in required.values() for m in r}
    done = completions_of(user_ids, modules) if modules else {uid: [] for uid in user_ids}
    return {uid: rule.standing(required[uid], done[uid], day) for uid in user_ids}


def standings_in_sql(
    organisation_id: int, election_year: int, as_of: date
) -> dict[int, rule.Standing]:
    """Return where each official in scope stands on as_of for one period, scored in SQL.

    The same result as rule.required_in_period and rule.standing per official (the oracle test
    holds them together), in two queries whatever the number of officials.
    """
    rules = [r for r in rules_of(organisation_id, election_year) if r.in_force(as_of)]
    module_ids = sorted({m for r in rules for m in r.module_ids})
    if not module_ids:
        return {}
    scores = sql.standings(organisation_id, rules, as_of, module_ids)
    result = {}
    for row in db.session.execute(select(scores)).mappings():
        required, counted = {}, {}
        for i, module_id in enumerate(module_ids):
            since = row[f"since_{i}"]
            if since is None:
                continue
            counts_from = local_date(since)
            deadline = row[f"deadline_{i}"]
            required[module_id] = RequiredModule(module_id, election_year, counts_from, deadline)
            if row[f"first_{i}"] is not None:
                counted[module_id] = row[f"first_{i}"]
        result[row["user_id"]] = rule.Standing(required, counted)
    return result
