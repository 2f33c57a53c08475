"""The check and the contacts in their other states: as a guest, expired, changed, in conflict."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LANGS,
    START_LOCALE,
    allow_http_error,
    check_page,
    choose_answers,
    click_and_wait,
    expect_check_page,
    option_box,
    quiz_of,
    right_answers,
    send_answers_button,
    sign_in_with_password,
    switch_language,
)

pytestmark = pytest.mark.browser

MODULE = "organisation"

WORDS = {
    "sv": {
        "stale_check": "dina svar skickades inte",
        "changed": "Frågorna ändrades medan sidan var öppen",
        "not_kept": "De svaren sparades inte",
        "conflict": "Någon annan sparade kontakterna",
        "stale_contacts": "inget sparades",
        "phone": "Säkerhetsfunktionens telefonnummer",
        "save": "Spara kontakterna",
    },
    "en": {
        "stale_check": "your answers were not sent",
        "changed": "The questions changed while the page was open",
        "not_kept": "Those answers were not kept",
        "conflict": "Someone else saved the contacts",
        "stale_contacts": "nothing was saved",
        "phone": "Phone number of the security unit",
        "save": "Save the contacts",
    },
}


def _spoil(page, name: str) -> None:
    """Give the form's hidden field a value the server no longer accepts."""
    page.eval_on_selector_all(f"main input[name={name}]", "els => els.forEach(e => e.value = 'x')")


@LANGS
def test_guest_check_expired_changed_and_carried_over_at_sign_in(
    new_page, live_server, official, lang
):
    words = WORDS[lang]
    pool = quiz_of(live_server, MODULE)
    page = new_page(locale=START_LOCALE[lang])
    page.goto(f"/modules/{MODULE}/check")
    switch_language(page, lang)
    quiz = expect_check_page(page, lang, MODULE, pool)
    first = quiz.questions[0]
    check_page(page)

    # An expired form: nothing is scored, and the chosen answers are still chosen.
    passing = right_answers(quiz)
    choose_answers(page, lang, quiz, passing)
    allow_http_error(page, 400)
    _spoil(page, "csrf_token")
    click_and_wait(page, send_answers_button(page, lang))
    expect(page.get_by_role("alert")).to_contain_text(words["stale_check"])
    chosen = next(o for o in first.options if o.id in passing[first.id])
    expect(option_box(page, lang, quiz, first, chosen)).to_be_checked()
    check_page(page)

    # A form for questions that have since changed (or changed by hand): answered again from a
    # fresh form, with nothing chosen.
    allow_http_error(page, 409)
    _spoil(page, "draw")
    click_and_wait(page, send_answers_button(page, lang))
    expect(page.get_by_role("alert")).to_contain_text(words["changed"])
    quiz = expect_check_page(page, lang, MODULE, pool)
    expect(page.locator("main input[type=radio]:checked")).to_have_count(0)
    expect(page.locator("main input[type=checkbox]:checked")).to_have_count(0)
    check_page(page)

    # Passed as a guest, then failed a retake; the pass is kept at sign-in, without its answers.
    passing = right_answers(quiz)
    choose_answers(page, lang, quiz, passing)
    click_and_wait(page, send_answers_button(page, lang))
    check_page(page)
    page.goto(f"/modules/{MODULE}/check")
    quiz = expect_check_page(page, lang, MODULE, pool)
    choose_answers(page, lang, quiz, right_answers(quiz, wrong=4))
    click_and_wait(page, send_answers_button(page, lang))
    page.goto("/sign-in")
    sign_in_with_password(page, lang, official)
    page.goto(f"/modules/{MODULE}/check/result")
    expect(page.get_by_role("main")).to_contain_text(words["not_kept"])
    check_page(page)


@LANGS
def test_contacts_in_conflict_and_expired(new_page, live_server, lang):
    words = WORDS[lang]
    editor = live_server.create_security_unit(org_id=live_server.create_organisation())
    page = new_page(locale=START_LOCALE[lang])
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, editor)
    page.goto("/security-unit/contacts")
    other = page.context.new_page()
    other.goto("/security-unit/contacts")

    # Someone saves in another tab first: this save is refused and what was typed stays.
    other.get_by_label(words["phone"], exact=True).fill("021-11 11 11")
    click_and_wait(other, other.get_by_role("button", name=words["save"], exact=True))
    page.get_by_label(words["phone"], exact=True).fill("021-22 22 22")
    allow_http_error(page, 409)
    click_and_wait(page, page.get_by_role("button", name=words["save"], exact=True))
    expect(page.get_by_role("alert")).to_contain_text(words["conflict"])
    expect(page.get_by_label(words["phone"], exact=True)).to_have_value("021-22 22 22")
    check_page(page)

    # An expired form: nothing is saved, and what was typed stays.
    allow_http_error(page, 400)
    _spoil(page, "csrf_token")
    click_and_wait(page, page.get_by_role("button", name=words["save"], exact=True))
    expect(page.get_by_role("alert")).to_contain_text(words["stale_contacts"])
    expect(page.get_by_label(words["phone"], exact=True)).to_have_value("021-22 22 22")
    check_page(page)
