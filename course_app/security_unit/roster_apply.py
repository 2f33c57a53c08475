"""Write an import's plan (roster_import.py) in the request's transaction: flush, never commit.

The view commits once, with the audit record, then sends the invitations.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, update

from course_app.auth.services import create_user
from course_app.extensions import db
from course_app.models import (
    Assignment,
    Body,
    Organisation,
    Party,
    Permission,
    RosterImport,
    User,
)
from course_app.models.base import utcnow
from course_app.security_unit.roster_import import (
    UNCHANGED,
    ImportPlan,
    RowPlan,
    guess_body_kind,
    name_key,
    users_by_email,
)


@dataclass
class _Lookup:
    """Parties and bodies of the organisation by normalised name, created when missing."""

    organisation_id: int
    parties: dict[str, Party]
    bodies: dict[str, Body]

    @classmethod
    def load(cls, organisation_id: int) -> _Lookup:
        def by_name(model) -> dict:
            stmt = select(model).where(model.organisation_id == organisation_id)
            return {name_key(m.name): m for m in db.session.scalars(stmt)}

        return cls(organisation_id, by_name(Party), by_name(Body))

    def party(self, name: str | None) -> Party | None:
        if not name:
            return None
        if name_key(name) not in self.parties:
            self.parties[name_key(name)] = Party(organisation_id=self.organisation_id, name=name)
            db.session.add(self.parties[name_key(name)])
        return self.parties[name_key(name)]

    def body(self, name: str | None) -> Body | None:
        if not name:
            return None
        if name_key(name) not in self.bodies:
            body = Body(organisation_id=self.organisation_id, name=name, kind=guess_body_kind(name))
            self.bodies[name_key(name)] = body
            db.session.add(body)
        return self.bodies[name_key(name)]


def result_counts(plan: ImportPlan, end_ids: set[int]) -> dict[str, int]:
    """Return the counts stored with the import: the rows' fates, and what the unlisted do."""
    ended = sum(e.id in end_ids for e in plan.ends)
    return {**plan.counts, "ended": ended, "kept": len(plan.ends) - ended}


def apply_plan(
    plan: ImportPlan,
    organisation_id: int,
    end_ids: set[int],
    today: date,
    default_locale: str,
) -> list[User]:
    """Write the plan: officials, parties, bodies and assignments; end the seats named.

    end_ids are the ids of the plan's unlisted assignments to end today: none unless the file
    is the whole roster, and then those the user did not keep. Return the new officials, to be
    invited once the caller has committed. Flushes, never commits.
    """
    lookup = _Lookup.load(organisation_id)
    org_users = users_by_email(p.row.email for p in plan.rows)
    created: list[User] = []
    organisation = db.session.get(Organisation, organisation_id)
    for item in plan.rows:
        row = item.row
        user = org_users.get(row.email)
        if user is None:
            user = create_user(organisation, row.email, [Permission.OFFICIAL], name=row.full_name)
            user.locale = row.language or default_locale
            org_users[row.email] = user
            created.append(user)
        elif "name" in item.changes:
            user.name = row.full_name
        _write_assignment(item, user, lookup, organisation_id)
    for ended in plan.ends:
        if ended.id in end_ids:
            db.session.get(Assignment, ended.id).end(today)
    db.session.flush()
    return created


def _write_assignment(item: RowPlan, user: User, lookup: _Lookup, organisation_id: int) -> None:
    row = item.row
    if item.fate == UNCHANGED:
        return
    seat = db.session.get(Assignment, item.assignment_id) if item.assignment_id else None
    if seat is None:
        seat = Assignment(organisation_id=organisation_id, user_id=user.id, role=row.role)
        db.session.add(seat)
    seat.body = lookup.body(row.body)
    seat.party = lookup.party(row.party)
    seat.extent = row.extent
    seat.starts_on = row.starts_on
    seat.ends_on = row.ends_on


def store_upload(organisation_id: int, user_id: int, filename: str, content: bytes) -> RosterImport:
    """Keep an uploaded file for its preview: until it is confirmed, or a day (maintenance.py)."""
    upload = RosterImport(
        organisation_id=organisation_id,
        uploaded_by_id=user_id,
        filename=filename[:200] or "roster.csv",
        content=content,
        counts={},
    )
    db.session.add(upload)
    db.session.flush()
    return upload


def claim_upload(upload: RosterImport, counts: dict[str, int]) -> bool:
    """Mark the upload as applied and drop the file; return False if another confirmation won.

    The file (names, addresses, parties) has served its preview: what the import did stays in
    the counts here and in the audit log, with the file's name.
    """
    claimed = db.session.execute(
        update(RosterImport)
        .where(RosterImport.id == upload.id, RosterImport.applied_at.is_(None))
        .values(applied_at=utcnow(), counts=counts, content=None)
        .execution_options(synchronize_session=False)
    )
    return claimed.rowcount == 1
