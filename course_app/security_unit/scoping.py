"""Load-or-404 within the signed-in user's organisation: another organisation's id gives 404."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from course_app.extensions import db


def get_in_org(model, object_id: int):
    """Return the model's row with that id in the user's organisation; abort with 404 if none.

    Raises werkzeug's NotFound (through abort) for a missing row and for one that belongs to
    another organisation alike, so that ids reveal nothing.
    """
    row = db.session.get(model, object_id)
    if row is None or row.organisation_id != current_user.organisation_id:
        abort(404)
    return row
