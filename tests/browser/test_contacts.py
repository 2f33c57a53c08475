"""The security unit fills in the organisation's local contacts; its officials see them."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LANGS,
    MODULE_URL,
    START_LOCALE,
    UI,
    allow_http_error,
    check_page,
    click_and_wait,
    contacts_box,
    expect_national_numbers,
    sign_in_with_password,
    switch_language,
)

pytestmark = pytest.mark.browser

WORDS = {
    "sv": {
        "menu": "Huvudmeny",
        "local_contacts": "Lokala kontakter",
        "phone": "Säkerhetsfunktionens telefonnummer",
        "email": "Säkerhetsfunktionens e-postadress",
        "parties": "Partiernas säkerhetsansvariga",
        "health": "Företagshälsovård och samtalsstöd",
        "routine": "Lokal rutin",
        "guidelines": "Länk till riktlinjerna mot hot och våld",
        "save": "Spara kontakterna",
        "saved": "Kontakterna är sparade. De förtroendevalda ser dem i kursen nu.",
        "bad_phone": "Skriv ett telefonnummer med siffror, mellanslag, +, - och parenteser",
        "guidelines_link": "Riktlinjerna för {organisation}",
        "forbidden": "Du har inte tillgång till den här sidan",
        "routine_text": "Ring säkerhetsfunktionen först. Skicka sedan en incidentrapport.",
        "health_text": "Previa, 021-10 10 10",
    },
    "en": {
        "menu": "Main menu",
        "local_contacts": "Local contacts",
        "phone": "Phone number of the security unit",
        "email": "E-mail address of the security unit",
        "parties": "The parties’ security contacts",
        "health": "Occupational health service and counselling",
        "routine": "Local routine",
        "guidelines": "Link to the guidelines against threats and violence",
        "save": "Save the contacts",
        "saved": "The contacts have been saved. Officials see them in the course now.",
        "bad_phone": "Enter a phone number using digits, spaces, +, - and brackets",
        "guidelines_link": "The guidelines of {organisation}",
        "forbidden": "You do not have access to this page",
        "routine_text": "Call the security unit first. Then send an incident report.",
        "health_text": "Previa, 021-10 10 10",
    },
}

PHONE = "021-39 00 00"
EMAIL = "sakerhet@kontaktkommun.se"
PARTIES = [
    "Gröna partiet: Anna Andersson, 070-111 11 11",
    "Blå partiet: Bo Berg, 070-222 22 22",
]
GUIDELINES = "https://kontaktkommun.se/riktlinjer-mot-hot-och-vald"


def sign_in(page, lang: str, user) -> None:
    """Sign in from a browser that prefers the other language, switching to lang first."""
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, user)


@LANGS
def test_security_unit_fills_in_the_contacts_that_officials_then_see(new_page, live_server, lang):
    ui, words = UI[lang], WORDS[lang]
    # An organisation of its own: it starts without contacts, whatever other tests saved.
    name = "Kontaktkommun" if lang == "sv" else "Contact Municipality"
    org_id = live_server.create_organisation(name)
    security_unit = live_server.create_security_unit(org_id=org_id)
    official = live_server.create_official(org_id=org_id)

    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, security_unit)
    menu = page.get_by_role("navigation", name=words["menu"])
    click_and_wait(page, menu.get_by_role("link", name=words["local_contacts"], exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["local_contacts"])
    expect(menu.get_by_role("link", name=words["local_contacts"], exact=True)).to_have_attribute(
        "aria-current", "page"
    )

    # Nothing is filled in: the preview tells officials to ask the security unit.
    preview = contacts_box(page, lang, name)
    expect(preview).to_be_visible()
    expect(preview.get_by_text(ui["ask_security_unit"], exact=True).first).to_be_visible()
    expect_national_numbers(preview, lang)
    for label in ("phone", "email", "parties", "health", "routine", "guidelines"):
        expect(page.get_by_label(words[label], exact=True)).to_have_value("")
    check_page(page)

    # A phone number in words is refused, with an error summary; what was typed stays.
    page.get_by_label(words["phone"], exact=True).fill("ring mig")
    page.get_by_label(words["email"], exact=True).fill(EMAIL)
    allow_http_error(page, 400)
    click_and_wait(page, page.get_by_role("button", name=words["save"], exact=True))
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading", name=ui["problem"])).to_be_visible()
    expect(summary.get_by_role("link", name=words["bad_phone"], exact=True)).to_be_visible()
    assert page.title().startswith(ui["error"]), page.title()
    expect(page.get_by_label(words["phone"], exact=True)).to_have_value("ring mig")
    expect(page.get_by_label(words["email"], exact=True)).to_have_value(EMAIL)
    expect(preview.get_by_text(EMAIL)).to_have_count(0)  # nothing was saved
    check_page(page)

    # Every field filled in and saved.
    page.get_by_label(words["phone"], exact=True).fill(PHONE)
    page.get_by_label(words["parties"], exact=True).fill("\n".join(PARTIES))
    page.get_by_label(words["health"], exact=True).fill(words["health_text"])
    page.get_by_label(words["routine"], exact=True).fill(words["routine_text"])
    page.get_by_label(words["guidelines"], exact=True).fill(GUIDELINES)
    click_and_wait(page, page.get_by_role("button", name=words["save"], exact=True))
    expect(page.get_by_role("status")).to_have_text(words["saved"])
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.get_by_label(words["phone"], exact=True)).to_have_value(PHONE)
    expect(preview.get_by_role("link", name=PHONE, exact=True)).to_be_visible()
    expect(preview.get_by_text(ui["ask_security_unit"], exact=True)).to_have_count(0)
    check_page(page)

    # An official of the same organisation sees them in the course, with 112 and 114 14.
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, official)
    expect(page.get_by_role("link", name=words["local_contacts"], exact=True)).to_have_count(0)
    page.goto(f"{MODULE_URL}/steps/2")
    box = contacts_box(page, lang, name)
    expect(box).to_be_visible()
    expect(box.get_by_role("link", name=PHONE, exact=True)).to_be_visible()
    expect(box.get_by_role("link", name=EMAIL, exact=True)).to_be_visible()
    for party in PARTIES:
        expect(box.get_by_text(party, exact=True)).to_be_visible()
    expect(box.get_by_text(words["health_text"], exact=True)).to_be_visible()
    expect(box.get_by_text(words["routine_text"], exact=True)).to_be_visible()
    expect_national_numbers(box, lang)
    expect(box.get_by_text(ui["ask_security_unit"], exact=True)).to_have_count(0)
    check_page(page)

    # The last step's sources end with the organisation's own guidelines.
    page.goto(f"{MODULE_URL}/steps/3")
    sources = page.get_by_role("region", name=ui["sources"])
    guidelines = words["guidelines_link"].format(organisation=name)
    expect(sources.get_by_role("link", name=guidelines, exact=True)).to_have_attribute(
        "href", GUIDELINES
    )
    check_page(page)


@LANGS
def test_an_official_may_not_edit_the_contacts(new_page, official, lang):
    words = WORDS[lang]
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, official)
    allow_http_error(page, 403)
    response = page.goto("/security-unit/contacts")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text(words["forbidden"])
    expect(page.get_by_label(words["phone"], exact=True)).to_have_count(0)
    check_page(page)
