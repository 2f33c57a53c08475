"""The security unit's requirements: which modules, for whom, by when, for each mandate period."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from course_app import audit
from course_app.extensions import db
from course_app.i18n import current_lang
from course_app.learn.services import current_catalog
from course_app.models import Audience, Requirement
from course_app.models.base import utcnow
from course_app.security_unit import requirements
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.labels import EXTENT_LABELS, ROLE_LABELS
from course_app.security_unit.requirements import suggested_dates
from course_app.security_unit.requirements_forms import AUDIENCE_LABELS, RequirementForm
from course_app.security_unit.scoping import get_in_org
from course_app.training.periods import default_deadline, local_date, period_label
from course_app.training.rule import Rule

# The name of the button that asks for the chosen period's suggested dates.
SUGGEST = "suggest"


def _today():
    return local_date(utcnow())


def module_titles() -> dict[str, str]:
    """Return the course's module titles in the current language, by module id, in order."""
    lang = current_lang()
    return {module.id: module.text(lang).title for module in current_catalog().modules}


def audience_lines(requirement: Requirement | Rule) -> list[str]:
    """Return for whom the requirement is, in words, one line per kind of choice."""
    if requirement.audience != Audience.SELECTED:
        return [str(AUDIENCE_LABELS[requirement.audience])]
    lines = []
    if requirement.roles:
        roles = ", ".join(str(label) for r, label in ROLE_LABELS.items() if r in requirement.roles)
        lines.append(_("Roles: %(roles)s", roles=roles))
    if requirement.extents:
        extents = ", ".join(
            str(label) for e, label in EXTENT_LABELS.items() if e in requirement.extents
        )
        lines.append(_("Extents: %(extents)s", extents=extents))
    return lines


@bp.get("/requirements", endpoint="requirements")
@unit_required
def list_requirements():
    """Show the organisation's requirements, grouped by period, newest period first."""
    rows = list(db.session.scalars(requirements.requirements_of(current_user.organisation_id)))
    return render_template(
        "security_unit/requirements.html",
        periods=requirements.by_period(rows),
        titles=module_titles(),
        audience_lines=audience_lines,
        period_label=period_label,
    )


def _prepare(form: RequirementForm, keep_year: int | None = None) -> RequirementForm:
    years = requirements.period_choices(_today(), keep_year)
    form.election_year.choices = [SelectChoice(year, period_label(year)) for year in years]
    form.module_ids.choices = [SelectChoice(i, title) for i, title in module_titles().items()]
    return form


def _render(form: RequirementForm, requirement: Requirement | None, status: int = 200, **extra):
    chosen = form.election_year.data
    choosable = {choice.value for choice in form.election_year.choices}
    suggested = chosen if chosen in choosable else requirements.suggested_period(_today())
    years = sorted(choosable)
    dates = {y: [d.isoformat() for d in pair] for y, pair in suggested_dates(years).items()}
    return render_template(
        "security_unit/requirement_form.html",
        form=form,
        requirement=requirement,
        example_period=period_label(suggested),
        example_deadline=default_deadline(suggested),
        suggested_dates=dates,
        deletable=requirement is not None and not requirements.has_counted(requirement),
        **extra,
    ), status


def _suggest(form: RequirementForm, requirement: Requirement | None):
    """Show the form again with the chosen period's suggested dates, keeping what was typed."""
    year = form.election_year.data
    if year in {choice.value for choice in form.election_year.choices}:
        form.counts_from.data, form.deadline.data = suggested_dates([year])[year]
        form.counts_from.raw_data = form.deadline.raw_data = None  # shown instead of .data
    return _render(form, requirement)


def _values(form: RequirementForm) -> requirements.RequirementValues:
    return requirements.RequirementValues(
        election_year=form.election_year.data,
        module_ids=form.module_ids.data,
        audience=Audience(form.audience.data),
        roles=form.roles.data or [],
        extents=form.extents.data or [],
        deadline=form.deadline.data,
        counts_from=form.counts_from.data,
    )


def _saved():
    db.session.commit()
    flash(_("The requirement has been saved."), "success")
    return redirect(url_for("security_unit.requirements"))


@bp.route("/requirements/new", methods=["GET", "POST"])
@unit_required
def new_requirement():
    """Let the security unit require modules of some officials for a period."""
    if request.method == "GET":
        defaults = requirements.default_values(requirements.suggested_period(_today()))
        return _render(_prepare(RequirementForm(data=defaults)), None)
    form = _prepare(RequirementForm())
    if SUGGEST in request.form:
        return _suggest(form, None)
    if not form.validate_on_submit():
        return _render(form, None, 400)
    org, user = current_user.organisation_id, current_user.id
    values = _values(form)
    requirements.create_requirement(org, user, values)
    audit.record("requirement.created", org, period=values.election_year)
    return _saved()


@bp.route("/requirements/<int:requirement_id>", methods=["GET", "POST"])
@unit_required
def edit_requirement(requirement_id: int):
    """Let the security unit change a requirement; stored completions stay as they are."""
    requirement = get_in_org(Requirement, requirement_id)
    if request.method == "GET":
        form = RequirementForm(obj=requirement)
        form.audience.data = requirement.audience.value
        return _render(_prepare(form, requirement.election_year), requirement)
    form = _prepare(RequirementForm(), requirement.election_year)
    if SUGGEST in request.form:
        return _suggest(form, requirement)
    if not form.validate_on_submit():
        return _render(form, requirement, 400)
    requirements.update_requirement(requirement, current_user.id, _values(form))
    audit.record(
        "requirement.changed", requirement.organisation_id, period=requirement.election_year
    )
    return _saved()


@bp.route("/requirements/<int:requirement_id>/delete", methods=["GET", "POST"])
@unit_required
def delete_requirement(requirement_id: int):
    """Ask, then delete a requirement that has counted no one's training."""
    requirement = get_in_org(Requirement, requirement_id)
    if requirements.has_counted(requirement):
        flash(
            _("This requirement has counted completions, so it is kept. Change it instead."),
            "error",
        )
        return redirect(url_for("security_unit.edit_requirement", requirement_id=requirement.id))
    if request.method == "GET":
        return render_template(
            "security_unit/requirement_delete.html",
            requirement=requirement,
            titles=module_titles(),
            audience_lines=audience_lines,
        )
    org, year = requirement.organisation_id, requirement.election_year
    requirements.delete_requirement(requirement)
    audit.record("requirement.deleted", org, period=year)
    db.session.commit()
    flash(_("The requirement has been deleted."), "success")
    return redirect(url_for("security_unit.requirements"))


FORM_ENDPOINTS = ("security_unit.new_requirement", "security_unit.edit_requirement")


def stale_form():
    """Show a requirement form whose CSRF token expired again, with what was typed (400).

    For the area's CSRFError handler, when request.endpoint is in FORM_ENDPOINTS and the user
    is the security unit; raises NotFound (404) for another organisation's requirement.
    """
    requirement_id = (request.view_args or {}).get("requirement_id")
    requirement = get_in_org(Requirement, requirement_id) if requirement_id else None
    keep = requirement.election_year if requirement else None
    form = _prepare(RequirementForm(formdata=request.form), keep)
    return _render(form, requirement, 400, stale=True)
