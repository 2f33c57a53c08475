"""The security unit's pages: the organisation's own contacts, shown in the course."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from course_app.auth.access import role_required
from course_app.extensions import db
from course_app.models import LocalContacts, Role
from course_app.security_unit.forms import FIELDS, ContactsForm

bp = Blueprint("security_unit", __name__, url_prefix="/security-unit", template_folder="templates")


def _saved() -> LocalContacts | None:
    return current_user.organisation.contacts


def _render(form: ContactsForm, status: int = 200, **extra):
    return render_template(
        "security_unit/contacts.html", form=form, saved=_saved(), **extra
    ), status


@bp.route("/contacts", methods=["GET", "POST"])
@role_required(Role.SECURITY_UNIT)
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
    try:
        # Changed inside the savepoint, so that a save lost to someone else's rolls back alone.
        with db.session.begin_nested():
            record = saved or LocalContacts(organisation_id=current_user.organisation_id)
            for name in FIELDS:
                setattr(record, name, form[name].data or "")
            record.updated_by_id = current_user.id
            db.session.add(record)
    except (IntegrityError, StaleDataError):
        return _conflict(form)
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
    editor = current_user.is_authenticated and current_user.has_role(Role.SECURITY_UNIT)
    if request.endpoint != "security_unit.contacts" or not editor:
        return render_template("errors/csrf.html"), 400
    return _render(ContactsForm(formdata=request.form), 400, stale=True)
