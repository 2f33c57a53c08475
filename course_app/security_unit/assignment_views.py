"""Ending one of an official's assignments: a confirmation first, and an undo the same day."""

from __future__ import annotations

from datetime import date

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from course_app import audit
from course_app.extensions import db
from course_app.i18n import format_day
from course_app.models import Assignment, Body, Party, User
from course_app.models.base import utcnow
from course_app.security_unit import officials as services
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.labels import EXTENT_LABELS, ROLE_LABELS
from course_app.security_unit.officials_views import display_name
from course_app.security_unit.scoping import get_account_in_org, get_in_org
from course_app.training.periods import local_date


def _seat_of(user_id: int, assignment_id: int) -> tuple[User, Assignment]:
    """Return the official and their assignment; 404 unless both are the organisation's and
    the assignment is theirs, 403 for another security-unit account."""
    user = get_account_in_org(user_id)
    assignment = get_in_org(Assignment, assignment_id)
    if assignment.user_id != user.id:
        abort(404)
    return user, assignment


def _back(user: User):
    return redirect(url_for("security_unit.official", user_id=user.id))


@bp.route(
    "/officials/<int:user_id>/assignments/<int:assignment_id>/end",
    methods=["GET", "POST"],
    endpoint="end_assignment",
)
@unit_required
def end_assignment(user_id: int, assignment_id: int):
    """Ask, then end one of the official's running assignments today (Stockholm)."""
    user, assignment = _seat_of(user_id, assignment_id)
    today = local_date(utcnow())
    if not services.is_running(assignment, today):
        flash(_("That assignment had already ended, so nothing was changed."), "info")
        return _back(user)
    if request.method == "GET":
        return _confirm_page(user, assignment, today)
    previous = assignment.ends_on
    services.end_assignment(assignment, today)
    audit.record(
        "assignment.ended",
        user.organisation_id,
        subject_id=user.id,
        assignment=assignment.id,
        previous_end=previous.isoformat() if previous else None,
    )
    db.session.commit()
    flash(_("The assignment ends on %(date)s.", date=format_day(assignment.ends_on)), "success")
    return _back(user)


def _confirm_page(user: User, assignment: Assignment, today: date):
    body = db.session.get(Body, assignment.body_id) if assignment.body_id else None
    party = db.session.get(Party, assignment.party_id) if assignment.party_id else None
    return render_template(
        "security_unit/assignment_end.html",
        official=user,
        display_name=display_name(user),
        seat=assignment,
        body_name=body.name if body else None,
        party_name=party.name if party else None,
        role=ROLE_LABELS[assignment.role],
        extent=EXTENT_LABELS[assignment.extent],
        today=today,
    )


@bp.post(
    "/officials/<int:user_id>/assignments/<int:assignment_id>/undo-end",
    endpoint="undo_end_assignment",
)
@unit_required
def undo_end_assignment(user_id: int, assignment_id: int):
    """Take back the ending of an assignment made today by the unit: its old end returns."""
    user, assignment = _seat_of(user_id, assignment_id)
    ended = services.ended_today(user.id, local_date(utcnow())).get(assignment.id)
    if ended is None or assignment.ends_on != local_date(utcnow()):
        flash(_("Only an assignment ended here today can be taken back."), "error")
        return _back(user)
    services.reopen_assignment(assignment, ended)
    audit.record(
        "assignment.reopened", user.organisation_id, subject_id=user.id, assignment=assignment.id
    )
    db.session.commit()
    flash(_("The assignment runs again as before."), "success")
    return _back(user)
