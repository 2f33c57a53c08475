"""The coverage report page, its print view and its downloads, for the security unit of one
organisation."""

from __future__ import annotations

from datetime import date

from flask import Response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import distinct, func, select
from wtforms import DateField, SelectField
from wtforms.validators import Optional

from course_app import audit
from course_app.extensions import db, write_apart
from course_app.forms import Form
from course_app.learn.services import current_catalog
from course_app.models import ReminderSent, Requirement
from course_app.models.base import utcnow
from course_app.security_unit import coverage_exports as exports
from course_app.security_unit import officials as services
from course_app.security_unit.blueprint import bp, unit_required
from course_app.security_unit.coverage import DIMENSIONS, ORDERS, Listing, coverage
from course_app.security_unit.coverage_chart import chart, curve_table
from course_app.security_unit.labels import EXTENT_LABELS, ROLE_LABELS
from course_app.security_unit.officials_forms import SeatFilterForm
from course_app.security_unit.requirements_views import audience_lines, module_titles
from course_app.training.periods import local_date, period_label, period_of

DIMENSION_HEADINGS = {
    "party": _l("By party"),
    "body": _l("By body"),
    "role": _l("By role"),
    "extent": _l("By extent"),
}
ORDER_LABELS = {
    "name": _l("By name"),
    "email": _l("By e-mail address"),
    "lacking": _l("Most modules missing first"),
}


class CoverageForm(Form):
    """Which period, and as of which day; read from the address (a GET form)."""

    class Meta:
        csrf = False

    period = SelectField(_l("Mandate period"), coerce=int, choices=[])
    as_of = DateField(_l("As of"), validators=[Optional()])


class ListForm(SeatFilterForm):
    """The filters and order of the list of those who have not completed, sent by GET."""

    order = SelectField(_l("Order"), choices=[], default="name")

    def set_choices(self, parties, bodies) -> None:
        super().set_choices(parties, bodies)
        self.order.choices = [(order, ORDER_LABELS[order]) for order in ORDERS]


def _periods(org_id: int) -> list[int]:
    stmt = (
        select(Requirement.election_year)
        .where(Requirement.organisation_id == org_id)
        .distinct()
        .order_by(Requirement.election_year.desc())
    )
    return list(db.session.scalars(stmt))


def default_period(years: list[int], today: date) -> int:
    """Return the period the report opens on: the mandate period of today (fullmäktige's term
    in force), else the latest earlier one with requirements, else the first to come."""
    current = period_of(today)
    earlier = [y for y in years if y <= current]
    return max(earlier) if earlier else min(years)


def _chosen() -> tuple[CoverageForm, int | None, date]:
    form = CoverageForm(formdata=request.args)
    years = _periods(current_user.organisation_id)
    form.period.choices = [(year, period_label(year)) for year in years]
    today = local_date(utcnow())
    valid = form.validate() if request.args else False
    year = form.period.data if valid and form.period.data in years else None
    if year is None and years:
        year = default_period(years, today)
        form.period.data = year
    as_of = form.as_of.data if valid and form.as_of.data else today
    form.as_of.data = as_of
    return form, year, as_of


def _label(dimension: str, group) -> str:
    if dimension == "role" and group.key is not None:
        return str(ROLE_LABELS[group.key])
    if dimension == "extent" and group.key is not None:
        return str(EXTENT_LABELS[group.key])
    return group.name or _("None given")


PER_PAGE = 100
# The list's own arguments, kept by its pages and by the exports; a page beyond the last shows
# the last one, and a huge number cannot overflow the offset.
SEAT_ARGS = ("party", "body", "role", "extent")
LIST_ARGS = (*SEAT_ARGS, "order")
MAX_PAGE = 100_000


def _list_form() -> ListForm:
    form = ListForm(formdata=request.args)
    org_id = current_user.organisation_id
    form.set_choices(
        db.session.execute(services.parties_stmt(org_id)).all(),
        db.session.execute(services.bodies_stmt(org_id)).all(),
    )
    form.validate()
    if form.order.errors or not form.order.data:
        form.order.data = "name"
    return form


def _page() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def _report(missing_limit: int | None):
    form, year, as_of = _chosen()
    list_form = _list_form()
    offset = (_page() - 1) * PER_PAGE if missing_limit else 0
    listing = Listing(list_form.seat_filters(), list_form.order.data, offset)
    order = [m.id for m in current_catalog().modules]
    org_id = current_user.organisation_id
    report = coverage(org_id, year, as_of, order, missing_limit, listing) if year else None
    return form, list_form, report


def _list_args() -> dict[str, str]:
    return {name: request.args[name] for name in LIST_ARGS if request.args.get(name)}


def _page_url(report, page: int) -> str:
    return url_for(
        "security_unit.coverage",
        period=report.election_year,
        as_of=report.as_of.isoformat(),
        **_list_args(),
        page=page,
        _anchor="not-completed",
    )


def _filter_lines(list_form: ListForm) -> list[str]:
    """Return "Party: name" and so on for each filter of the list that is chosen."""
    lines = []
    for field in (list_form[name] for name in SEAT_ARGS):
        if field.data and not field.errors:
            label = {choice.value: choice.label for choice in field.choices}[field.data]
            lines.append(f"{field.label.text}: {label}")
    return lines


def _on_record(report, export: str | None = None) -> None:
    """Put a view or an export of the report on record, in a short transaction of its own."""
    details = {"period": report.election_year, "as_of": report.as_of.isoformat()} if report else {}
    with write_apart():
        if export:
            audit.record("report.exported", current_user.organisation_id, format=export, **details)
        else:
            audit.record("report.viewed", current_user.organisation_id, **details)


def _reminders(report) -> list[tuple[str, int, object]]:
    """Return, per kind of reminder for the report's period, to how many officials it went out
    and when last."""
    if report is None:
        return []
    stmt = (
        select(
            ReminderSent.kind,
            func.count(distinct(ReminderSent.user_id)),
            func.max(ReminderSent.sent_at),
        )
        .where(
            ReminderSent.organisation_id == current_user.organisation_id,
            ReminderSent.election_year == report.election_year,
        )
        .group_by(ReminderSent.kind)
    )
    rows = db.session.execute(stmt).all()
    order = {"after": 10_000}
    return sorted(rows, key=lambda r: order.get(r[0], -int(r[0].split("-")[-1])))


def _reminder_label(kind: str) -> str:
    if kind == "after":
        return _("After the deadline")
    return _("%(days)s days before the deadline", days=kind.split("-")[-1])


def _render(template: str, form, list_form, report, by_month: bool = False):
    total = report.total if report else None
    last_page = max((report.missing_count + PER_PAGE - 1) // PER_PAGE, 1) if report else 1
    page = min(_page(), last_page)
    return render_template(
        template,
        form=form,
        report=report,
        chart=chart(report.curve, total.officials, report.deadline) if total else None,
        curve_rows=curve_table(report.curve, by_month) if report else ([], False),
        organisation=current_user.organisation,
        titles=module_titles(),
        dimensions=DIMENSIONS,
        headings=DIMENSION_HEADINGS,
        label=_label,
        period_label=period_label,
        audience_lines=audience_lines,
        list_form=list_form,
        list_args=_list_args(),
        filtered=bool(_filter_lines(list_form)),  # only filters that are choices count
        page=page,
        last_page=last_page,
        previous_url=_page_url(report, page - 1) if page > 1 else None,
        next_url=_page_url(report, page + 1) if page < last_page else None,
        reminders=_reminders(report),
        reminder_label=_reminder_label,
    )


@bp.get("/coverage", endpoint="coverage")
@unit_required
def show_coverage():
    """Show how many officials had done the required training by a day, and who had not."""
    form, list_form, report = _report(PER_PAGE)
    if report and report.missing_count and not report.missing:
        # A page beyond the end of the list (it has become shorter): its last page.
        last_page = (report.missing_count + PER_PAGE - 1) // PER_PAGE
        return redirect(_page_url(report, last_page))
    _on_record(report)
    return _render("security_unit/coverage.html", form, list_form, report)


@bp.get("/coverage/print", endpoint="coverage_print")
@unit_required
def print_coverage():
    """Show the report as a page to print for the board (A4): the summary and the curve."""
    form, list_form, report = _report(missing_limit=0)
    _on_record(report)
    return _render("security_unit/coverage_print.html", form, list_form, report, by_month=True)


def _tables(report, list_form):
    """Return the report's summary and list as the downloads hold them."""
    return exports.tables(report, module_titles(), _filter_lines(list_form), _label)


def _filename(report, extension: str) -> str:
    stamp = report.as_of.isoformat() if report else local_date(utcnow()).isoformat()
    return f"tackning-{stamp}.{extension}"


@bp.get("/coverage.xlsx", endpoint="coverage_xlsx")
@unit_required
def coverage_xlsx():
    """Download the report's summary and the list of who has not completed, as an XLSX file."""
    _form, list_form, report = _report(missing_limit=None)
    _on_record(report, "xlsx")
    has_rows = report is not None and report.total is not None
    empty = [exports.Table(_("Summary"), [], 0), exports.Table(_("Not completed"), [], 0)]
    return Response(
        exports.as_xlsx(_tables(report, list_form) if has_rows else empty),
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{_filename(report, "xlsx")}"'},
    )


@bp.get("/coverage.csv", endpoint="coverage_csv")
@unit_required
def coverage_csv():
    """Download the report's summary and the list of who has not completed, as CSV for Excel."""
    _form, list_form, report = _report(missing_limit=None)
    _on_record(report, "csv")
    has_rows = report is not None and report.total is not None
    return Response(
        exports.as_csv(_tables(report, list_form) if has_rows else []),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{_filename(report, "csv")}"'},
    )
