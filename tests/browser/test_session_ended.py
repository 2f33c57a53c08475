"""A note sent after the session ended is kept: sign in again, then send it with one click."""

from __future__ import annotations

import time

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

WORDS = {
    "sv": {
        "ended": "Din session har tagit slut",
        "continue": "Logga in och fortsätt",
        "resend": "Skicka det jag skrev",
        "wrote": "Text 1",
        "saved": "Dina anteckningar och din checklista är sparade.",
    },
    "en": {
        "ended": "Your session has ended",
        "continue": "Sign in and continue",
        "resend": "Send what I wrote",
        "wrote": "Text 1",
        "saved": "Your notes and checklist have been saved.",
    },
}


@pytest.fixture
def short_idle_timeout(live_server):
    config = live_server.app.config
    before = config["SESSION_IDLE_MINUTES"]
    yield lambda minutes: config.update(SESSION_IDLE_MINUTES=minutes)
    config["SESSION_IDLE_MINUTES"] = before


@LANGS
def test_a_note_sent_after_the_session_ended_is_kept(new_page, official, lang, short_idle_timeout):
    words, ui = WORDS[lang], UI[lang]
    page = new_page(locale=START_LOCALE[lang])
    note = f"Ett utkast som inte får försvinna ({lang}), med två meningar. Här är den andra."
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, official)
    page.goto(f"{MODULE_URL}/steps/1")
    page.locator("textarea").first.fill(note)

    short_idle_timeout(1 / 60)  # one second
    time.sleep(1.5)
    allow_http_error(page, 401)
    click_and_wait(page, page.get_by_role("button", name=ui["save"], exact=True))
    short_idle_timeout(120)

    expect(page.get_by_role("heading", level=1)).to_have_text(words["ended"])
    expect(page.get_by_label(words["wrote"])).to_have_value(note)
    check_page(page)

    page.get_by_label(ui["password"], exact=True).fill(official.password)
    page.get_by_label(ui["email"], exact=True).fill(official.email)
    click_and_wait(page, page.get_by_role("button", name=words["continue"]))
    check_page(page)
    click_and_wait(page, page.get_by_role("button", name=words["resend"]))

    expect(page.get_by_text(words["saved"])).to_be_visible()
    expect(page.locator("textarea").first).to_have_value(note)
