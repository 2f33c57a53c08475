"""An official's details as the security unit changes them: name, language and e-mail address.

The address changes here only while the official has never signed in. After that, a new one is
the official's to confirm (auth/email_change.py): whoever reads an account's address can sign
in as its owner.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from course_app import audit
from course_app.account.data import retention
from course_app.auth import email_change
from course_app.extensions import db
from course_app.models import User
from course_app.security_unit import officials as services
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.officials_forms import OfficialForm
from course_app.security_unit.officials_views import display_name, refuse_deleted
from course_app.security_unit.scoping import get_account_in_org


def _edit_page(user: User, form: OfficialForm, status: int = 200):
    return render_template(
        "security_unit/official_edit.html",
        official=user,
        retention=retention(),
        display_name=display_name(user),
        form=form,
    ), status


@bp.route("/officials/<int:user_id>/edit", methods=["GET", "POST"], endpoint="edit_official")
@unit_required
def edit_official(user_id: int):
    """Change an official's name and language, and their e-mail address (unique).

    The address changes here only while the official has never signed in; after that, the
    official confirms a new one by a link sent to it (auth/email_change.py).
    """
    user = get_account_in_org(user_id)
    if user.deleted_at:
        return refuse_deleted(user)
    if request.method == "GET":
        form = OfficialForm(obj=user)
        form.locale.data = user.locale or "sv"
        return _edit_page(user, form)
    form = OfficialForm()
    if not form.validate_on_submit():
        return _edit_page(user, form, 400)
    new_email = services.normalise_email(form.email.data)
    # The same message for an address in use in another organisation as in this one.
    if services.email_in_use(new_email, user.id):
        return _email_taken(user, form)
    to_confirm = new_email != user.email and user.last_signed_in_at is not None
    email = user.email if to_confirm else new_email
    if not _save_details(user, form, email):
        return _email_taken(user, form)
    if to_confirm:
        email_change.request_change(user, new_email, current_user.organisation.name)
        audit.record("official.email_change_sent", user.organisation_id, subject_id=user.id)
    db.session.commit()
    _flash_saved(user, new_email if to_confirm else None)
    return redirect(url_for("security_unit.official", user_id=user.id))


def _save_details(user: User, form: OfficialForm, email: str) -> bool:
    """Save the name, language and address, with an audit record; False if the address is taken."""
    changed = [
        name
        for name, before, after in (
            ("name", user.name, form.name.data),
            ("email", user.email, email),
            ("locale", user.locale or "sv", form.locale.data),
        )
        if before != after
    ]
    try:
        # In a savepoint, so that an address taken meanwhile by someone else rolls back alone.
        with db.session.begin_nested():
            services.update_details(user, form.name.data, email, form.locale.data)
    except IntegrityError:
        db.session.refresh(user)
        return False
    if changed:
        audit.record("official.edited", user.organisation_id, subject_id=user.id, fields=changed)
    return True


def _flash_saved(user: User, to_confirm: str | None) -> None:
    if to_confirm is None:
        flash(_("The official’s details have been saved."), "success")
        return
    flash(
        _(
            "A link to confirm %(email)s has been sent to that address, and a notice to the "
            "current one. The address changes when %(name)s, signed in, confirms it.",
            email=to_confirm,
            name=display_name(user),
        ),
        "success",
    )


def _email_taken(user: User, form: OfficialForm):
    form.email.errors = [_("Another account already uses this e-mail address")]
    return _edit_page(user, form, 400)
