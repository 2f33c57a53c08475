"""An official takes the whole module, its knowledge check too, with the keyboard alone."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import (
    LANGS,
    OTHER,
    START_LOCALE,
    UI,
    assert_first_tab_is_skip_link,
    check_page,
    checklist_item,
    choose_answers_with_keyboard,
    expect_check_page,
    expect_lang,
    expect_result,
    expect_step_page,
    follow,
    header_sign_in_link,
    module_link,
    quiz_of,
    right_answers,
    send_answers_button,
    sign_in_button,
    signed_in_as,
    step_link,
    tab_to,
)

pytestmark = pytest.mark.browser


def note_text(lang: str, step: int, question: int) -> str:
    prefix = "Min anteckning" if lang == "sv" else "My note"
    return f"{prefix} {step}.{question}: ring säkerhetsfunktionen först"


def sign_in(page: Page, lang: str, official) -> None:
    """On the sign-in page, type the e-mail address and the password, and press the button."""
    words = UI[lang]
    tab_to(page, page.get_by_label(words["email"], exact=True))
    page.keyboard.type(official.email)
    page.keyboard.press("Tab")
    expect(page.get_by_label(words["password"], exact=True)).to_be_focused()
    page.keyboard.type(official.password)
    follow(page, sign_in_button(page, lang))
    expect(signed_in_as(page, lang, official.email)).to_be_visible()


def open_step_one(page: Page, lang: str) -> None:
    """From the overview, go to the module and then to its first step."""
    follow(page, module_link(page, lang))
    follow(page, step_link(page, lang, 1))
    expect_step_page(page, lang, 1)


@LANGS
def test_official_takes_the_module_with_the_keyboard_only(new_page, live_server, official, lang):
    words = UI[lang]
    page = new_page(locale=START_LOCALE[lang])

    page.goto("/sign-in")
    check_page(page)
    assert_first_tab_is_skip_link(page)
    # The browser prefers the other language: sign in in it, then switch with the header button.
    sign_in(page, OTHER[lang], official)
    follow(page, page.get_by_role("button", name=words["switch_to"], exact=True))
    expect_lang(page, lang)
    expect(module_link(page, lang)).to_have_accessible_description(words["not_started"])
    open_step_one(page, lang)

    for number in (1, 2, 3):
        expect_step_page(page, lang, number)
        notes = page.locator("textarea")
        expect(notes).to_have_count(3)
        for question in range(3):
            tab_to(page, notes.nth(question))
            page.keyboard.type(note_text(lang, number, question + 1))
        item = checklist_item(page, lang, number)
        tab_to(page, item)
        page.keyboard.press("Space")
        expect(item).to_be_checked()
        # Shift+Tab leads back from the checklist to the last note, which kept its text.
        tab_to(page, notes.nth(2), backwards=True)
        expect(notes.nth(2)).to_have_value(note_text(lang, number, 3))
        follow(page, page.get_by_role("button", name=words["save_done"], exact=True))
        expect(page.get_by_role("status")).to_be_visible()

    # After step 3 comes the knowledge check: the module is complete once it is passed.
    expect(page.get_by_role("status")).to_have_text(words["check_banner"])
    quiz = expect_check_page(page, lang, "organisation", quiz_of(live_server, "organisation"))
    chosen = right_answers(quiz)
    choose_answers_with_keyboard(page, lang, quiz, chosen)
    follow(page, send_answers_button(page, lang))
    completed = words["module_completed"].format(title=words["module"])
    expect(page.get_by_role("status")).to_have_text(completed)
    expect_result(page, lang, "organisation", quiz, chosen)

    # The module page says the module is complete (its status follows the heading; each step
    # below is tagged as done as well), and so does the overview.
    follow(page, module_link(page, lang))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["module"])
    expect(page.locator("h1 + p").get_by_text(words["complete"], exact=True)).to_be_visible()
    follow(page, page.get_by_role("link", name="Tryggt uppdrag", exact=True))
    expect(module_link(page, lang)).to_have_accessible_description(words["complete"])

    # Sign out with the header button and sign in again: the notes are still there.
    follow(page, page.get_by_role("button", name=words["sign_out"], exact=True))
    expect(signed_in_as(page, lang, official.email)).to_have_count(0)
    expect_lang(page, lang)
    follow(page, header_sign_in_link(page, lang))
    sign_in(page, lang, official)
    expect(module_link(page, lang)).to_have_accessible_description(words["complete"])
    open_step_one(page, lang)
    notes = page.locator("textarea")
    for question in range(3):
        expect(notes.nth(question)).to_have_value(note_text(lang, 1, question + 1))
    expect(checklist_item(page, lang, 1)).to_be_checked()
