"""Certificates: issued once per completed period, as a page and a PDF, verified by code."""

from __future__ import annotations

import io
import re
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from course_app.certificates import service
from course_app.extensions import db
from course_app.models import AuditRecord, Certificate, ModuleCompletion, Permission, User

CODE = re.compile(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}")


@pytest.fixture
def official(app, create_user, create_assignment, create_requirement):
    """An official of a fullmäktige with the 2022 and 2026 periods' requirements."""
    user = create_user()
    with app.app_context():
        db.session.get(User, user.id).name = "Åsa Öberg-Łukasiewicz"
        db.session.commit()
    create_assignment(user, starts_on=date(2018, 10, 15))
    create_requirement(
        user.organisation_id, ["organisation", "om-nagot-hander"], 2022,
        date(2022, 1, 1), date(2023, 4, 13),
    )  # fmt: skip
    create_requirement(
        user.organisation_id, ["organisation"], 2026, date(2026, 1, 1), date(2027, 4, 13)
    )
    return user


def complete(app, user, module_id: str, at: datetime, counts_from: date, version="v1") -> None:
    with app.app_context():
        db.session.add(
            ModuleCompletion(
                user_id=user.id, module_id=module_id, module_version=version,
                counts_from=counts_from, completed_at=at,
            )
        )  # fmt: skip
        db.session.commit()


@pytest.fixture
def signed_in(app, official, login_as):
    client = app.test_client()
    login_as(client, official)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_no_certificate_until_every_required_module_is_complete(app, official, signed_in):
    complete(app, official, "organisation", datetime(2022, 3, 1, tzinfo=UTC), date(2022, 1, 1))
    assert "Certificate for the mandate period" not in signed_in.get("/my-training").get_data(
        as_text=True
    )
    assert signed_in.get("/certificates/2022").status_code == 404
    assert signed_in.get("/certificates/2022.pdf").status_code == 404
    # Before the period's counts-from date, a completion does not count for it.
    complete(app, official, "organisation", datetime(2025, 12, 1, tzinfo=UTC), date(2026, 1, 1))
    assert signed_in.get("/certificates/2026").status_code == 404
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 0


def test_a_completed_period_gives_a_certificate_page_and_pdf(app, official, signed_in):
    complete(app, official, "organisation", datetime(2022, 3, 1, 9, tzinfo=UTC), date(2022, 1, 1))
    complete(
        app, official, "om-nagot-hander", datetime(2022, 5, 2, tzinfo=UTC), date(2022, 1, 1), "v7"
    )
    training = signed_in.get("/my-training").get_data(as_text=True)
    assert "Certificate for the mandate period 2022–2026" in training
    page = signed_in.get("/certificates/2022").get_data(as_text=True)
    [code] = set(CODE.findall(page))
    assert "Åsa Öberg-Łukasiewicz" in page and "1 March 2022" in page
    # The content version as the version of the day it was completed, its id kept for the record.
    assert "version of 2 May 2022</td>" in page and '<td class="certificate-record">v7</td>' in page
    assert "2022–2026" in page

    response = signed_in.get("/certificates/2022.pdf")
    assert response.mimetype == "application/pdf"
    assert 'filename="intyg-2022-2026.pdf"' in response.headers["Content-Disposition"]
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(response.data)).pages)
    assert code in text
    assert "Åsa Öberg-Łukasiewicz" in text
    assert "Om något händer" in text or "If something happens" in text
    assert "If something happens 2 May 2022 version of 2 May 2022 v7" in " ".join(text.split())

    # Issued once: the same code every time, also in Swedish.
    again = signed_in.get("/certificates/2022", headers={"Accept-Language": "sv"})
    assert set(CODE.findall(again.get_data(as_text=True))) == {code}
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Certificate)) == 1


def test_a_new_period_gives_a_new_certificate_and_the_earlier_one_stays(app, official, signed_in):
    complete(app, official, "organisation", datetime(2022, 3, 1, tzinfo=UTC), date(2022, 1, 1))
    complete(app, official, "om-nagot-hander", datetime(2022, 5, 2, tzinfo=UTC), date(2022, 1, 1))
    first = set(CODE.findall(signed_in.get("/certificates/2022").get_data(as_text=True)))
    complete(
        app, official, "organisation", datetime(2026, 2, 1, tzinfo=UTC), date(2026, 1, 1), "v2"
    )
    second = set(CODE.findall(signed_in.get("/certificates/2026").get_data(as_text=True)))
    assert first and second and first != second
    training = signed_in.get("/my-training").get_data(as_text=True)
    assert "2026–2030" in training and "2022–2026" in training
    assert set(CODE.findall(signed_in.get("/certificates/2022").get_data(as_text=True))) == first


def test_issuing_twice_at_once_keeps_one_certificate(app, official):
    complete(app, official, "organisation", datetime(2026, 2, 1, tzinfo=UTC), date(2026, 1, 1))
    with app.app_context():
        user = db.session.get(User, official.id)
        completed = service.completed_periods(user)[2026]
        first = service.issue(user, completed)
        second = service.issue(user, completed)  # as a second tab would
        db.session.commit()
        assert first.id == second.id and first.code == second.code


@pytest.mark.parametrize(
    ("typed", "found"),
    [("{code}", True), ("{lower}", True), ("{bare}", True), ("ZZZZ-ZZZZ-ZZZZ", False),
     ("not a code", False)],
)  # fmt: skip
def test_the_security_unit_checks_a_code_of_its_own_organisation(
    app, official, signed_in, create_user, create_org, login_as, typed, found
):
    complete(app, official, "organisation", datetime(2026, 2, 1, tzinfo=UTC), date(2026, 1, 1))
    [code] = set(CODE.findall(signed_in.get("/certificates/2026").get_data(as_text=True)))
    query = typed.format(code=code, lower=code.lower(), bare=code.replace("-", ""))
    unit = app.test_client()
    login_as(
        unit, create_user(permissions=(Permission.SECURITY_UNIT,), org=official.organisation_id)
    )
    unit.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    page = unit.get("/security-unit/certificates", query_string={"code": query}).get_data(
        as_text=True
    )
    assert ("The certificate is genuine" in page) is found
    assert ("version of 1 February 2026" in page) is found
    assert ("Åsa Öberg-Łukasiewicz" in page) is found
    assert ("No certificate found" in page) is not found
    with app.app_context():
        record = db.session.scalar(
            select(AuditRecord).where(AuditRecord.action == "certificate.looked_up")
        )
        assert record.details == {"found": found}

    other = app.test_client()
    login_as(other, create_user(permissions=(Permission.SECURITY_UNIT,), org=create_org()))
    elsewhere = other.get("/security-unit/certificates", query_string={"code": code})
    assert "Inget intyg hittades" in elsewhere.get_data(as_text=True)
    assert "Öberg" not in elsewhere.get_data(as_text=True)
