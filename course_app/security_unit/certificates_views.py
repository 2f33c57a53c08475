"""The security unit checks a certificate's code: whose it is, for which period and modules."""

from __future__ import annotations

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select
from wtforms import SearchField
from wtforms.validators import Length

from course_app import audit
from course_app.certificates.service import normalise_code
from course_app.certificates.views import module_rows
from course_app.extensions import db, write_apart
from course_app.forms import Form
from course_app.models import Certificate
from course_app.security_unit.blueprint import bp, unit_required
from course_app.training.periods import period_label


class LookupForm(Form):
    class Meta:
        csrf = False

    code = SearchField(_l("Verification code"), validators=[Length(max=40)])


@bp.get("/certificates", endpoint="certificates")
@unit_required
def look_up_certificate():
    """Find a certificate of the organisation by its code (another organisation's: not found)."""
    form = LookupForm(formdata=request.args)
    typed = (form.code.data or "").strip()
    found = None
    if typed:
        code = normalise_code(typed)
        if code:
            found = db.session.scalar(
                select(Certificate).where(
                    Certificate.code == code,
                    Certificate.organisation_id == current_user.organisation_id,
                )
            )
        with write_apart():
            audit.record(
                "certificate.looked_up",
                current_user.organisation_id,
                subject_id=found.user_id if found else None,
                found=found is not None,
            )
    return render_template(
        "security_unit/certificates.html",
        form=form,
        typed=typed,
        certificate=found,
        period=period_label(found.election_year) if found else None,
        rows=module_rows(found) if found else [],
    )
