"""The error pages, and the skip link on each kind of page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LANGS,
    MODULE_URL,
    START_LOCALE,
    UI,
    allow_http_error,
    assert_first_tab_is_skip_link,
    check_page,
    switch_language,
)

pytestmark = pytest.mark.browser


@LANGS
def test_page_not_found(new_page, lang):
    page = new_page(locale=START_LOCALE[lang])
    allow_http_error(page, 404)
    response = page.goto("/modules/no-such-module")
    assert response.status == 404
    check_page(page)
    switch_language(page, lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(UI[lang]["not_found"])
    expect(page).to_have_title(f"{UI[lang]['not_found']} – Tryggt uppdrag")
    assert_first_tab_is_skip_link(page)


@pytest.mark.parametrize(
    "path", ["/", MODULE_URL, f"{MODULE_URL}/steps/3", "/sign-in", "/sign-in/link"]
)
def test_first_tab_reaches_the_skip_link(page, path):
    page.goto(path)
    check_page(page)
    assert_first_tab_is_skip_link(page)
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


ERROR_HEADINGS = {
    403: {
        "sv": "Du har inte tillgång till den här sidan",
        "en": "You do not have access to this page",
    },
    405: {"sv": "Något gick fel", "en": "Something went wrong"},
    413: {"sv": "Det du skickade är för stort", "en": "What you sent is too large"},
    429: {"sv": "För många försök", "en": "Too many attempts"},
    500: {"sv": "Tyvärr gick något fel", "en": "Sorry, something went wrong"},
}


@LANGS
@pytest.mark.parametrize("code", ERROR_HEADINGS)
def test_every_error_page(new_page, lang, code):
    page = new_page(locale={"sv": "sv-SE", "en": "en-GB"}[lang])
    allow_http_error(page, code)
    response = page.goto(f"/test-error/{code}")
    assert response.status == code
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.get_by_role("heading", level=1)).to_have_text(ERROR_HEADINGS[code][lang])
    check_page(page)
