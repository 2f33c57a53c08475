"""An official's certificates: a page that prints well, and the same as a PDF."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import NamedTuple

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from course_app.certificates import service
from course_app.certificates.pdf import MissingGlyphs, render_pdf
from course_app.extensions import write_apart
from course_app.i18n import format_day
from course_app.learn.services import current_catalog, current_lang
from course_app.models import Certificate
from course_app.training.periods import local_date, period_label

bp = Blueprint("certificates", __name__, template_folder="templates")
log = logging.getLogger(__name__)


class ModuleRow(NamedTuple):
    """A module on a certificate: title, completed on, content version and its exact id."""

    title: str
    completed: str
    version: str
    record: str


def module_rows(certificate: Certificate) -> list[ModuleRow]:
    """Return the certificate's modules in the current language.

    A content version is a hash of the module's files, with no date of its own: the one a
    module was completed with is shown as the version of that day, its hash kept as its id.
    """
    catalog, lang = current_catalog(), current_lang()
    rows = []
    for entry in certificate.modules:
        module = catalog.module(entry["id"])
        title = module.text(lang).title if module else entry["id"]
        day = format_day(local_date(datetime.fromisoformat(entry["completed_at"])))
        rows.append(ModuleRow(title, day, _("version of %(date)s", date=day), entry["version"]))
    return rows


def _mine(year: int) -> Certificate:
    """Return the signed-in official's certificate for the period, issued now if due; else 404."""
    certificate = service.issued(current_user.id).get(year)
    if certificate is None:
        completed = service.completed_periods(current_user).get(year)
        if completed is None:
            abort(404)
        with write_apart():
            certificate = service.issue(current_user, completed)
    return certificate


def _context(certificate: Certificate) -> dict:
    """Return what the certificate's templates show, in the current language."""
    return {
        "certificate": certificate,
        "organisation": current_user.organisation.name,
        "period": period_label(certificate.election_year),
        "rows": module_rows(certificate),
    }


def _no_font_message(characters: str) -> str:
    """Return why the PDF was not made, naming each character that no font has."""
    named = ", ".join(f"{ch} (U+{ord(ch):04X})" for ch in characters)
    return ngettext(
        "The PDF could not be made: no font on the server has the character %(characters)s. "
        "Your certificate is shown here in full: print it, or save it as a PDF from the "
        "browser.",
        "The PDF could not be made: no font on the server has the characters %(characters)s. "
        "Your certificate is shown here in full: print it, or save it as a PDF from the "
        "browser.",
        len(characters),
        characters=named,
    )


@bp.get("/certificates/<int:year>")
@login_required
def certificate(year: int):
    """Show the certificate for a period as a page (it prints on one A4 sheet)."""
    found = _mine(year)
    return render_template(
        "certificates/certificate.html",
        pdf_url=url_for("certificates.certificate_pdf", year=year),
        **_context(found),
    )


@bp.get("/certificates/<int:year>.pdf")
@login_required
def certificate_pdf(year: int):
    """Download the certificate for a period as a PDF (its page instead, if a font is missing)."""
    found = _mine(year)
    document = render_template("certificates/document.html", **_context(found))
    try:
        pdf = render_pdf(
            document, request.url_root, url_for("static", filename=""), current_app.static_folder
        )
    except MissingGlyphs as missing:
        log.warning("certificate PDF not made: no installed font has %s", missing)
        flash(_no_font_message(missing.characters), "error")
        return redirect(url_for("certificates.certificate", year=year))
    filename = f"intyg-{found.election_year}-{found.election_year + 4}.pdf"
    return Response(
        pdf,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )
