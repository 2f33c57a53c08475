"""Write an import's plan (roster_import.py) in the request's transaction: flush, never commit.

Each kind of change is one statement for all the rows it concerns (the ORM's bulk INSERT and
UPDATE, sent as executemany), never a statement per row: a roster of 20,000 rows is written in
seconds. The view commits once, with the audit record, then sends the invitations.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date

from sqlalchemy import Row, insert, select, update

from course_app.auth.services import normalise_email
from course_app.extensions import db
from course_app.models import (
    Assignment,
    Body,
    Party,
    Permission,
    RosterImport,
    User,
    UserPermission,
)
from course_app.models.base import utcnow
from course_app.security_unit.roster_import import (
    CHANGED,
    NEW_OFFICIAL,
    ImportPlan,
    RowPlan,
    guess_body_kind,
    name_key,
)


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
) -> list[Row]:
    """Write the plan: officials, parties, bodies and assignments; end the seats named.

    end_ids are the ids of the plan's unlisted assignments to end today: none unless the file
    is the whole roster, and then those the user did not keep. Return the new officials (id,
    email, name, locale), to be invited once the caller has committed. Flushes, never commits.
    """
    db.session.flush()  # what the request changed before, ahead of the bulk statements
    created = _add_officials(plan.rows, organisation_id, default_locale)
    user_ids = {official.email: official.id for official in created}
    _rename(plan.rows)
    parties = _ids_by_name(Party, organisation_id, (p.row.party for p in plan.rows))
    bodies = _ids_by_name(
        Body,
        organisation_id,
        (p.row.body for p in plan.rows),
        lambda n: {"kind": guess_body_kind(n)},
    )
    new, changed = [], []
    for item in plan.rows:
        values = _seat_values(item, parties, bodies)
        if item.assignment_id is None:
            user_id = item.user_id or user_ids[normalise_email(item.row.email)]
            new.append({**values, "organisation_id": organisation_id, "user_id": user_id})
        elif item.fate == CHANGED:
            changed.append({**values, "id": item.assignment_id})
    # Assignment.end's rule: today, or the first day of a seat that starts later.
    ends = [{"id": e.id, "ends_on": max(today, e.starts_on)} for e in plan.ends if e.id in end_ids]
    # NULL written out: else rows with and without an end date go in separate statements.
    _execute_many(insert(Assignment).execution_options(render_nulls=True), new)
    _execute_many(update(Assignment), changed + ends)
    return created


def _execute_many(statement, values: list[dict]) -> None:
    if values:
        db.session.execute(statement, values)


def _add_officials(rows: Iterable[RowPlan], organisation_id: int, locale: str) -> list[Row]:
    """Add an official for each address new to the app; return their id, email, name, locale."""
    values = [
        {
            "organisation_id": organisation_id,
            "email": normalise_email(item.row.email),
            "name": item.row.full_name,
            "locale": item.row.language or locale,
        }
        for item in rows
        if item.fate == NEW_OFFICIAL
    ]
    if not values:
        return []
    returning = insert(User).returning(User.id, User.email, User.name, User.locale)
    created = list(db.session.execute(returning, values))
    official = [{"user_id": user.id, "permission": Permission.OFFICIAL} for user in created]
    db.session.execute(insert(UserPermission), official)
    return created


def _rename(rows: Iterable[RowPlan]) -> None:
    """Give accounts the name the file gives them (the last row's, if it is written twice)."""
    names = {item.user_id: item.row.full_name for item in rows if "name" in item.changes}
    _execute_many(update(User), [{"id": i, "name": name} for i, name in names.items()])


def _ids_by_name(
    model, organisation_id: int, names: Iterable[str | None], extra: Callable = lambda n: {}
) -> dict[str, int]:
    """Return the ids of the organisation's parties or bodies by name_key, adding the new ones."""
    stmt = select(model.id, model.name).where(model.organisation_id == organisation_id)
    ids = {name_key(name): id_ for id_, name in db.session.execute(stmt)}
    missing: dict[str, str] = {}
    for name in names:
        if name and name_key(name) not in ids:
            missing.setdefault(name_key(name), name)  # spelt as it is first written
    if missing:
        values = [
            {"organisation_id": organisation_id, "name": n, **extra(n)} for n in missing.values()
        ]
        added = db.session.execute(insert(model).returning(model.id, model.name), values)
        ids.update((name_key(name), id_) for id_, name in added)
    return ids


def _seat_values(item: RowPlan, parties: dict[str, int], bodies: dict[str, int]) -> dict:
    row = item.row
    return {
        "role": row.role,
        "body_id": bodies[name_key(row.body)] if row.body else None,
        "party_id": parties[name_key(row.party)] if row.party else None,
        "extent": row.extent,
        "starts_on": row.starts_on,
        "ends_on": row.ends_on,
    }


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
