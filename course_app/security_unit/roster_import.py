"""Importing the roster: plan what a parsed file would change, then write exactly that plan.

The plan is computed from the file and the organisation's roster as it is now; the preview
shows it and carries its digest, and the confirmation writes only if the plan computed then
has the same digest (roster_apply.py writes it).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select

from course_app.extensions import db
from course_app.models import (
    Assignment,
    AssignmentRole,
    Body,
    BodyKind,
    Extent,
    Party,
    Permission,
    User,
    UserPermission,
)
from course_app.security_unit.roster_csv import ParsedRoster, Problem, RosterRow

NEW_OFFICIAL = "new_official"
NEW_ASSIGNMENT = "new_assignment"
CHANGED = "changed"
UNCHANGED = "unchanged"
FATES = (NEW_OFFICIAL, NEW_ASSIGNMENT, CHANGED, UNCHANGED)
# Addresses looked up per query: well under the bound parameters SQLite (32,766) allows.
EMAILS_PER_QUERY = 5_000


def name_key(text: str | None) -> str:
    """Return a party's or body's name as compared: single-spaced, case-folded."""
    return " ".join((text or "").split()).casefold()


def seat_key(email: str, body: str | None, role: AssignmentRole) -> tuple[str, str, str]:
    """Return what identifies one seat: the official, the body and the role."""
    return (email, name_key(body), role.value)


def guess_body_kind(name: str) -> BodyKind:
    """Return the kind of body its name suggests (it decides when the body's term starts)."""
    lowered = name.casefold()
    if "fullmäktige" in lowered:
        return BodyKind.FULLMAKTIGE
    if "styrelse" in lowered and ("kommun" in lowered or "region" in lowered):
        return BodyKind.STYRELSE
    if "nämnd" in lowered or "utskott" in lowered:
        return BodyKind.NAMND
    if "bolag" in lowered or lowered.endswith(" ab") or "aktiebolag" in lowered:
        return BodyKind.BOLAG
    return BodyKind.ANNAT


@dataclass(frozen=True)
class Existing:
    """An assignment as stored, with the names the file would use for it."""

    id: int
    user_id: int
    email: str
    name: str
    active: bool
    body: str | None
    party: str | None
    role: AssignmentRole
    extent: Extent
    starts_on: date
    ends_on: date | None

    @property
    def key(self) -> tuple[str, str, str]:
        return seat_key(self.email, self.body, self.role)


@dataclass(frozen=True)
class RowPlan:
    """What one row of the file will do."""

    row: RosterRow
    fate: str
    changes: tuple[str, ...] = ()
    assignment_id: int | None = None
    deactivated: bool = False
    user_id: int | None = None  # the account's, when the address has one


@dataclass(frozen=True)
class ImportPlan:
    """Everything an import would do, and every problem that stops it."""

    rows: tuple[RowPlan, ...]
    ends: tuple[Existing, ...]  # running and not in the file: they end if it is the whole roster
    problems: tuple[Problem, ...]
    new_parties: tuple[str, ...]
    new_bodies: tuple[str, ...]
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Return True if nothing stops the import."""
        return not self.problems

    def digest(self) -> str:
        """Return a fingerprint of the plan, to check that a confirmation writes what was shown."""
        data = [
            [(p.row.line, p.fate, p.changes, p.assignment_id) for p in self.rows],
            [e.id for e in self.ends],
            self.new_parties,
            self.new_bodies,
        ]
        return hashlib.sha256(json.dumps(data, default=str).encode()).hexdigest()[:32]


@dataclass(frozen=True)
class Account:
    """An account that an address in the file already has, as the plan needs it."""

    id: int
    email: str
    name: str
    active: bool
    organisation_id: int
    official: bool


def _load_existing(organisation_id: int) -> list[Existing]:
    stmt = (
        select(
            Assignment.id,
            Assignment.user_id,
            User.email,
            User.name,
            User.active,
            Body.name,
            Party.name,
            Assignment.role,
            Assignment.extent,
            Assignment.starts_on,
            Assignment.ends_on,
        )
        .join(User, User.id == Assignment.user_id)
        .outerjoin(Body, Body.id == Assignment.body_id)
        .outerjoin(Party, Party.id == Assignment.party_id)
        .where(Assignment.organisation_id == organisation_id)
        .order_by(Assignment.starts_on, Assignment.id)
    )
    return [Existing(*row) for row in db.session.execute(stmt)]


def accounts_by_email(emails: Iterable[str], organisation_id: int) -> dict[str, Account]:
    """Return the accounts that hold any of the addresses, in a query per EMAILS_PER_QUERY."""
    emails = sorted(set(emails))
    # The organisation's officials in a query of their own: a subquery per account can be
    # planned as a scan per row on a table that PostgreSQL has not analysed since an import.
    officials = set(
        db.session.scalars(
            select(UserPermission.user_id)
            .join(User, User.id == UserPermission.user_id)
            .where(
                User.organisation_id == organisation_id,
                UserPermission.permission == Permission.OFFICIAL,
            )
        )
    )
    columns = (User.id, User.email, User.name, User.active, User.organisation_id)
    accounts = {}
    for start in range(0, len(emails), EMAILS_PER_QUERY):
        chunk = emails[start : start + EMAILS_PER_QUERY]
        for row in db.session.execute(select(*columns).where(User.email.in_(chunk))):
            accounts[row.email] = Account(*row, official=row.id in officials)
    return accounts


def _names(organisation_id: int, model) -> dict[str, str]:
    stmt = select(model.name).where(model.organisation_id == organisation_id)
    return {name_key(name): name for name in db.session.scalars(stmt)}


def plan_import(parsed: ParsedRoster, organisation_id: int, today: date) -> ImportPlan:
    """Return what importing the parsed file into the organisation would do, in a few queries."""
    users = accounts_by_email((row.email for row in parsed.rows), organisation_id)
    existing = _load_existing(organisation_id)
    parties = _names(organisation_id, Party)
    bodies = _names(organisation_id, Body)
    return compute_plan(parsed, organisation_id, today, users, existing, parties, bodies)


def _changes(row: RosterRow, old: Existing) -> tuple[str, ...]:
    changes = []
    if row.full_name != old.name:
        changes.append("name")
    if name_key(row.party) != name_key(old.party):
        changes.append("party")
    if row.extent != old.extent:
        changes.append("extent")
    if row.starts_on != old.starts_on:
        changes.append("starts_on")
    if row.ends_on != old.ends_on:
        changes.append("ends_on")
    return tuple(changes)


def compute_plan(
    parsed: ParsedRoster,
    organisation_id: int,
    today: date,
    users: dict[str, Account],
    existing: list[Existing],
    parties: dict[str, str],
    bodies: dict[str, str],
) -> ImportPlan:
    """Return the plan for parsed against the roster as loaded (pure: reads nothing)."""
    problems = list(parsed.problems)
    latest = {e.key: e for e in existing}  # ordered by start: the latest seat wins
    seen: dict[tuple[str, str, str], int] = {}
    new_emails: set[str] = set()
    plans = []
    for row in parsed.rows:
        key = seat_key(row.email, row.body, row.role)
        user = users.get(row.email)
        if user is not None and not _may_hold_seats(user, organisation_id):
            problems.append(Problem(row.line, parsed.column_label("email"), "email_taken", {}))
            continue
        if key in seen:
            params = {"line": seen[key]}
            problems.append(
                Problem(row.line, parsed.column_label("body"), "same_seat_twice", params)
            )
            continue
        seen[key] = row.line
        plans.append(_row_plan(row, user, latest.get(key), new_emails))
    listed = set(seen)
    ends = tuple(
        e
        for e in latest.values()
        if e.key not in listed and (e.ends_on is None or e.ends_on >= today)
    )
    new_parties = _new_names((r.party for r in parsed.rows), parties)
    new_bodies = _new_names((r.body for r in parsed.rows), bodies)
    counts = {fate: sum(p.fate == fate for p in plans) for fate in FATES}
    return ImportPlan(tuple(plans), ends, tuple(problems), new_parties, new_bodies, counts)


def _may_hold_seats(user: Account, organisation_id: int) -> bool:
    """Return True if the import may give the account seats: an official of the organisation.

    An account elsewhere and one of the organisation's own that is not an official's (a member
    of the security unit) are the same problem to the unit, with the same message: the address
    belongs to another account. So the preview never tells that an address has an account in
    another organisation.
    """
    return user.organisation_id == organisation_id and user.official


def _new_names(names: Iterable[str | None], known: dict[str, str]) -> tuple[str, ...]:
    """Return the names not known yet, once each however they are spelt, sorted."""
    found: dict[str, str] = {}
    for name in names:
        if name and name_key(name) not in known:
            found.setdefault(name_key(name), name)
    return tuple(sorted(found.values()))


def _row_plan(
    row: RosterRow, user: Account | None, old: Existing | None, new_emails: set[str]
) -> RowPlan:
    if user is None:
        fate = NEW_ASSIGNMENT if row.email in new_emails else NEW_OFFICIAL
        new_emails.add(row.email)
        return RowPlan(row, fate)
    if old is None:
        changes = ("name",) if row.full_name != user.name else ()
        return RowPlan(row, NEW_ASSIGNMENT, changes, None, not user.active, user.id)
    changes = _changes(row, old)
    fate = CHANGED if changes else UNCHANGED
    return RowPlan(row, fate, changes, old.id, not user.active, user.id)
