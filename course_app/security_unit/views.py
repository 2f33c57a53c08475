"""The security unit's pages: the organisation's own contacts, shown in the course.

Importing this module registers every page of the area on its blueprint.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from course_app import audit
from course_app.extensions import db
from course_app.models import LocalContacts, Permission

# Each module registers its pages on the blueprint.
from course_app.security_unit import (  # noqa: F401
    assignment_views,
    audit_views,
    certificates_views,
    coverage_views,
    groups_views,
    official_edit_views,
    officials_views,
    requirements_views,
    roster_views,
)
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.forms import FIELDS, ContactsForm
from course_app.security_unit.services import ContactsConflict, save_contacts


def _saved() -> LocalContacts | None:
    return current_user.record.organisation.contacts


def _render(form: ContactsForm, status: int = 200, **extra):
    return render_template(
        "security_unit/contacts.html", form=form, saved=_saved(), **extra
    ), status


@bp.route("/contacts", methods=["GET", "POST"])
@unit_required
def contacts():
    """Let the security unit fill in whom the organisation's officials contact."""
    saved = _saved()
    if request.method == "GET":
        form = ContactsForm(obj=saved)
        form.revision.data = str(saved.revision if saved else 0)
        return _render(form)
    form = ContactsForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    if form.revision.data != str(saved.revision if saved else 0):
        return _conflict(form)
    values = {name: form[name].data for name in FIELDS}
    try:
        save_contacts(saved, current_user.organisation_id, values, current_user.id)
    except ContactsConflict:
        return _conflict(form)
    audit.record("contacts.edited", current_user.organisation_id)
    db.session.commit()
    flash(_("The contacts have been saved. Officials see them in the course now."), "success")
    return redirect(url_for("security_unit.contacts"))


def _conflict(form: ContactsForm):
    """Keep what was typed, and let the next save replace what someone else saved."""
    saved = _saved()
    form.revision.data = str(saved.revision if saved else 0)
    return _render(form, 409, conflict=True)


@bp.errorhandler(CSRFError)
def stale_form(error: CSRFError):
    """Show a stale contacts form again with what was typed."""
    editor = current_user.is_authenticated and current_user.has_permission(Permission.SECURITY_UNIT)
    if request.endpoint != "security_unit.contacts" or not editor:
        return render_template("errors/csrf.html"), 400
    return _render(ContactsForm(formdata=request.form), 400, stale=True)
