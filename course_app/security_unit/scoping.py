"""Load-or-404 within the signed-in user's organisation: another organisation's id gives 404.

An account of the security unit is never one the unit acts on, other than its own (403).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from course_app import security_log
from course_app.extensions import db
from course_app.models import Permission, User


def get_in_org(model, object_id: int):
    """Return the model's row with that id in the user's organisation; abort with 404 if none.

    Raises werkzeug's NotFound (through abort) for a missing row and for one that belongs to
    another organisation alike, so that ids reveal nothing; the latter is logged as a refusal.
    """
    row = db.session.get(model, object_id)
    if row is None:
        abort(404)
    if row.organisation_id != current_user.organisation_id:
        security_log.refused_other_organisation(current_user.id, model.__tablename__, object_id)
        abort(404)
    return row


def get_account_in_org(user_id: int) -> User:
    """Return the organisation's account with that id for the unit to change; 404 as get_in_org.

    Raises Forbidden (403) for another account of the security unit: no member of the unit
    changes a colleague's address, invitations or status. An administrator takes the
    permission away first (`flask users permissions`) if the unit is to act on the account.
    """
    user = get_in_org(User, user_id)
    if is_colleague(user):
        abort(403)
    return user


def is_colleague(user: User) -> bool:
    """Return True for another account of the security unit than the signed-in user's."""
    return user.id != current_user.id and user.has_permission(Permission.SECURITY_UNIT)
