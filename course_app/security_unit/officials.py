"""The organisation's officials as the security unit sees them: reads and the writes that flush.

Reads return select() statements or plain data; writes flush and never commit (the view commits
once). Nothing here reads notes, ticks or check answers: the security unit sees whether a
required module is done and when, never what an official wrote or chose.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import exists, func, or_, select, update

from course_app.auth.services import normalise_email
from course_app.extensions import db
from course_app.models import (
    Assignment,
    AssignmentRole,
    AuditRecord,
    Body,
    Extent,
    ModuleCompletion,
    Party,
    Permission,
    SignInToken,
    User,
    UserPermission,
)
from course_app.models.base import utcnow
from course_app.training import rule
from course_app.training.periods import start_of_day_utc
from course_app.training.rule import RequiredModule
from course_app.training.sql import in_office_on

ACTIVE = "active"
DEACTIVATED = "deactivated"


@dataclass(frozen=True)
class Filters:
    """What the officials list is narrowed to; None means "any"."""

    q: str = ""
    party_id: int | None = None
    body_id: int | None = None
    role: AssignmentRole | None = None
    extent: Extent | None = None
    status: str | None = None


@dataclass(frozen=True)
class OfficialRow:
    """One line of the officials list."""

    id: int
    name: str
    email: str
    active: bool
    parties: tuple[str, ...]
    bodies: tuple[str, ...]
    deleted_at: datetime | None = None
    email_failed_at: datetime | None = None  # mail to the address was given up on then


@dataclass(frozen=True)
class ModuleStatus:
    """Whether one required module is done for its period, and when."""

    module_id: str
    required: RequiredModule
    completed_at: datetime | None  # the latest completion that counts for the period
    earlier_at: datetime | None  # the latest completion from before it started counting


def escape_like(text: str) -> str:
    """Return text with the LIKE wildcards escaped by a backslash."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def seat_conditions(filters: Filters) -> list:
    """Return the conditions on an assignment that the filters ask for, or [] if none."""
    wanted = [
        (Assignment.party_id, filters.party_id),
        (Assignment.body_id, filters.body_id),
        (Assignment.role, filters.role),
        (Assignment.extent, filters.extent),
    ]
    return [column == value for column, value in wanted if value is not None]


def _seat_matches(filters: Filters, today: date):
    """Return the conditions on an assignment in office today that the filters ask for."""
    conditions = seat_conditions(filters)
    return [*conditions, in_office_on(today)] if conditions else []


def officials_stmt(organisation_id: int, filters: Filters, today: date):
    """Return the statement selecting the organisation's officials that match the filters."""
    is_official = exists().where(
        UserPermission.user_id == User.id, UserPermission.permission == Permission.OFFICIAL
    )
    stmt = select(
        User.id, User.name, User.email, User.active, User.deleted_at, User.email_failed_at
    ).where(User.organisation_id == organisation_id, is_official)
    if filters.q:
        pattern = f"%{escape_like(filters.q)}%"
        stmt = stmt.where(
            or_(User.name.ilike(pattern, escape="\\"), User.email.ilike(pattern, escape="\\"))
        )
    seat = _seat_matches(filters, today)
    if seat:
        stmt = stmt.where(exists().where(Assignment.user_id == User.id, *seat))
    if filters.status == ACTIVE:
        stmt = stmt.where(User.active.is_(True))
    elif filters.status == DEACTIVATED:
        stmt = stmt.where(User.active.is_(False))
    return stmt


def count_stmt(stmt):
    """Return the statement counting the rows of stmt."""
    return select(func.count()).select_from(stmt.order_by(None).subquery())


def page_stmt(stmt, page: int, per_page: int):
    """Return one page of stmt, ordered by name, then e-mail."""
    return (
        stmt.order_by(User.name, User.email, User.id).limit(per_page).offset((page - 1) * per_page)
    )


def seats_by_user(user_ids: list[int], today: date) -> dict[int, tuple[list[str], list[str]]]:
    """Return each user's parties and bodies in office today, sorted, in one query."""
    if not user_ids:
        return {}
    stmt = (
        select(Assignment.user_id, Party.name, Body.name)
        .outerjoin(Party, Party.id == Assignment.party_id)
        .outerjoin(Body, Body.id == Assignment.body_id)
        .where(Assignment.user_id.in_(user_ids), in_office_on(today))
        .distinct()
    )
    parties: dict[int, set[str]] = defaultdict(set)
    bodies: dict[int, set[str]] = defaultdict(set)
    for user_id, party, body in db.session.execute(stmt):
        if party:
            parties[user_id].add(party)
        if body:
            bodies[user_id].add(body)
    return {uid: (sorted(parties[uid]), sorted(bodies[uid])) for uid in user_ids}


def official_rows(rows, today: date) -> list[OfficialRow]:
    """Return the list's lines for rows of officials_stmt, each with its parties and bodies."""
    seats = seats_by_user([row.id for row in rows], today)
    lines = []
    for row in rows:
        parties, bodies = seats.get(row.id, ([], []))
        lines.append(OfficialRow(**row._asdict(), parties=tuple(parties), bodies=tuple(bodies)))
    return lines


def parties_stmt(organisation_id: int):
    """Return the statement selecting the organisation's parties by name."""
    return (
        select(Party.id, Party.name)
        .where(Party.organisation_id == organisation_id)
        .order_by(Party.name)
    )


def bodies_stmt(organisation_id: int):
    """Return the statement selecting the organisation's bodies by name."""
    return (
        select(Body.id, Body.name)
        .where(Body.organisation_id == organisation_id)
        .order_by(Body.name)
    )


def assignments_stmt(user_id: int, organisation_id: int):
    """Return the statement selecting a user's assignments with body and party names."""
    return (
        select(Assignment, Body.name.label("body_name"), Party.name.label("party_name"))
        .outerjoin(Body, Body.id == Assignment.body_id)
        .outerjoin(Party, Party.id == Assignment.party_id)
        .where(Assignment.user_id == user_id, Assignment.organisation_id == organisation_id)
        .order_by(Assignment.starts_on.desc(), Assignment.id)
    )


def is_running(assignment: Assignment, today: date) -> bool:
    """Return True if the assignment has not ended by today (it may not have started yet)."""
    return assignment.ends_on is None or assignment.ends_on > today


def module_statuses(user_id: int, required: dict[str, RequiredModule]) -> list[ModuleStatus]:
    """Return, per required module, the latest completion that counts and the one before."""
    if not required:
        return []
    stmt = select(ModuleCompletion.module_id, ModuleCompletion.completed_at).where(
        ModuleCompletion.user_id == user_id, ModuleCompletion.module_id.in_(list(required))
    )
    counting, earlier = rule.split_completions(db.session.execute(stmt), required)
    return [
        ModuleStatus(module_id, req, counting.get(module_id), earlier.get(module_id))
        for module_id, req in required.items()
    ]


def end_assignment(assignment: Assignment, today: date) -> None:
    """End the assignment today, or on its first day if it starts later. Flushes."""
    assignment.end(today)
    db.session.flush()


def ended_today(user_id: int, today: date) -> dict[int, date | None]:
    """Return the official's assignments the unit ended today, each with its end before that.

    Read from today's audit records, which keep what was changed, so that an undo puts back
    exactly that.
    """
    stmt = (
        select(AuditRecord.action, AuditRecord.details)
        .where(
            AuditRecord.subject_id == user_id,
            AuditRecord.action.in_(("assignment.ended", "assignment.reopened")),
            AuditRecord.at >= start_of_day_utc(today),
        )
        .order_by(AuditRecord.at, AuditRecord.id)
    )
    ended: dict[int, date | None] = {}
    for action, details in db.session.execute(stmt):
        if "assignment" not in details:
            continue  # recorded before assignments were named
        if action == "assignment.reopened":
            ended.pop(details["assignment"], None)
            continue
        previous = details.get("previous_end")
        ended[details["assignment"]] = date.fromisoformat(previous) if previous else None
    return ended


def reopen_assignment(assignment: Assignment, previous_end: date | None) -> None:
    """Give an assignment ended today its earlier end back (None: until further notice)."""
    assignment.ends_on = previous_end
    db.session.flush()


def _close_open_links(user: User, now: datetime) -> None:
    db.session.execute(
        update(SignInToken)
        .where(SignInToken.user_id == user.id, SignInToken.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )


def deactivate(user: User) -> None:
    """Deactivate the account: end every session and open link, keep all history. Flushes."""
    now = utcnow()
    user.active = False
    user.deactivated_at = now
    user.session_version += 1
    _close_open_links(user, now)
    db.session.flush()


def reactivate(user: User) -> None:
    """Let a deactivated account sign in again (with a new link). Flushes."""
    user.active = True
    user.deactivated_at = None
    db.session.flush()


def email_in_use(email: str, except_user_id: int) -> bool:
    """Return True if another user anywhere in the installation has that e-mail address."""
    stmt = select(exists().where(User.email == normalise_email(email), User.id != except_user_id))
    return bool(db.session.scalar(stmt))


def update_details(user: User, name: str, email: str, locale: str) -> None:
    """Change the official's name, e-mail address and language. Flushes.

    A new address closes the links already sent: they went to an address found to be wrong.
    """
    email = normalise_email(email)
    if email != user.email:
        _close_open_links(user, utcnow())
    user.name = name
    user.email = email
    user.locale = locale
    db.session.flush()
