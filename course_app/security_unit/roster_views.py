"""The roster import: upload a file, see every row's fate and say what the file holds, check
what will change, then confirm it, all or nothing; afterwards the same page shows the result."""

from __future__ import annotations

from flask import current_app, flash, redirect, render_template, request, url_for
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
from course_app.security_unit import roster_apply, roster_import, roster_summary
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.invitations import invite_new
from course_app.security_unit.labels import EXTENT_LABELS, ROLE_LABELS
from course_app.security_unit.roster_columns import HEADERS
from course_app.security_unit.roster_csv import ParsedRoster, parse_roster
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


def _upload_page(form: RosterUploadForm, status: int = 200):
    return render_template(
        "security_unit/roster_upload.html",
        form=form,
        imports=_recent_imports(),
        headers=HEADERS,
        max_kib=current_app.config["ROSTER_MAX_BYTES"] // 1024,
    ), status


@bp.get("/roster")
@unit_required
def roster():
    """Show the upload form and the latest imports."""
    return _upload_page(RosterUploadForm())


def _parse(content: bytes) -> ParsedRoster:
    config = current_app.config
    return parse_roster(content, config["ROSTER_MAX_BYTES"], config["MAIL_SMTPUTF8"])


@bp.post("/roster")
@unit_required
def upload_roster():
    """Read an uploaded roster; keep it for its preview only if nothing stops the import."""
    form = RosterUploadForm()
    if not form.validate_on_submit():
        return _upload_page(form, 400)
    content = form.roster.data.read(current_app.config["ROSTER_MAX_BYTES"] + 1)
    parsed = _parse(content)
    plan = roster_import.plan_import(parsed, current_user.organisation_id, _today())
    if not plan.ok:
        filename = form.roster.data.filename
        return _preview_page(None, parsed, plan, RosterConfirmForm(), filename, 400)
    upload = roster_apply.store_upload(
        current_user.organisation_id, current_user.id, form.roster.data.filename or "", content
    )
    db.session.commit()
    return redirect(url_for("security_unit.roster_preview", import_id=upload.id))


def _today():
    return local_date(utcnow())


def _plan_of(upload: RosterImport) -> tuple[ParsedRoster, roster_import.ImportPlan]:
    parsed = _parse(upload.content)
    return parsed, roster_import.plan_import(parsed, upload.organisation_id, _today())


def _preview_page(upload, parsed, plan, form, filename: str, status: int = 200, **extra):
    form.digest.data = plan.digest()
    form.end.choices = [SelectChoice(e.id, e.name) for e in plan.ends]
    if not form.is_submitted():
        form.language.data = current_lang()
    return render_template(
        "security_unit/roster_preview.html",
        upload=upload,
        parsed=parsed,
        plan=plan,
        form=form,
        filename=filename,
        summary=roster_summary.summary(plan.counts),
        source=roster_summary.source(parsed.encoding, parsed.delimiter, parsed.sheet),
        message_for=message_for,
        role_labels=ROLE_LABELS,
        extent_labels=EXTENT_LABELS,
        fate_labels=FATE_LABELS,
        change_labels=CHANGE_LABELS,
        **extra,
    ), status


def _choices_from_link(form: RosterConfirmForm, plan: roster_import.ImportPlan) -> None:
    """Preselect what the preview's "keep all" and "end all" links ask for; else end all."""
    if request.args.get("scope") in roster_summary.SCOPES:
        form.scope.data = request.args["scope"]
    keep_all = request.args.get("ends") == "none"
    form.end.data = [] if keep_all else [e.id for e in plan.ends]


@bp.get("/roster/<int:import_id>")
@unit_required
def roster_preview(import_id: int):
    """Show what the import would do, row by row, before anything is written; once it is
    imported, what it did."""
    upload = get_in_org(RosterImport, import_id)
    if upload.applied_at is not None:
        return _result_page(upload)
    parsed, plan = _plan_of(upload)
    form = RosterConfirmForm(formdata=None)
    _choices_from_link(form, plan)
    return _preview_page(upload, parsed, plan, form, upload.filename)


@bp.post("/roster/<int:import_id>")
@unit_required
def confirm_roster(import_id: int):
    """Show what the choices on the preview will do; once confirmed, write it all, once."""
    upload = get_in_org(RosterImport, import_id)
    if upload.applied_at is not None:  # its file is gone with the import
        flash(_("This file has already been imported."), "success")
        return redirect(url_for("security_unit.roster_preview", import_id=upload.id))
    parsed, plan = _plan_of(upload)
    form = RosterConfirmForm()
    form.end.choices = [SelectChoice(e.id, e.name) for e in plan.ends]  # to validate against
    if not form.validate_on_submit() or not plan.ok:
        return _preview_page(upload, parsed, plan, form, upload.filename, 400)
    if form.digest.data != plan.digest():
        return _preview_page(upload, parsed, plan, form, upload.filename, 409, changed=True)
    end_ids = set(form.end.data or []) if form.scope.data == roster_summary.WHOLE else set()
    if form.confirmed.data != "yes":
        return _confirm_page(upload, plan, form, end_ids)
    return _import(upload, plan, form, end_ids)


def _confirm_page(upload, plan, form: RosterConfirmForm, end_ids: set[int]):
    counts = roster_apply.result_counts(plan, end_ids)
    return render_template(
        "security_unit/roster_confirm.html",
        upload=upload,
        form=form,
        counts=counts,
        summary=roster_summary.summary(counts),
        ending=[e for e in plan.ends if e.id in end_ids],
        end_ids=sorted(end_ids),
        role_labels=ROLE_LABELS,
    )


def _import(upload: RosterImport, plan, form: RosterConfirmForm, end_ids: set[int]):
    """Write the plan, invite the new officials and record it, in one transaction."""
    counts = roster_apply.result_counts(plan, end_ids)
    if not roster_apply.claim_upload(upload, counts):
        db.session.rollback()
        flash(_("This file has already been imported."), "success")
        return redirect(url_for("security_unit.roster_preview", import_id=upload.id))
    created = roster_apply.apply_plan(
        plan, upload.organisation_id, end_ids, _today(), form.language.data
    )
    invite_new(created, current_user.organisation, form.language.data)
    audit.record(
        "roster.imported",
        upload.organisation_id,
        file=upload.filename,
        scope=form.scope.data,
        counts=counts,
    )
    db.session.commit()
    return redirect(url_for("security_unit.roster_preview", import_id=upload.id))


def _result_page(upload: RosterImport):
    return render_template(
        "security_unit/roster_result.html",
        upload=upload,
        summary=roster_summary.summary(upload.counts or {}),
    )
