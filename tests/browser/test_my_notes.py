"""The author reads, downloads and deletes their own notes on the My notes page."""

from __future__ import annotations

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
        "my_notes": "Mina anteckningar",
        "download": "Ladda ner mina anteckningar som textfil",
        "confirm": "Ja, radera alla mina anteckningar",
        "delete": "Radera mina anteckningar",
        "problem": "Det finns ett problem",
        "empty": "Du har inga anteckningar än.",
    },
    "en": {
        "my_notes": "My notes",
        "download": "Download my notes as a text file",
        "confirm": "Yes, delete all my notes",
        "delete": "Delete my notes",
        "problem": "There is a problem",
        "empty": "You have no notes yet.",
    },
}


@LANGS
def test_author_lists_downloads_and_deletes_notes(new_page, official, lang):
    words, ui = WORDS[lang], UI[lang]
    page = new_page(locale=START_LOCALE[lang])
    note = "Ring säkerhetsenheten först" if lang == "sv" else "Call the security unit first"

    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, official)
    page.goto(f"{MODULE_URL}/steps/1")
    page.locator("textarea").first.fill(note)
    click_and_wait(page, page.get_by_role("button", name=ui["save"], exact=True))

    click_and_wait(page, page.get_by_role("link", name=words["my_notes"], exact=True))
    expect(page.get_by_text(note)).to_be_visible()
    check_page(page)

    with page.expect_download() as download:
        page.get_by_role("link", name=words["download"]).click()
    assert note in Path(download.value.path()).read_text(encoding="utf-8")

    allow_http_error(page, 400)  # the form without its confirmation is refused
    click_and_wait(page, page.get_by_role("button", name=words["delete"], exact=True))
    expect(page.get_by_role("heading", name=words["problem"])).to_be_visible()
    assert page.title().startswith("Fel:" if lang == "sv" else "Error:")
    check_page(page)

    page.get_by_label(words["confirm"]).check()
    click_and_wait(page, page.get_by_role("button", name=words["delete"], exact=True))
    expect(page.get_by_text(words["empty"])).to_be_visible()
    expect(page.get_by_text(note)).to_have_count(0)
    check_page(page)
