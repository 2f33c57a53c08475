"""The organisation's officials: the list, each official's page, and what the unit may change."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from course_app import audit
from course_app.account.data import retention
from course_app.auth import email_change
from course_app.extensions import db
from course_app.i18n import current_lang
from course_app.learn.services import current_catalog
from course_app.models import User
from course_app.models.base import utcnow
from course_app.security_unit import officials as services
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.invitations import invite
from course_app.security_unit.labels import EXTENT_LABELS, ROLE_LABELS
from course_app.security_unit.officials_forms import (
    LANGUAGES,
    DeactivateForm,
    OfficialsFilterForm,
)
from course_app.security_unit.scoping import get_account_in_org, get_in_org, is_colleague
from course_app.training import load, rule
from course_app.training.periods import local_date

PER_PAGE = 50
FILTER_ARGS = ("q", "party", "body", "role", "extent", "status")
MAX_QUERY = 200


def _today():
    return local_date(utcnow())


def display_name(user: User) -> str:
    """Return the name the unit's pages give the account."""
    if user.deleted_at:
        return user.name or _("Deleted account")
    return user.name or user.email


def _page_url(page: int) -> str:
    kept = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    return url_for("security_unit.officials", **kept, page=page)


@bp.get("/officials", endpoint="officials")
@unit_required
def list_officials():
    """List the organisation's officials, searched, filtered and 50 to a page."""
    org_id, today = current_user.organisation_id, _today()
    form = OfficialsFilterForm(formdata=request.args)
    form.set_choices(
        db.session.execute(services.parties_stmt(org_id)).all(),
        db.session.execute(services.bodies_stmt(org_id)).all(),
    )
    form.validate()
    stmt = services.officials_stmt(org_id, form.filters(MAX_QUERY), today)
    total = db.session.scalar(services.count_stmt(stmt))
    last_page = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    # A page past the end shows the last one (and a huge number cannot overflow the offset).
    page = min(max(request.args.get("page", 1, type=int), 1), last_page)
    rows = db.session.execute(services.page_stmt(stmt, page, PER_PAGE)).all()
    return render_template(
        "security_unit/officials.html",
        form=form,
        officials=services.official_rows(rows, today),
        total=total,
        page=page,
        last_page=last_page,
        previous_url=_page_url(page - 1) if page > 1 else None,
        next_url=_page_url(page + 1) if page < last_page else None,
        filtered=any(request.args.get(name) for name in FILTER_ARGS),
    )


def _module_titles() -> dict[str, str]:
    lang = current_lang()
    return {module.id: module.text(lang).title for module in current_catalog().modules}


def _official_page(user: User, deactivate_form: DeactivateForm | None = None, status: int = 200):
    today = _today()
    assignments = db.session.execute(services.assignments_stmt(user.id, user.organisation_id))
    rules, seats = load.rules_and_seats(user.id, user.organisation_id)
    required = rule.required_of(rules, seats, today)
    deactivate_form = deactivate_form or DeactivateForm()
    return render_template(
        "security_unit/official.html",
        official=user,
        retention=retention(),
        display_name=display_name(user),
        language=LANGUAGES.get(user.locale or ""),
        assignments=assignments.all(),
        is_running=services.is_running,
        undoable=services.ended_today(user.id, today),
        today=today,
        modules=services.module_statuses(user.id, required),
        coming=rule.coming_of(rules, seats, today),
        titles=_module_titles(),
        role_labels=ROLE_LABELS,
        extent_labels=EXTENT_LABELS,
        deactivate_form=deactivate_form,
        is_self=user.id == current_user.id,
        colleague=is_colleague(user),
        new_email=email_change.pending(user.id),
        title_error=deactivate_form.errors,
    ), status


@bp.get("/officials/<int:user_id>", endpoint="official")
@unit_required
def show_official(user_id: int):
    """Show an official's details, assignments and required training (never notes or answers)."""
    return _official_page(get_in_org(User, user_id))


def refuse_deleted(user: User):
    """Refuse to change an account its owner deleted: it is kept only as evidence of training."""
    flash(
        _("The official deleted this account. It is kept as evidence and cannot be changed."),
        "error",
    )
    return redirect(url_for("security_unit.official", user_id=user.id))


@bp.post("/officials/<int:user_id>/invite", endpoint="invite_official")
@unit_required
def invite_official(user_id: int):
    """Send an official who has never signed in a new invitation; earlier ones stop working.

    Someone who has signed in asks for a sign-in link themselves: an invitation would sign in
    whoever reads the address, and the account holds its owner's notes by now.
    """
    user = get_account_in_org(user_id)
    if user.deleted_at:
        return refuse_deleted(user)
    if not user.active:
        flash(_("Reactivate the account before you send an invitation."), "error")
        return redirect(url_for("security_unit.official", user_id=user.id))
    if user.last_signed_in_at is not None:
        flash(_("No invitation was sent: this official has signed in before."), "error")
        return redirect(url_for("security_unit.official", user_id=user.id))
    invite(user, current_user.organisation)
    audit.record("official.invited", user.organisation_id, subject_id=user.id)
    db.session.commit()
    flash(_("An invitation has been sent to %(email)s.", email=user.email), "success")
    return redirect(url_for("security_unit.official", user_id=user.id))


@bp.post("/officials/<int:user_id>/deactivate", endpoint="deactivate_official")
@unit_required
def deactivate_official(user_id: int):
    """Deactivate the account once confirmed: sign the official out everywhere, keep history."""
    user = get_account_in_org(user_id)
    if user.id == current_user.id:
        flash(_("You cannot deactivate your own account."), "error")
        return redirect(url_for("security_unit.official", user_id=user.id))
    form = DeactivateForm()
    if not form.validate_on_submit():
        return _official_page(user, form, 400)
    if user.active:
        services.deactivate(user)
        audit.record("official.deactivated", user.organisation_id, subject_id=user.id)
        db.session.commit()
    flash(
        _(
            "The account of %(name)s has been deactivated and signed out everywhere. "
            "Their training history is kept.",
            name=display_name(user),
        ),
        "success",
    )
    return redirect(url_for("security_unit.official", user_id=user.id))


@bp.post("/officials/<int:user_id>/reactivate", endpoint="reactivate_official")
@unit_required
def reactivate_official(user_id: int):
    """Let a deactivated account be used again."""
    user = get_account_in_org(user_id)
    if user.deleted_at:
        return refuse_deleted(user)
    if not user.active:
        services.reactivate(user)
        audit.record("official.reactivated", user.organisation_id, subject_id=user.id)
        db.session.commit()
    if user.last_signed_in_at is None:
        message = _(
            "The account of %(name)s can be used again. "
            "Send an invitation so that they can sign in.",
            name=display_name(user),
        )
    else:
        message = _(
            "The account of %(name)s can be used again. "
            "They sign in with a link they ask for on the sign-in page.",
            name=display_name(user),
        )
    flash(message, "success")
    return redirect(url_for("security_unit.official", user_id=user.id))
