"""The roster import's states: what the file holds, the assignments it leaves out (keep all, end
all), the confirmation, the result; problems in real files and an Excel workbook. Every page
with axe, in both languages and at 320 px."""

from __future__ import annotations

import io
from datetime import date, datetime

import pytest
from openpyxl import Workbook
from playwright.sync_api import expect

from course_app.auth import services
from course_app.extensions import db
from course_app.models import Assignment, AssignmentRole, Extent, Organisation, Permission
from tests.browser.helpers import (
    LANGS,
    START_LOCALE,
    allow_http_error,
    check_page,
    click_and_wait,
    sign_in_with_password,
    switch_language,
)

pytestmark = pytest.mark.browser

HEADER = "Förnamn;Efternamn;E-post;Parti;Organ;Uppdrag;Omfattning;Från;Till\n"
ONE = HEADER + "Ny;Ledamot;ny.{lang}@example.se;P;Nya nämnden;Ordinarie;Fritid;2027-01-01;\n"
BROKEN = (
    HEADER
    + "".join(
        f"Bo;Ek;bo{n}.{{lang}}@example.se;P;KS;Ordinarie;Fritid;10/15/2026;\n" for n in range(5)
    )
    + "Güne?;Yilmaz;g.{lang}@example.se;P;KS;Ordinarie;Fritid;2026-10-15;\n"
    + "Åsa;Berg;asa.{lang}@exаmple.se;P;KS;Ordinarie;Fritid;2026-10-15;\n"
)
# Long enough, without a space, to push a one-line label past 320 px.
LONG_EMAIL = "maria-lovisa.andersdotter-wikstrom.{lang}@forvaltningen.exempelkommunen.se"
WORDS = {
    "sv": {"keep_all": "Behåll alla", "end_all": "Avsluta alla", "back": "Gå tillbaka"},
    "en": {"keep_all": "Keep all", "end_all": "End all", "back": "Go back"},
}


def sign_in(page, lang: str, user) -> None:
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, user)


def upload(page, content: bytes, name: str = "ledamoter.csv") -> None:
    page.goto("/security-unit/roster")
    page.set_input_files("#roster", files=[{"name": name, "mimeType": "", "buffer": content}])
    click_and_wait(page, page.locator("#submit"))


def seat_officials(live_server, org_id: int, lang: str) -> None:
    """Give the organisation three officials with running assignments, one with a long address."""
    with live_server.app.app_context():
        org = db.session.get(Organisation, org_id)
        for number, email in enumerate([LONG_EMAIL, "bo.{lang}@example.se", "cid.{lang}@x.se"]):
            name = "Maria-Lovisa Andersdotter-Wikström" if number == 0 else f"Ledamot {number}"
            user = services.create_user(
                org, email.format(lang=lang), [Permission.OFFICIAL], name=name
            )
            db.session.flush()
            db.session.add(
                Assignment(
                    organisation_id=org_id,
                    user_id=user.id,
                    role=AssignmentRole.ORDINARIE,
                    extent=Extent.FRITID,
                    starts_on=date(2022, 10, 15),
                )
            )
        db.session.commit()


@LANGS
def test_a_file_of_one_in_an_organisation_of_three(new_page, live_server, lang):
    org_id = live_server.create_organisation("Delkommun")
    unit = live_server.create_security_unit(org_id=org_id)
    seat_officials(live_server, org_id, lang)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)
    upload(page, ONE.format(lang=lang).encode())

    # Nothing is chosen; the list of the assignments it leaves out shows with "whole roster".
    expect(page.locator("input[name='scope']:checked")).to_have_count(0)
    expect(page.locator("#ends")).to_be_hidden()
    check_page(page)
    allow_http_error(page, 400)
    click_and_wait(page, page.locator("#submit"))
    expect(page.locator(".error-summary")).to_be_visible()
    check_page(page)
    page.locator("#scope-0").check()
    expect(page.locator("#ends")).to_be_visible()
    expect(page.locator("input[name='end']:checked")).to_have_count(3)
    check_page(page)

    click_and_wait(page, page.get_by_role("link", name=WORDS[lang]["keep_all"], exact=True))
    expect(page.locator("#scope-0")).to_be_checked()
    expect(page.locator("input[name='end']:checked")).to_have_count(0)
    check_page(page)
    click_and_wait(page, page.get_by_role("link", name=WORDS[lang]["end_all"], exact=True))
    expect(page.locator("input[name='end']:checked")).to_have_count(3)
    page.locator("input[name='end']").first.uncheck()

    # The confirmation says how many end before anything is written.
    click_and_wait(page, page.locator("#submit"))
    expect(page.get_by_role("heading", level=2).nth(1)).to_contain_text("2")
    expect(page.get_by_role("button")).to_contain_text(["2"])
    check_page(page)
    click_and_wait(page, page.get_by_role("link", name=WORDS[lang]["back"]))
    page.locator("#scope-1").check()
    click_and_wait(page, page.locator("#submit"))
    check_page(page)
    click_and_wait(page, page.locator("form .button"))

    # The result leads on to the officials and the report.
    expect(page.get_by_role("status")).to_contain_text("1")
    check_page(page)
    click_and_wait(page, page.locator("main a[href='/security-unit/officials']"))
    expect(page.get_by_role("link", name="Ny Ledamot")).to_be_visible()


@LANGS
def test_problems_of_real_files_and_an_excel_workbook(new_page, live_server, lang):
    org_id = live_server.create_organisation("Filkommun")
    unit = live_server.create_security_unit(org_id=org_id)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)

    # US dates told once for their column, a damaged name and a look-alike address.
    allow_http_error(page, 400)
    upload(page, BROKEN.format(lang=lang).encode("utf-8"))
    rows = page.locator("#problems + .table-wrapper tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("10/15/2026")
    expect(rows.first).to_contain_text("2026-10-15")
    check_page(page)

    # A workbook with date cells and a column the import does not use.
    book = Workbook()
    book.active.title = "Ledamöter"
    book.active.append(HEADER.strip().split(";") + ["Telefon"])
    person = ["Åsa", "Öberg", f"asa.{lang}@example.se", "P", "KS", "Ordinarie", "Fritid"]
    book.active.append([*person, datetime(2027, 1, 1), None, "070-123 45 67"])
    content = io.BytesIO()
    book.save(content)
    upload(page, content.getvalue(), name="ledamoter.xlsx")
    expect(page.get_by_text("Ledamöter", exact=False).first).to_be_visible()
    expect(page.get_by_text("Telefon", exact=False).first).to_be_visible()
    expect(page.get_by_role("rowheader", name="Åsa Öberg")).to_be_visible()
    check_page(page)
