"""What a first-time user met in the browser: an untouched check announced as invalid, and a
note limit they could not see."""

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
    sign_in_with_password,
    switch_language,
)

pytestmark = pytest.mark.browser

CHECK_URL = "/modules/om-nagot-hander/check"


@LANGS
def test_an_untouched_check_announces_nothing_as_invalid(new_page, live_server, monkeypatch, lang):
    # A draw with questions of both kinds: the seed is how the app lets tests fix the draw.
    monkeypatch.setitem(live_server.app.config, "QUIZ_DRAW_SEED", 1)
    page = new_page(locale=START_LOCALE[lang])
    page.goto(CHECK_URL)
    switch_language(page, lang)
    snapshot = page.locator("form.check-form").aria_snapshot()
    assert "radio" in snapshot and "checkbox" in snapshot
    assert "invalid" not in snapshot
    assert page.locator("form.check-form [required]").count() == 0
    check_page(page)


@LANGS
def test_the_note_field_counts_what_is_left_and_what_is_too_much(new_page, official, lang):
    page = new_page(locale=START_LOCALE[lang])
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, official)
    page.goto(f"{MODULE_URL}/steps/1")
    field = page.locator("textarea").first
    count = page.locator(".char-count").first
    expect(count).to_have_text("5000 tecken kvar." if lang == "sv" else "5000 characters left.")
    expect(count).to_have_attribute("aria-live", "off")
    field.fill("x" * 5010)  # pasted whole: no maxlength cuts it
    expect(field).to_have_value("x" * 5010)
    too_many = "10 tecken för mycket." if lang == "sv" else "10 characters too many."
    expect(count).to_have_text(too_many)
    expect(count).to_have_attribute("aria-live", "polite")
    check_page(page)
    allow_http_error(page, 400)
    click_and_wait(page, page.get_by_role("button", name=UI[lang]["save"], exact=True))
    expect(field).to_have_value("x" * 5010)  # refused by the server, nothing lost
