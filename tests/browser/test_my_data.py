"""The official downloads everything held about them, then deletes their account."""

from __future__ import annotations

import json
from pathlib import Path

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
        "my_data": "Mina uppgifter",
        "html": "Ladda ner som en sida att läsa eller skriva ut (HTML)",
        "json": "Ladda ner som data (JSON)",
        "confirm": "Ja, radera mitt konto",
        "delete": "Radera mitt konto",
        "problem": "Det finns ett problem",
        "deleted": "Ditt konto är raderat och du är utloggad.",
    },
    "en": {
        "my_data": "My data",
        "html": "Download as a page to read or print (HTML)",
        "json": "Download as data (JSON)",
        "confirm": "Yes, delete my account",
        "delete": "Delete my account",
        "problem": "There is a problem",
        "deleted": "Your account has been deleted, and you are signed out.",
    },
}


@LANGS
def test_official_downloads_their_data_and_deletes_the_account(new_page, official, lang):
    words, ui = WORDS[lang], UI[lang]
    page = new_page(locale=START_LOCALE[lang])
    note = f"En anteckning att ta med sig ({lang})"
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, official)
    page.goto(f"{MODULE_URL}/steps/1")
    page.locator("textarea").first.fill(note)
    click_and_wait(page, page.get_by_role("button", name=ui["save"], exact=True))

    click_and_wait(page, page.get_by_role("link", name=words["my_data"], exact=True))
    check_page(page)
    with page.expect_download() as download:
        page.get_by_role("link", name=words["json"]).click()
    held = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    assert held["notes"][0]["text"] == note
    with page.expect_download() as download:
        page.get_by_role("link", name=words["html"]).click()
    assert note in Path(download.value.path()).read_text(encoding="utf-8")

    allow_http_error(page, 400)  # refused without the ticked confirmation
    click_and_wait(page, page.get_by_role("button", name=words["delete"], exact=True))
    expect(page.get_by_role("heading", name=words["problem"])).to_be_visible()
    check_page(page)

    page.get_by_label(words["confirm"]).check()
    click_and_wait(page, page.get_by_role("button", name=words["delete"], exact=True))
    expect(page.get_by_text(words["deleted"])).to_be_visible()
    expect(page.get_by_role("link", name=words["my_data"], exact=True)).to_have_count(0)
    check_page(page)
