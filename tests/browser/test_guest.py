"""A guest reads the module, then signs in and keeps what was done in the browser."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LANGS,
    MODULE_URL,
    START_LOCALE,
    UI,
    assert_first_tab_is_skip_link,
    check_page,
    checklist_item,
    click_and_wait,
    expect_step_page,
    header_sign_in_link,
    module_link,
    sign_in_with_password,
    step_link,
    switch_language,
)

pytestmark = pytest.mark.browser


@LANGS
def test_guest_reads_the_module_then_signs_in_and_keeps_progress(new_page, official, lang):
    words = UI[lang]
    page = new_page(locale=START_LOCALE[lang])

    page.goto("/")
    check_page(page)
    assert_first_tab_is_skip_link(page)
    switch_language(page, lang)

    # The overview names the module's status in words, tied to the module's link.
    link = module_link(page, lang)
    expect(link).to_have_accessible_description(words["not_started"])
    click_and_wait(page, link)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["module"])
    check_page(page)
    assert_first_tab_is_skip_link(page)

    click_and_wait(page, step_link(page, lang, 1))
    for number in (1, 2, 3):
        expect_step_page(page, lang, number)
        check_page(page)
        # A guest is offered to sign in, and has no note fields.
        offer = page.locator(".notice").get_by_role("link")
        expect(offer).to_have_attribute("href", f"/sign-in?next={MODULE_URL}/steps/{number}")
        expect(page.locator("textarea")).to_have_count(0)
        expect(page.get_by_role("textbox")).to_have_count(0)
        if number < 3:
            click_and_wait(page, page.locator("a[rel=next]"))

    # Back to step 1: tick an item and mark the step as done.
    page.goto(f"{MODULE_URL}/steps/1")
    expect_step_page(page, lang, 1)
    check_page(page)
    item = checklist_item(page, lang, 1)
    item.check()
    click_and_wait(page, page.get_by_role("button", name=words["save_done"], exact=True))
    expect_step_page(page, lang, 2)
    expect(page.get_by_role("status")).to_be_visible()
    check_page(page)

    page.goto("/")
    check_page(page)
    expect(module_link(page, lang)).to_have_accessible_description(words["in_progress"])

    # Sign in with a password from the header link: the guest's progress is kept.
    click_and_wait(page, header_sign_in_link(page, lang))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["sign_in"])
    check_page(page)
    sign_in_with_password(page, lang, official)
    check_page(page)
    expect(module_link(page, lang)).to_have_accessible_description(words["in_progress"])

    page.goto(f"{MODULE_URL}/steps/1")
    expect_step_page(page, lang, 1)
    check_page(page)
    expect(item).to_be_checked()
    # The step is done already, so there is nothing left to mark; notes are now offered.
    expect(page.get_by_role("button", name=words["save_done"], exact=True)).to_have_count(0)
    expect(page.get_by_role("button", name=words["save"], exact=True)).to_be_visible()
    expect(page.locator("textarea")).to_have_count(3)
    expect(page.locator(".notice")).to_have_count(0)
