"""An official opens their certificate from My training and downloads the PDF; the security
unit checks its code. axe in both languages and at 320 px."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from playwright.sync_api import expect

from course_app.extensions import db
from course_app.models import (
    Assignment,
    AssignmentRole,
    Extent,
    ModuleCompletion,
    Requirement,
    User,
)
from tests.browser.helpers import LANGS, START_LOCALE, check_page, click_and_wait
from tests.browser.test_roster import sign_in

pytestmark = pytest.mark.browser

WORDS = {
    "sv": {"module": "Organisation och förberedelser", "day": "1 mars 2026",
           "version": "versionen från 1 mars 2026",
           "no_font": "Pdf:en kunde inte göras: inget typsnitt på servern har tecknet",
           "training": "Min utbildning", "certificate": "Intyg för mandatperioden 2026–2030",
           "pdf": "Ladda ned intyget som pdf", "check": "Kontrollera ett intyg",
           "code": "Kontrollkod", "button": "Kontrollera koden", "genuine": "Intyget är äkta"},
    "en": {"module": "Organisation and preparation", "day": "1 March 2026",
           "version": "version of 1 March 2026",
           "no_font": "The PDF could not be made: no font on the server has the character",
           "training": "My training", "certificate": "Certificate for the mandate period 2026–2030",
           "pdf": "Download the certificate as a PDF", "check": "Check a certificate",
           "code": "Verification code", "button": "Check the code",
           "genuine": "The certificate is genuine"},
}  # fmt: skip


def certified_official(live_server, org_id: int, name: str | None = None):
    """Add an official of the organisation who completed its one module for 2026."""
    official = live_server.create_official(org_id=org_id)
    with live_server.app.app_context():
        if name:
            db.session.get(User, official.id).name = name
        db.session.add_all(
            [
                Requirement(
                    organisation_id=org_id, election_year=2026, module_ids=["organisation"],
                    counts_from=date(2026, 1, 1), deadline=date(2027, 4, 13),
                ),
                Assignment(
                    organisation_id=org_id, user_id=official.id, role=AssignmentRole.ORDINARIE,
                    extent=Extent.FRITID, starts_on=date(2022, 10, 15),
                ),
                ModuleCompletion(
                    user_id=official.id, module_id="organisation", module_version="v1",
                    counts_from=date(2026, 1, 1), completed_at=datetime(2026, 3, 1, tzinfo=UTC),
                ),
            ]
        )  # fmt: skip
        db.session.commit()
    return official


def expect_module_row(page, words) -> None:
    """Expect the module's row: completed on, the version of that day, and the version's id."""
    row = page.get_by_role("row", name=words["module"])
    expect(row.get_by_role("cell")).to_have_text([words["day"], words["version"], "v1"])


@LANGS
def test_an_official_shows_a_certificate_that_the_security_unit_checks(new_page, live_server, lang):
    words = WORDS[lang]
    org_id = live_server.create_organisation("Intygskommun")
    official = certified_official(live_server, org_id)
    unit = live_server.create_security_unit(org_id=org_id)

    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, official)
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name=words["training"]))
    check_page(page)
    click_and_wait(page, page.get_by_role("link", name=words["certificate"]))
    check_page(page)
    expect_module_row(page, words)
    code = re.search(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", page.content()).group(0)
    page.emulate_media(media="print")
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.get_by_text(code)).to_be_visible()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.get_by_role("link", name=words["pdf"]).click()
    assert Path(download.value.path()).read_bytes().startswith(b"%PDF")

    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name=words["check"]))
    check_page(page)
    page.get_by_label(words["code"]).fill(code.lower())
    click_and_wait(page, page.get_by_role("button", name=words["button"]))
    expect(page.get_by_role("heading", name=words["genuine"])).to_be_visible()
    expect_module_row(page, words)
    check_page(page)


@LANGS
def test_a_name_no_font_has_gives_the_certificate_page_with_the_reason(new_page, live_server, lang):
    words = WORDS[lang]
    org_id = live_server.create_organisation("Intygskommun")
    official = certified_official(live_server, org_id, name="Kim \U0002ebf0 Lee")
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, official)
    page.goto("/certificates/2026")
    click_and_wait(page, page.get_by_role("link", name=words["pdf"]))
    expect(page.get_by_role("alert")).to_contain_text(words["no_font"])
    expect(page.get_by_role("alert")).to_contain_text("U+2EBF0")
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    check_page(page)
