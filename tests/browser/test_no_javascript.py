"""The course works with JavaScript turned off."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LANGS,
    MODULE_URL,
    START_LOCALE,
    UI,
    check_page,
    checklist_item,
    click_and_wait,
    expect_step_page,
    module_link,
    sign_in_with_password,
    switch_language,
)

pytestmark = pytest.mark.browser


@LANGS
def test_official_saves_a_note_without_javascript(new_page, official, lang):
    words = UI[lang]
    page = new_page(locale=START_LOCALE[lang], java_script_enabled=False)
    note = (
        "Kommunens säkerhetsfunktion: 010-123 45 67"
        if lang == "sv"
        else "Security unit: 010-123 45 67"
    )

    page.goto("/sign-in")
    check_page(page)
    switch_language(page, lang)
    sign_in_with_password(page, lang, official)
    check_page(page)

    page.goto(f"{MODULE_URL}/steps/2")
    expect_step_page(page, lang, 2)
    check_page(page)
    page.locator("textarea").first.fill(note)
    checklist_item(page, lang, 2).check()
    click_and_wait(page, page.get_by_role("button", name=words["save_done"], exact=True))
    expect_step_page(page, lang, 3)
    check_page(page)

    page.goto(f"{MODULE_URL}/steps/2")
    expect_step_page(page, lang, 2)
    check_page(page)
    expect(page.locator("textarea").first).to_have_value(note)
    expect(checklist_item(page, lang, 2)).to_be_checked()
    expect(page.get_by_role("button", name=words["save_done"], exact=True)).to_have_count(0)

    page.goto("/")
    check_page(page)
    expect(module_link(page, lang)).to_have_accessible_description(words["in_progress"])
