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
