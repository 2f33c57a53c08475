"""The security unit imports the roster, sets a requirement and opens an official's page;
an official reads My training. Every page with axe, in both languages and at 320 px."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from course_app.extensions import db
from course_app.models import Assignment, AssignmentRole, Extent, Requirement
from course_app.models.base import utcnow
from course_app.training.periods import local_date, period_of
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

ROSTER = (
    "Förnamn;Efternamn;E-post;Parti;Organ;Uppdrag;Omfattning;Från;Till\n"
    "Åsa;Öberg;asa.oberg.{lang}@example.se;Exempelpartiet;Kommunfullmäktige;Ordinarie;"
    "Fritid;2026-10-15;\n"
    "Bo;Ek;bo.ek.{lang}@example.se;Kustpartiet;Kommunstyrelsen;Ordförande;Heltid;2027-01-01;\n"
)
BROKEN = ROSTER + "Cid;Al;cid.{lang}@example.se;P;KF;Talman;Fritid;15/10/2026;\n"
WORDS = {
    "sv": {
        "confirm": "Bekräfta importen",
        "import": "Importera förteckningen",
        "two_new": "2 nya förtroendevalda",
    },
    "en": {
        "confirm": "Confirm the import",
        "import": "Import the roster",
        "two_new": "2 new officials",
    },
}


def sign_in(page, lang: str, user) -> None:
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, user)


def upload(page, content: str) -> None:
    page.set_input_files(
        "#roster",
        files=[{"name": "ledamoter.csv", "mimeType": "text/csv", "buffer": content.encode()}],
    )
    click_and_wait(page, page.locator("#submit"))


@LANGS
def test_the_security_unit_imports_the_roster_and_sets_a_requirement(new_page, live_server, lang):
    org_id = live_server.create_organisation("Förteckningskommun")
    unit = live_server.create_security_unit(org_id=org_id)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)
    menu = page.get_by_role("navigation")

    click_and_wait(page, menu.locator("a[href='/security-unit/roster']"))
    expect(menu.locator("a[href='/security-unit/roster']")).to_have_attribute(
        "aria-current", "page"
    )
    check_page(page)

    # A broken row: every problem with its line and column, and nothing to confirm.
    allow_http_error(page, 400)
    upload(page, BROKEN.format(lang=lang))
    assert page.title().split()[0] in ("Fel:", "Error:"), page.title()
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("#problems")).to_be_visible()
    expect(page.get_by_role("cell", name="4", exact=True).first).to_be_visible()
    expect(page.locator("#submit")).to_have_count(0)
    check_page(page)

    # The good file: the preview, the answer to what it holds, the confirmation, the result.
    page.goto("/security-unit/roster")
    upload(page, ROSTER.format(lang=lang))
    expect(page.get_by_role("rowheader", name="Åsa Öberg")).to_be_visible()
    expect(page.get_by_role("cell", name=f"bo.ek.{lang}@example.se")).to_be_visible()
    check_page(page)
    page.locator("#scope-0").check()
    expect(page.locator("#ends")).to_be_visible()
    check_page(page)
    click_and_wait(page, page.locator("#submit"))
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS[lang]["confirm"])
    check_page(page)
    click_and_wait(page, page.get_by_role("button", name=WORDS[lang]["import"], exact=True))
    expect(page.get_by_role("status")).to_contain_text(WORDS[lang]["two_new"])
    check_page(page)

    # A requirement for this period, with the suggested dates.
    click_and_wait(page, menu.locator("a[href='/security-unit/requirements']"))
    check_page(page)
    click_and_wait(page, page.locator("a[href='/security-unit/requirements/new']"))
    check_page(page)
    page.locator("input[name='module_ids']").first.check()
    click_and_wait(page, page.locator("#submit"))
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator("table")).to_have_count(1)
    check_page(page)

    # The officials list, then Åsa's page with her assignment and required training.
    click_and_wait(page, menu.locator("a[href='/security-unit/officials']"))
    check_page(page)
    click_and_wait(page, page.get_by_role("link", name="Åsa Öberg"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Åsa Öberg")
    expect(page.get_by_role("cell", name="Kommunfullmäktige").first).to_be_visible()
    check_page(page)


@LANGS
def test_an_official_reads_my_training(new_page, live_server, lang):
    org_id = live_server.create_organisation("Utbildningskommun")
    official = live_server.create_official(org_id=org_id)
    today = local_date(utcnow())
    with live_server.app.app_context():
        db.session.add_all(
            [
                Assignment(
                    organisation_id=org_id,
                    user_id=official.id,
                    role=AssignmentRole.ORDINARIE,
                    extent=Extent.DELTID,
                    starts_on=date(2022, 10, 15),
                ),
                Requirement(
                    organisation_id=org_id,
                    election_year=period_of(today),
                    module_ids=["organisation", "om-nagot-hander"],
                    counts_from=today - timedelta(days=30),
                    deadline=today + timedelta(days=90),
                ),
            ]
        )
        db.session.commit()
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, official)
    menu = page.get_by_role("navigation")
    click_and_wait(page, menu.locator("a[href='/my-training']"))
    expect(menu.locator("a[href='/my-training']")).to_have_attribute("aria-current", "page")
    rows = page.locator("table").first.locator("tbody tr")
    expect(rows).to_have_count(2)
    check_page(page)
    # The overview says what is required, in words beside each module's status.
    page.goto("/")
    expect(page.locator(".requirement")).to_have_count(2)
    check_page(page)
