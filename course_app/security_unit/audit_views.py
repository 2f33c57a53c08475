"""The security unit reads its organisation's audit log: filtered by action, person and days."""

from __future__ import annotations

from datetime import timedelta

from flask import current_app, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import func, or_, select
from sqlalchemy.orm import aliased
from wtforms import DateField, SearchField, SelectChoice, SelectField
from wtforms.validators import Length, Optional

from course_app.audit import ACTIONS, describe
from course_app.extensions import db
from course_app.forms import Form
from course_app.models import AuditRecord, User
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.officials import escape_like
from course_app.training.periods import start_of_day_utc

PER_PAGE = 50
FILTER_ARGS = ("action", "person", "since", "until")


class AuditFilterForm(Form):
    """The log's filters, sent by GET."""

    class Meta:
        csrf = False

    action = SelectField(_l("What"), choices=[], default="")
    person = SearchField(_l("Who (name or e-mail address)"), validators=[Length(max=254)])
    since = DateField(_l("From"), validators=[Optional()])
    until = DateField(_l("To"), validators=[Optional()])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.action.choices = [
            SelectChoice("", _l("Everything")),
            *(SelectChoice(code, label) for code, label in ACTIONS.items()),
        ]


def _filtered(form: AuditFilterForm, actor, subject):
    """Return the conditions for the organisation's records that the valid filters ask for."""
    conditions = [AuditRecord.organisation_id == current_user.organisation_id]
    if form.action.data and not form.action.errors:
        conditions.append(AuditRecord.action == form.action.data)
    person = (form.person.data or "").strip()
    if person and not form.person.errors:
        pattern = f"%{escape_like(person)}%"
        columns = (actor.name, actor.email, subject.name, subject.email)
        conditions.append(or_(*(column.ilike(pattern, escape="\\") for column in columns)))
    if form.since.data and not form.since.errors:
        conditions.append(AuditRecord.at >= start_of_day_utc(form.since.data))
    if form.until.data and not form.until.errors:
        conditions.append(AuditRecord.at < start_of_day_utc(form.until.data + timedelta(days=1)))
    return conditions


def _page_url(page: int) -> str:
    kept = {name: request.args[name] for name in FILTER_ARGS if request.args.get(name)}
    return url_for("security_unit.audit_log", **kept, page=page)


@bp.get("/audit-log", endpoint="audit_log")
@unit_required
def audit_log():
    """Show the organisation's audit records, newest first, 50 to a page."""
    form = AuditFilterForm(formdata=request.args)
    form.validate()
    actor, subject = aliased(User), aliased(User)
    conditions = _filtered(form, actor, subject)
    joined = (
        select(AuditRecord.id)
        .outerjoin(actor, actor.id == AuditRecord.actor_id)
        .outerjoin(subject, subject.id == AuditRecord.subject_id)
        .where(*conditions)
    )
    total = db.session.scalar(select(func.count()).select_from(joined.subquery()))
    last_page = max((total + PER_PAGE - 1) // PER_PAGE, 1)
    page = min(max(request.args.get("page", 1, type=int), 1), last_page)
    rows = db.session.execute(
        select(AuditRecord, actor.name, actor.email, subject.id, subject.name, subject.email)
        .outerjoin(actor, actor.id == AuditRecord.actor_id)
        .outerjoin(subject, subject.id == AuditRecord.subject_id)
        .where(*conditions)
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc())
        .limit(PER_PAGE)
        .offset((page - 1) * PER_PAGE)
    ).all()
    return render_template(
        "security_unit/audit_log.html",
        form=form,
        rows=rows,
        actions=ACTIONS,
        describe=describe,
        total=total,
        page=page,
        last_page=last_page,
        previous_url=_page_url(page - 1) if page > 1 else None,
        next_url=_page_url(page + 1) if page < last_page else None,
        filtered=any(request.args.get(name) for name in FILTER_ARGS),
        retention_days=current_app.config["AUDIT_RETENTION_DAYS"],
    )
