"""The language an official chooses stays chosen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LANGS,
    START_LOCALE,
    UI,
    check_page,
    click_and_wait,
    header_sign_in_link,
    sign_in_with_password,
    switch_language,
)

pytestmark = pytest.mark.browser


@LANGS
def test_language_chosen_before_signing_in_is_kept_after_signing_out(new_page, official, lang):
    page = new_page(locale=START_LOCALE[lang])

    page.goto("/sign-in")
    check_page(page)
    switch_language(page, lang)
    sign_in_with_password(page, lang, official)
    check_page(page)

    click_and_wait(page, page.get_by_role("button", name=UI[lang]["sign_out"], exact=True))
    check_page(page)
    # auth.views.logout puts the session's language back after clearing the session: the
    # page must not fall back to the language that the browser prefers.
    html = expect(page.locator("html"), "signing out lost the language chosen before signing in")
    html.to_have_attribute("lang", lang, timeout=1000)
    expect(header_sign_in_link(page, lang)).to_be_visible()
