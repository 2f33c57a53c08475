"""My data: download everything the app holds about me, or delete my account."""

from __future__ import annotations

import json
from datetime import date

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from sqlalchemy.exc import IntegrityError
from wtforms import BooleanField, SubmitField
from wtforms.validators import DataRequired

from course_app import audit
from course_app.account import data
from course_app.auth import email_change, services
from course_app.auth.sessions import end_keeping_language
from course_app.extensions import db
from course_app.forms import Form
from course_app.i18n import SESSION_KEY as LOCALE_KEY

bp = Blueprint("account", __name__, template_folder="templates")


class DeleteAccountForm(Form):
    confirm = BooleanField(
        _l("Yes, delete my account"),
        validators=[
            DataRequired(message=_l("Tick the box to confirm that you want to delete your account"))
        ],
    )
    submit = SubmitField(_l("Delete my account"))


class ConfirmEmailForm(Form):
    submit = SubmitField(_l("Use the new address"))


def _render(form: DeleteAccountForm, status: int = 200):
    days = current_app.config["DELETED_ACCOUNT_RETENTION_DAYS"]
    audit_years = max(current_app.config["AUDIT_RETENTION_DAYS"] // 365, 1)
    return render_template(
        "account/my_data.html",
        form=form,
        years=days // 365,
        days=days,
        audit_years=audit_years,
        email_failed_at=current_user.record.email_failed_at,
    ), status


@bp.get("/my-data")
@login_required
def my_data():
    """Say what the app holds about me, and offer it as files, or to delete the account."""
    return _render(DeleteAccountForm())


def _download(body: str, mimetype: str, extension: str) -> Response:
    name = f"tryggt-uppdrag-mina-uppgifter-{date.today().isoformat()}.{extension}"
    return Response(
        body,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.get("/my-data/export.json")
@login_required
def export_json():
    """Download everything held about me as JSON."""
    body = json.dumps(data.export(current_user.record), ensure_ascii=False, indent=2)
    return _download(body, "application/json", "json")


@bp.get("/my-data/export.html")
@login_required
def export_html():
    """Download everything held about me as a readable page that prints well."""
    body = render_template("account/export.html", held=data.export(current_user.record))
    return _download(body, "text/html", "html")


@bp.post("/my-data/delete")
@login_required
def delete_account():
    """Delete my account after a ticked confirmation, and sign out everywhere."""
    form = DeleteAccountForm()
    if not form.validate_on_submit():
        return _render(form, 400)
    user_id = current_user.id
    locale = session.get(LOCALE_KEY) or current_user.locale
    audit.record("account.deleted", current_user.organisation_id, actor_id=user_id)
    data.delete_account(current_user.record)
    db.session.commit()
    end_keeping_language(locale)
    flash(_("Your account has been deleted, and you are signed out."), "success")
    return redirect(url_for("learn.overview"))


def _confirm_page(state: str, status: int, new_email: str | None = None):
    return render_template(
        "account/confirm_email.html", state=state, form=ConfirmEmailForm(), new_email=new_email
    ), status


@bp.route("/my-data/new-email/<token>", methods=["GET", "POST"])
@login_required
def confirm_email(token: str):
    """Let the account's owner, signed in, take a new e-mail address; then sign out everywhere."""
    found = services.find_valid_token(token, (services.EMAIL_CHANGE,))
    if found is None:
        return _confirm_page("invalid", 410 if request.method == "GET" else 400)
    if found.user_id != current_user.id:
        return _confirm_page("other", 403)
    new_email = found.new_email
    if not ConfirmEmailForm().validate_on_submit():
        return _confirm_page("confirm", 200, new_email)
    if services.email_taken(new_email):
        return _confirm_page("taken", 409, new_email)
    if services.consume_token(token, (services.EMAIL_CHANGE,)) is None:
        return _confirm_page("invalid", 400)  # used by another request meanwhile
    user = current_user.record
    try:
        # In a savepoint, so that an address taken meanwhile rolls back the change alone.
        with db.session.begin_nested():
            email_change.apply_change(user, new_email)
    except IntegrityError:
        db.session.rollback()
        return _confirm_page("taken", 409, new_email)
    audit.record("account.email_changed", user.organisation_id, subject_id=user.id)
    db.session.commit()
    end_keeping_language(session.get(LOCALE_KEY) or user.locale)
    flash(
        _(
            "Your e-mail address is now %(email)s. You are signed out everywhere: "
            "sign in again with the new address.",
            email=new_email,
        ),
        "success",
    )
    return redirect(url_for("auth.login"))
