"""The roster import: upload a CSV file, see every row's fate, then confirm it, all or nothing."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from course_app import audit
from course_app.extensions import db
from course_app.i18n import current_lang
from course_app.models import RosterImport
from course_app.models.base import utcnow
from course_app.security_unit import roster_import
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.invitations import invite
from course_app.security_unit.labels import EXTENT_LABELS, ROLE_LABELS
from course_app.security_unit.roster_csv import parse_roster
from course_app.security_unit.roster_forms import RosterConfirmForm, RosterUploadForm
from course_app.security_unit.roster_messages import message_for
from course_app.security_unit.scoping import get_in_org
from course_app.training.periods import local_date

RECENT_IMPORTS = 10
FATE_LABELS = {
    roster_import.NEW_OFFICIAL: _l("New official"),
    roster_import.NEW_ASSIGNMENT: _l("New assignment"),
    roster_import.CHANGED: _l("Changed"),
    roster_import.UNCHANGED: _l("Unchanged"),
}
CHANGE_LABELS = {
    "name": _l("name"),
    "party": _l("party"),
    "extent": _l("extent"),
    "starts_on": _l("start date"),
    "ends_on": _l("end date"),
}


def _recent_imports() -> list[RosterImport]:
    stmt = (
        select(RosterImport)
        .where(
            RosterImport.organisation_id == current_user.organisation_id,
            RosterImport.applied_at.is_not(None),
        )
        .order_by(RosterImport.applied_at.desc())
        .limit(RECENT_IMPORTS)
    )
    return list(db.session.scalars(stmt))


def _upload_page(form: RosterUploadForm, status: int = 200, problems=()):
    return render_template(
        "security_unit/roster_upload.html",
        form=form,
        problems=problems,
        message_for=message_for,
        imports=_recent_imports(),
        max_kib=current_app.config["ROSTER_MAX_BYTES"] // 1024,
    ), status


@bp.get("/roster")
@unit_required
def roster():
    """Show the upload form and the latest imports."""
    return _upload_page(RosterUploadForm())


@bp.post("/roster")
@unit_required
def upload_roster():
    """Read an uploaded roster; keep it for its preview only if nothing stops the import."""
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, 400)
    limit = current_app.config["ROSTER_MAX_BYTES"]
    content = form.roster.data.read(limit + 1)
    parsed = parse_roster(content, limit)
    plan = roster_import.plan_import(parsed, current_user.organisation_id, _today())
    if not plan.ok:
        return _preview_page(None, plan, RosterConfirmForm(), form.roster.data.filename, 400)
    upload = roster_import.store_upload(
        current_user.organisation_id, current_user.id, form.roster.data.filename or "", content
    )
    db.session.commit()
    return redirect(url_for("security_unit.roster_preview", import_id=upload.id))


def _today():
    return local_date(utcnow())


def _plan_of(upload: RosterImport) -> roster_import.ImportPlan:
    parsed = parse_roster(upload.content, current_app.config["ROSTER_MAX_BYTES"])
    return roster_import.plan_import(parsed, upload.organisation_id, _today())


def _preview_page(upload, plan, form: RosterConfirmForm, filename: str, status: int = 200, **extra):
    form.digest.data = plan.digest()
    form.end.choices = [SelectChoice(e.id, e.name) for e in plan.ends]
    if not form.is_submitted():
        form.end.data = [e.id for e in plan.ends]
        form.language.data = current_lang()
    return render_template(
        "security_unit/roster_preview.html",
        upload=upload,
        plan=plan,
        form=form,
        filename=filename,
        message_for=message_for,
        role_labels=ROLE_LABELS,
        extent_labels=EXTENT_LABELS,
        fate_labels=FATE_LABELS,
        change_labels=CHANGE_LABELS,
        **extra,
    ), status


@bp.get("/roster/<int:import_id>")
@unit_required
def roster_preview(import_id: int):
    """Show what the import would do, row by row, before anything is written."""
    upload = get_in_org(RosterImport, import_id)
    if upload.applied_at is not None:
        flash(_("This file has already been imported."), "success")
        return redirect(url_for("security_unit.roster"))
    return _preview_page(upload, _plan_of(upload), RosterConfirmForm(), upload.filename)


@bp.post("/roster/<int:import_id>")
@unit_required
def confirm_roster(import_id: int):
    """Write the previewed import, all of it or none, once."""
    upload = get_in_org(RosterImport, import_id)
    if upload.applied_at is not None:  # its file is gone with the import
        flash(_("This file has already been imported."), "success")
        return redirect(url_for("security_unit.roster"))
    plan = _plan_of(upload)
    form = RosterConfirmForm()
    form.end.choices = [SelectChoice(e.id, e.name) for e in plan.ends]  # to validate against
    if not form.validate_on_submit() or not plan.ok:
        return _preview_page(upload, plan, form, upload.filename, 400)
    if form.digest.data != plan.digest():
        return _preview_page(upload, plan, form, upload.filename, 409, changed=True)
    ended = {e.id for e in plan.ends}
    keep = ended - set(form.end.data or [])
    if not roster_import.claim_upload(upload, {**plan.counts, "ended": len(ended - keep)}):
        db.session.rollback()
        flash(_("This file has already been imported."), "success")
        return redirect(url_for("security_unit.roster"))
    created = roster_import.apply_plan(
        plan, upload.organisation_id, keep, _today(), form.language.data
    )
    for user in created:
        invite(user, current_user.organisation, form.language.data)
    audit.record(
        "roster.imported",
        upload.organisation_id,
        file=upload.filename,
        counts={**plan.counts, "ended": len(ended - keep)},
    )
    db.session.commit()
    flash(_import_summary(plan, len(ended - keep)), "success")
    return redirect(url_for("security_unit.roster"))


def _import_summary(plan: roster_import.ImportPlan, ended: int) -> str:
    counts = plan.counts
    return _(
        "The roster has been imported: %(new)d new officials (invited by e-mail), %(assignments)d"
        " new assignments, %(changed)d changed, %(unchanged)d unchanged, %(ended)d ended.",
        new=counts["new_official"],
        assignments=counts["new_official"] + counts["new_assignment"],
        changed=counts["changed"],
        unchanged=counts["unchanged"],
        ended=ended,
    )
