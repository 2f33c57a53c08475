"""Who belongs to a party group on a day, who are its contacts, and what it discussed.

A member holds an assignment for the party on the day, or was added by the security unit; an
account that is deactivated or deleted is no member, and neither is an account of the security
unit, whatever the rows say (`usable()`, the one rule every membership reads). A contact acts as
one only while a member: someone who leaves the party loses the group with its notes, contact or
not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, func, or_, select, union

from course_app.extensions import db
from course_app.models import (
    Assignment,
    Discussion,
    DiscussionAttendance,
    GroupContact,
    GroupMember,
    Party,
    Permission,
    User,
    UserPermission,
)
from course_app.training import load
from course_app.training.sql import in_office_on


def member_ids(day: date, party_id=None, user_id=None, organisation_id=None):
    """Return (party_id, user_id) of the memberships on day: by assignment and added.

    Narrowed to one party or one user where given (a value or a bound parameter).
    """
    seated = select(
        Assignment.party_id.label("party_id"), Assignment.user_id.label("user_id")
    ).where(Assignment.party_id.is_not(None), in_office_on(day))
    added = select(GroupMember.party_id.label("party_id"), GroupMember.user_id.label("user_id"))
    if party_id is not None:
        seated = seated.where(Assignment.party_id == party_id)
        added = added.where(GroupMember.party_id == party_id)
    if organisation_id is not None:
        seated = seated.where(Assignment.organisation_id == organisation_id)
        parties = select(Party.id).where(Party.organisation_id == organisation_id)
        added = added.where(GroupMember.party_id.in_(parties))
    if user_id is not None:
        seated = seated.where(Assignment.user_id == user_id)
        added = added.where(GroupMember.user_id == user_id)
    return union(seated, added).subquery("memberships")


def is_member(day: date, party_id, user_id):
    """Return a condition: user_id belongs to party_id's group on day (columns or parameters).

    Two EXISTS on indexed columns: it reads the rows of one person, never a whole roster.
    """
    seated = exists().where(
        Assignment.party_id == party_id, Assignment.user_id == user_id, in_office_on(day)
    )
    added = exists().where(GroupMember.party_id == party_id, GroupMember.user_id == user_id)
    return or_(seated, added)


def usable():
    """Return the condition on User for an account that may belong to a party group.

    Active, not deleted, and not the security unit's: the unit follows the groups by counts,
    and never reads what a group writes, even with a membership row or an assignment.
    """
    unit = exists().where(
        UserPermission.user_id == User.id, UserPermission.permission == Permission.SECURITY_UNIT
    )
    return and_(User.active.is_(True), User.deleted_at.is_(None), ~unit)


@dataclass(frozen=True)
class Membership:
    party_id: int
    name: str
    is_contact: bool


def groups_of(user_id: int, organisation_id: int, day: date) -> list[Membership]:
    """Return the groups the user belongs to on day, with whether they are its contact."""
    members = member_ids(day, user_id=user_id)
    contact = exists().where(GroupContact.party_id == Party.id, GroupContact.user_id == user_id)
    rows = db.session.execute(
        select(Party.id, Party.name, contact)
        .join(members, members.c.party_id == Party.id)
        .join(User, User.id == members.c.user_id)
        .where(members.c.user_id == user_id, Party.organisation_id == organisation_id, usable())
        .distinct()
        .order_by(Party.name)
    ).all()
    return [Membership(party_id, name, bool(is_contact)) for party_id, name, is_contact in rows]


def membership(user_id: int, organisation_id: int, party_id: int, day: date) -> Membership | None:
    """Return the user's membership of that party's group on day, or None."""
    return next(
        (m for m in groups_of(user_id, organisation_id, day) if m.party_id == party_id), None
    )


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    email: str
    is_contact: bool
    seated: bool  # holds an assignment for the party (else added by the security unit)


def members_of(party_id: int, day: date) -> list[Member]:
    """Return the group's members on day, by name, in one query."""
    members = member_ids(day, party_id)
    seated = exists().where(
        Assignment.user_id == User.id, Assignment.party_id == party_id, in_office_on(day)
    )
    contact = exists().where(GroupContact.party_id == party_id, GroupContact.user_id == User.id)
    rows = db.session.execute(
        select(User.id, User.name, User.email, contact, seated)
        .join(members, members.c.user_id == User.id)
        .where(usable())
        .distinct()
        .order_by(User.name, User.email)
    ).all()
    return [Member(i, name, email, bool(c), bool(s)) for i, name, email, c, s in rows]


def attended(user_id: int, module_id: str | None = None) -> dict[str, list[date]]:
    """Return, by module id, the days the user took part in a group discussion of it."""
    stmt = (
        select(Discussion.module_id, Discussion.held_on)
        .join(DiscussionAttendance, DiscussionAttendance.discussion_id == Discussion.id)
        .where(DiscussionAttendance.user_id == user_id)
        .order_by(Discussion.held_on)
    )
    if module_id is not None:
        stmt = stmt.where(Discussion.module_id == module_id)
    days: dict[str, list[date]] = {}
    for module, held_on in db.session.execute(stmt):
        days.setdefault(module, []).append(held_on)
    return days


@dataclass(frozen=True)
class GroupActivity:
    party_id: int
    name: str
    members: int
    contacts: int
    discussions: int
    last_held: date | None
    took_part: int  # attendances, summed over the discussions


def activity(organisation_id: int, first: date, last: date, day: date) -> list[GroupActivity]:
    """Return per party: members, contacts, and the discussions held first..last (counts only).

    No notes and no names: what the security unit sees of the groups.
    """
    members = member_ids(day, organisation_id=organisation_id)
    member_counts = (
        select(members.c.party_id, func.count(func.distinct(members.c.user_id)).label("n"))
        .join(User, User.id == members.c.user_id)
        .where(usable())
        .group_by(members.c.party_id)
        .subquery("member_counts")
    )
    contact_count = select(func.count()).where(GroupContact.party_id == Party.id).scalar_subquery()
    held = Discussion.held_on.between(first, last)
    discussion_count = (
        select(func.count()).where(Discussion.party_id == Party.id, held).scalar_subquery()
    )
    last_held = (
        select(func.max(Discussion.held_on))
        .where(Discussion.party_id == Party.id, held)
        .scalar_subquery()
    )
    took_part = (
        select(func.count())
        .select_from(DiscussionAttendance)
        .join(Discussion, Discussion.id == DiscussionAttendance.discussion_id)
        .where(Discussion.party_id == Party.id, held)
        .scalar_subquery()
    )
    rows = db.session.execute(
        select(
            Party.id, Party.name, func.coalesce(member_counts.c.n, 0), contact_count,
            discussion_count, last_held, took_part,
        )
        .outerjoin(member_counts, member_counts.c.party_id == Party.id)
        .where(Party.organisation_id == organisation_id)
        .order_by(Party.name)
    ).all()  # fmt: skip
    return [GroupActivity(*row) for row in rows]


def training_of(user_ids: list[int], organisation_id: int, day: date) -> dict[int, dict]:
    """Return per member: {module id: completed (True/False)} for the modules required on day.

    Three queries whatever the number of members (training.load.standings_of). Only whether a
    module is complete: never notes, ticks or answers.
    """
    if not user_ids:
        return {}
    standings = load.standings_of(user_ids, organisation_id, day)
    return {uid: {m: m in now.counted for m in now.required} for uid, now in standings.items()}
