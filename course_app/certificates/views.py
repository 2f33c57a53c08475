"""An official's certificates: a page that prints well, and the same as a PDF."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, Response, abort, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from course_app.certificates import service
from course_app.certificates.pdf import render_pdf
from course_app.extensions import db
from course_app.i18n import format_day
from course_app.learn.services import current_catalog, current_lang
from course_app.models import Certificate
from course_app.training.periods import local_date, period_label

bp = Blueprint("certificates", __name__, template_folder="templates")


def module_rows(certificate: Certificate) -> list[tuple[str, str, str]]:
    """Return (title, completed on, content version) per module, in the current language."""
    catalog, lang = current_catalog(), current_lang()
    rows = []
    for entry in certificate.modules:
        module = catalog.module(entry["id"])
        title = module.text(lang).title if module else entry["id"]
        day = local_date(datetime.fromisoformat(entry["completed_at"]))
        rows.append((title, format_day(day), entry["version"]))
    return rows


def _mine(year: int) -> Certificate:
    """Return the signed-in official's certificate for the period, issued now if due; else 404."""
    certificate = service.issued(current_user.id).get(year)
    if certificate is None:
        completed = service.completed_periods(current_user).get(year)
        if completed is None:
            abort(404)
        certificate = service.issue(current_user, completed)
        db.session.commit()
    return certificate


def texts(certificate: Certificate, organisation: str) -> dict:
    """Return the certificate's texts in the current language (for the PDF)."""
    return {
        "title": _("Certificate of training against threats, hate and violence"),
        "name": certificate.name,
        "statement": _(
            "has completed every training module that %(organisation)s requires of them for "
            "the mandate period %(period)s.",
            organisation=organisation,
            period=period_label(certificate.election_year),
        ),
        "organisation": organisation,
        "headings": (_("Module"), _("Completed on"), _("Content version")),
        "modules": module_rows(certificate),
        "issued": _("Issued on %(date)s.", date=format_day(local_date(certificate.issued_at))),
        "code_label": _("Verification code:"),
        "code": certificate.code,
        "verify": _(
            "The security unit of %(organisation)s can confirm this certificate with the code.",
            organisation=organisation,
        ),
    }


@bp.get("/certificates/<int:year>")
@login_required
def certificate(year: int):
    """Show the certificate for a period as a page (it prints on one A4 sheet)."""
    found = _mine(year)
    return render_template(
        "certificates/certificate.html",
        certificate=found,
        period=period_label(found.election_year),
        rows=module_rows(found),
        pdf_url=url_for("certificates.certificate_pdf", year=year),
    )


@bp.get("/certificates/<int:year>.pdf")
@login_required
def certificate_pdf(year: int):
    """Download the certificate for a period as a PDF."""
    found = _mine(year)
    pdf = render_pdf(texts(found, current_user.organisation.name), current_lang())
    filename = f"intyg-{found.election_year}-{found.election_year + 4}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
