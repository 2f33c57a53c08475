"""An address that mail does not reach, as the security unit and the official see it: the mark
in the list and on the official's page, the address corrected, and My data. Every state with
axe, in both languages and at 320 px."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from course_app.auth.undelivered import mark_given_up
from course_app.extensions import db
from course_app.models.base import utcnow
from tests.browser.helpers import LANGS, START_LOCALE, check_page, click_and_wait
from tests.browser.test_roster import sign_in

pytestmark = pytest.mark.browser

WORDS = {
    "sv": {
        "listed": "E-post kom inte fram",
        "failed": "E-post till den här adressen kunde inte levereras den",
        "check": "Kontrollera adressen med den förtroendevalda och rätta den.",
        "hint": "E-post till den nuvarande adressen kunde inte levereras den",
        "name": "Namn",
        "email": "E-postadress",
        "save": "Spara uppgifterna",
        "saved": "Uppgifterna är sparade.",
        "mine": "kunde inte levereras den",
    },
    "en": {
        "listed": "E-mail not delivered",
        "failed": "E-mail to this address could not be delivered on",
        "check": "Check the address with the official and correct it.",
        "hint": "E-mail to the current address could not be delivered on",
        "name": "Name",
        "email": "E-mail address",
        "save": "Save the official’s details",
        "saved": "The official’s details have been saved.",
        "mine": "could not be delivered on",
    },
}


def _give_up_on(live_server, address: str) -> None:
    """Mark the address as the mail worker does when a message to it is given up on."""
    with live_server.app.app_context():
        mark_given_up(live_server.app, address, utcnow())
        db.session.commit()


@LANGS
def test_the_unit_sees_an_address_mail_does_not_reach_and_corrects_it(new_page, live_server, lang):
    words = WORDS[lang]
    org_id = live_server.create_organisation("Studskommun")
    unit = live_server.create_security_unit(org_id=org_id)
    official = live_server.create_official(org_id=org_id)
    _give_up_on(live_server, official.email)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)

    page.goto("/security-unit/officials")
    row = page.get_by_role("row").filter(has_text=official.email)
    expect(row).to_contain_text(words["listed"])
    check_page(page)
    click_and_wait(page, row.get_by_role("link"))
    expect(page.get_by_role("main")).to_contain_text(words["failed"])
    expect(page.get_by_role("main")).to_contain_text(words["check"])
    check_page(page)
    page.goto(f"/security-unit/officials/{official.id}/edit")
    expect(page.locator(".hint").first).to_contain_text(words["hint"])
    check_page(page)
    page.get_by_label(words["name"], exact=True).fill("Rättad Adress")
    page.get_by_label(words["email"], exact=True).fill(f"rattad-{lang}-{official.id}@example.se")
    click_and_wait(page, page.get_by_role("button", name=words["save"]))
    expect(page.get_by_role("status")).to_contain_text(words["saved"])
    expect(page.get_by_role("main")).not_to_contain_text(words["failed"])
    check_page(page)


@LANGS
def test_the_official_sees_it_under_my_data(new_page, live_server, lang):
    official = live_server.create_official()
    _give_up_on(live_server, official.email)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, official)
    page.goto("/my-data")
    expect(page.get_by_role("main")).to_contain_text(official.email)
    expect(page.get_by_role("main")).to_contain_text(WORDS[lang]["mine"])
    check_page(page)
