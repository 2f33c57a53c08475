"""The security unit's writes to its organisation's local contacts. Writes flush; views commit."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from course_app.extensions import db
from course_app.models import LocalContacts


class ContactsConflict(Exception):
    """Raised when someone else saved the contacts first."""


def save_contacts(
    saved: LocalContacts | None, organisation_id: int, values: Mapping[str, str], editor_id: int
) -> None:
    """Save the contacts; raise ContactsConflict if another save got there first.

    The change is made inside a savepoint, so that a save lost to someone else's rolls back
    alone and the caller can show the form again.
    """
    try:
        with db.session.begin_nested():
            record = saved or LocalContacts(organisation_id=organisation_id)
            for name, value in values.items():
                setattr(record, name, value or "")
            record.updated_by_id = editor_id
            db.session.add(record)
    except (IntegrityError, StaleDataError) as error:
        raise ContactsConflict from error
