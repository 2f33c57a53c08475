"""Pages in their error states: a refused sign-in, a stale form, and a stale step form."""

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
    sign_in_button,
    sign_in_with_password,
    switch_language,
)

pytestmark = pytest.mark.browser

WORDS = {
    "sv": {
        "problem": "Det finns ett problem",
        "expired": "Formuläret har slutat gälla",
        "stale": "inget är sparat än",
        "error": "Fel:",
        "busy": "Inget sparades: tjänsten var upptagen",
    },
    "en": {
        "problem": "There is a problem",
        "expired": "The form has expired",
        "stale": "nothing was saved",
        "error": "Error:",
        "busy": "Nothing was saved: the service was busy",
    },
}


def _make_form_stale(page) -> None:
    page.eval_on_selector_all(
        "main input[name=csrf_token]", "els => els.forEach(e => e.value = 'x')"
    )


@LANGS
def test_refused_sign_in_shows_an_error_summary_that_takes_focus(new_page, official, lang):
    words = WORDS[lang]
    page = new_page(locale=START_LOCALE[lang])
    page.goto("/sign-in")
    switch_language(page, lang)
    allow_http_error(page, 400)
    page.get_by_label(UI[lang]["email"], exact=True).fill(official.email)
    page.get_by_label(UI[lang]["password"], exact=True).fill("not the password")
    click_and_wait(page, sign_in_button(page, lang))
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading", name=words["problem"])).to_be_visible()
    expect(summary).to_be_focused()
    assert page.title().startswith(words["error"])
    check_page(page)


@LANGS
def test_stale_sign_in_form_gets_a_clear_page(new_page, lang):
    page = new_page(locale=START_LOCALE[lang])
    page.goto("/sign-in")
    switch_language(page, lang)
    allow_http_error(page, 400)
    _make_form_stale(page)
    click_and_wait(page, sign_in_button(page, lang))
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS[lang]["expired"])
    check_page(page)


@LANGS
def test_stale_step_form_keeps_the_note(new_page, official, lang):
    page = new_page(locale=START_LOCALE[lang])
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, official)
    page.goto(f"{MODULE_URL}/steps/3")
    note = "Riskanalys före mötet" if lang == "sv" else "Risk analysis before the meeting"
    page.locator("textarea").first.fill(note)
    allow_http_error(page, 400)
    _make_form_stale(page)
    click_and_wait(page, page.get_by_role("button", name=UI[lang]["save"], exact=True))
    expect(page.get_by_role("alert")).to_contain_text(WORDS[lang]["stale"])
    expect(page.locator("textarea").first).to_have_value(note)
    check_page(page)
    click_and_wait(page, page.get_by_role("button", name=UI[lang]["save"], exact=True))
    page.reload()
    expect(page.locator("textarea").first).to_have_value(note)


@LANGS
def test_a_save_refused_while_the_database_is_busy_shows_the_note(new_page, official, lang):
    page = new_page(locale=START_LOCALE[lang])
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, official)
    page.goto(f"{MODULE_URL}/steps/3")
    note = "Riskanalys före mötet" if lang == "sv" else "Risk analysis before the meeting"
    page.locator("textarea").first.fill(note)
    # The form goes where the server answers as it does when a save waited too long for others.
    page.eval_on_selector("form:has(textarea)", "form => form.action = '/test-error/busy'")
    allow_http_error(page, 503)
    click_and_wait(page, page.get_by_role("button", name=UI[lang]["save"], exact=True))
    expect(page.get_by_role("heading", level=1)).to_have_text(WORDS[lang]["busy"])
    expect(page.locator("main textarea[readonly]")).to_have_value(note)
    check_page(page)
