"""The security unit reads the coverage report, as of today and as of the deadline, and
downloads it as CSV; with axe in both languages and at 320 px."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from course_app.extensions import db
from course_app.models import Assignment, AssignmentRole, Extent, Requirement
from tests.browser.helpers import LANGS, START_LOCALE, check_page, click_and_wait
from tests.browser.test_roster import sign_in

pytestmark = pytest.mark.browser

WORDS = {
    "sv": {
        "menu": "Täckning",
        "deadline": "Visa rapporten per sista dagen",
        "csv": "CSV",
        "xlsx": "XLSX",
        "print": "En version att skriva ut till styrelsen",
        "role": "Uppdrag",
        "order": "Ordning",
        "show": "Visa listan",
        "status": "1 förtroendevald hade inte gått klart",
    },
    "en": {
        "menu": "Coverage",
        "deadline": "Show the report as of the deadline",
        "csv": "CSV",
        "xlsx": "XLSX",
        "print": "A version to print for the board",
        "role": "Role",
        "order": "Order",
        "show": "Show the list",
        "status": "1 official had not completed",
    },
}


@LANGS
def test_the_security_unit_reads_and_downloads_the_coverage_report(new_page, live_server, lang):
    org_id = live_server.create_organisation("Täckningskommun")
    unit = live_server.create_security_unit(org_id=org_id)
    official = live_server.create_official(org_id=org_id)
    with live_server.app.app_context():
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
            ]
        )  # fmt: skip
        db.session.commit()
    words = WORDS[lang]
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name=words["menu"]))
    expect(page.get_by_role("cell", name=official.email)).to_be_visible()
    check_page(page)
    click_and_wait(page, page.get_by_role("link", name=words["deadline"]))
    assert "as_of=2027-04-13" in page.url
    check_page(page)
    # The list, filtered by role and sorted, keeps the day; the downloads keep the filter.
    page.get_by_label(words["role"], exact=True).select_option("ordinarie")
    page.get_by_label(words["order"]).select_option("lacking")
    click_and_wait(page, page.get_by_role("button", name=words["show"]))
    assert "as_of=2027-04-13" in page.url and "role=ordinarie" in page.url
    expect(page.get_by_role("status")).to_contain_text(words["status"])
    expect(page.get_by_role("cell", name=official.email)).to_be_visible()
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=words["csv"]).click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert [official.email] == [row[1] for row in rows if len(row) == 3][1:]
    with page.expect_download() as download:
        page.get_by_role("link", name=words["xlsx"]).click()
    book = load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert official.email in [row[1] for row in book.worksheets[1].iter_rows(values_only=True)]

    click_and_wait(page, page.get_by_role("link", name=words["print"]))
    expect(page.locator("svg[role=img]")).to_be_visible()
    check_page(page)
    page.emulate_media(media="print")  # A4: the menus go, the report and the curve stay
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator("svg[role=img]")).to_be_visible()
    expect(page.get_by_role("table").first).to_be_visible()
    page.emulate_media(media="screen")

    # Each view and download is on record in the audit log, which filters by what was done.
    audit = {
        "sv": ("Händelselogg", "Laddade ned täckningsrapporten", "Vad", "Visa händelser"),
        "en": ("Audit log", "Exported the coverage report", "What", "Show records"),
    }[lang]
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name=audit[0]))
    expect(page.get_by_role("cell", name=audit[1]).first).to_be_visible()
    check_page(page)
    page.get_by_label(audit[2]).select_option("report.exported")
    click_and_wait(page, page.get_by_role("button", name=audit[3]))
    expect(page.get_by_role("cell", name=audit[1])).to_have_count(2)
    check_page(page)
