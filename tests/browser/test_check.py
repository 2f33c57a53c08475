"""The knowledge check: a module is complete when its three steps are done and the check passed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import (
    LANGS,
    START_LOCALE,
    UI,
    allow_http_error,
    check_page,
    choose_answers,
    choose_answers_with_keyboard,
    click_and_wait,
    contacts_box,
    expect_check_page,
    expect_error_summary_for_every_question,
    expect_national_numbers,
    expect_result,
    follow,
    option_box,
    question_group,
    quiz_of,
    right_answers,
    send_answers_button,
    sign_in_with_password,
    switch_language,
)

pytestmark = pytest.mark.browser

MODULE = "om-nagot-hander"

WORDS = {
    "sv": {
        "module": "Om något händer",
        "steps": [
            "Berätta och få hjälp direkt",
            "Anmäl till polisen och skriv en incidentrapport",
            "Stöd, skydd och vad som händer sedan",
        ],
        "start": "Starta modulen",
        "step_done": "Steg {number} är markerat som klart.",
        "the_course": "Kursen",
        "take_check": "Gör kunskapskontrollen",
        "attempts": "Dina försök",
        "attempt_1": "Försök 1",
        "not_passed": "Inte godkänd",
        "steps_left": (
            "Du är godkänd på kontrollen. "
            "Markera alla tre stegen som klara för att bli klar med modulen."
        ),
    },
    "en": {
        "module": "If something happens",
        "steps": [
            "Tell someone and get help straight away",
            "Report to the police and write an incident report",
            "Support, protection and what happens next",
        ],
        "start": "Start the module",
        "step_done": "Step {number} is marked as done.",
        "the_course": "The course",
        "take_check": "Take the knowledge check",
        "attempts": "Your attempts",
        "attempt_1": "Attempt 1",
        "not_passed": "Not passed",
        "steps_left": (
            "You have passed the check. Mark all three steps as done to complete the module."
        ),
    },
}


def sign_in(page, lang: str, official) -> None:
    """Sign in from a browser that prefers the other language, switching to lang first."""
    page.goto("/sign-in")
    switch_language(page, lang)
    sign_in_with_password(page, lang, official)


def module_link(page, lang: str):
    return page.get_by_role("link", name=WORDS[lang]["module"], exact=True)


@LANGS
def test_official_fails_the_check_then_passes_and_completes_the_module(
    new_page, live_server, official, lang
):
    ui, words = UI[lang], WORDS[lang]
    pool = quiz_of(live_server, MODULE)
    organisation = live_server.organisation_name()
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, official)

    page.goto(f"/modules/{MODULE}")
    expect(page.get_by_role("heading", level=1)).to_have_text(words["module"])
    check_page(page)
    click_and_wait(page, page.get_by_role("link", name=words["start"], exact=True))

    # The three steps: each tells whom to contact (nothing is filled in for this organisation
    # yet, so it says to ask the security unit); the last one ends with the sources.
    for number in (1, 2, 3):
        expect(page).to_have_url(re.compile(rf"/modules/{MODULE}/steps/{number}$"))
        expect(page.get_by_role("heading", level=1)).to_have_text(words["steps"][number - 1])
        box = contacts_box(page, lang, organisation)
        expect(box).to_be_visible()
        expect_national_numbers(box, lang)
        expect(box.get_by_text(ui["ask_security_unit"], exact=True).first).to_be_visible()
        sources = page.get_by_role("heading", name=ui["sources"], exact=True)
        expect(sources).to_have_count(1 if number == 3 else 0)
        check_page(page)
        click_and_wait(page, page.get_by_role("button", name=ui["save_done"], exact=True))
        if number < 3:
            done = words["step_done"].format(number=number)
            expect(page.get_by_role("status")).to_have_text(done)

    # Step 3 leads to the check, which says that it is what is left to do. It asks some of the
    # module's questions, each step's share.
    expect(page.get_by_role("status")).to_have_text(ui["check_banner"])
    quiz = expect_check_page(page, lang, MODULE, pool)
    check_page(page)

    # Sending nothing: an error summary names every unanswered question.
    allow_http_error(page, 400)
    click_and_wait(page, send_answers_button(page, lang))
    expect_error_summary_for_every_question(page, lang, quiz)
    check_page(page)

    # Two wrong answers: not passed. The result names the wrong ones and the steps that teach
    # them, and shows no right answer.
    failing = right_answers(quiz, wrong=2)
    choose_answers(page, lang, quiz, failing)
    click_and_wait(page, send_answers_button(page, lang))
    expect_result(page, lang, MODULE, quiz, failing)
    expect(page.get_by_role("link", name=ui["again"], exact=True)).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)
    check_page(page)

    # Three steps done is not enough: the module is still in progress, the check not passed.
    main = page.get_by_role("main")
    click_and_wait(page, main.get_by_role("link", name=words["the_course"], exact=True))
    expect(module_link(page, lang)).to_have_accessible_description(ui["in_progress"])
    check_page(page)
    click_and_wait(page, module_link(page, lang))
    check_link = page.get_by_role("link", name=ui["check"], exact=True)
    expect(check_link).to_have_accessible_description(ui["not_passed"])
    check_page(page)

    # The check again: a fresh form with new questions first, and this time every answer is
    # right.
    click_and_wait(page, page.get_by_role("link", name=words["take_check"], exact=True))
    first = quiz
    quiz = expect_check_page(page, lang, MODULE, pool)
    assert {q.id for q in quiz.questions} != {q.id for q in first.questions}
    for question in quiz.questions:  # a fresh form: nothing is chosen
        group = question_group(page, lang, quiz, question)
        expect(group.get_by_role("radio", checked=True)).to_have_count(0)
        expect(group.get_by_role("checkbox", checked=True)).to_have_count(0)
    check_page(page)
    passing = right_answers(quiz)
    choose_answers(page, lang, quiz, passing)
    click_and_wait(page, send_answers_button(page, lang))
    completed = ui["module_completed"].format(title=words["module"])
    expect(page.get_by_role("status")).to_have_text(completed)
    expect_result(page, lang, MODULE, quiz, passing)
    expect(page.get_by_role("link", name=ui["again"], exact=True)).to_have_count(0)
    attempts = page.get_by_role("table", name=words["attempts"])
    expect(attempts.get_by_role("row")).to_have_count(3)  # the header and two attempts
    expect(attempts.get_by_role("cell", name=ui["passed"], exact=True)).to_have_count(1)
    expect(attempts.get_by_role("cell", name=words["not_passed"], exact=True)).to_have_count(1)
    check_page(page)

    # Passed, the first attempt's answers are explained too.
    click_and_wait(page, attempts.get_by_role("link", name=words["attempt_1"], exact=True))
    expect_result(page, lang, MODULE, first, failing, revealed=True)
    check_page(page)

    click_and_wait(page, page.get_by_role("link", name=ui["back_to_overview"], exact=True))
    expect(module_link(page, lang)).to_have_accessible_description(ui["complete"])
    check_page(page)


@LANGS
def test_official_takes_the_check_with_the_keyboard_only(new_page, live_server, official, lang):
    ui, words = UI[lang], WORDS[lang]
    module = "demokratiska-samtalet"
    pool = quiz_of(live_server, module)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, official)
    page.goto(f"/modules/{module}/check")
    quiz = expect_check_page(page, lang, module, pool)
    check_page(page)

    # Sending nothing: the error summary takes the focus, and its first link puts the focus on
    # the first option of the first question.
    allow_http_error(page, 400)
    follow(page, send_answers_button(page, lang))
    expect_error_summary_for_every_question(page, lang, quiz)
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    page.keyboard.press("Tab")
    first_error = summary.get_by_role("link", name=ui["answer_question"].format(number=1))
    expect(first_error).to_be_focused()
    page.keyboard.press("Enter")
    first = quiz.questions[0]
    first_box = (
        question_group(page, lang, quiz, first)
        .get_by_role("checkbox" if first.multiple else "radio")
        .first
    )
    expect(first_box).to_be_focused()

    # Two wrong answers: not passed.
    failing = right_answers(quiz, wrong=2)
    choose_answers_with_keyboard(page, lang, quiz, failing)
    follow(page, send_answers_button(page, lang))
    expect_result(page, lang, module, quiz, failing)

    # Again, from the result page: all right. The steps are not done, so the page says so.
    follow(page, page.get_by_role("link", name=ui["again"], exact=True))
    quiz = expect_check_page(page, lang, module, pool)
    passing = right_answers(quiz)
    choose_answers_with_keyboard(page, lang, quiz, passing)
    follow(page, send_answers_button(page, lang))
    expect_result(page, lang, module, quiz, passing)
    expect(page.get_by_text(words["steps_left"])).to_be_visible()
    expect(page.get_by_role("status")).to_have_count(0)


@LANGS
def test_official_takes_the_check_without_javascript(new_page, live_server, official, lang):
    ui = UI[lang]
    module = "sexistiskt-hot"
    page = new_page(locale=START_LOCALE[lang], java_script_enabled=False)
    sign_in(page, lang, official)
    page.goto(f"/modules/{module}/check")
    quiz = expect_check_page(page, lang, module, quiz_of(live_server, module))
    check_page(page)

    allow_http_error(page, 400)
    click_and_wait(page, send_answers_button(page, lang))
    expect_error_summary_for_every_question(page, lang, quiz)
    check_page(page)

    # Half the questions answered: the summary names only the others, and the answers stay.
    passing = right_answers(quiz)
    half = len(quiz.questions) // 2
    answered, unanswered = quiz.questions[:half], quiz.questions[half:]
    choose_answers(
        page,
        lang,
        quiz,
        {q.id: passing[q.id] for q in answered} | {q.id: frozenset() for q in unanswered},
    )
    click_and_wait(page, send_answers_button(page, lang))
    summary = page.locator(".error-summary")
    for number, question in enumerate(quiz.questions, start=1):
        message = ui["answer_question"].format(number=number)
        link = summary.get_by_role("link", name=message, exact=True)
        expect(link).to_have_count(0 if question in answered else 1)
    for question in answered:
        for option in question.options:
            box = option_box(page, lang, quiz, question, option)
            (expect(box).to_be_checked if option.correct else expect(box).not_to_be_checked)()
    check_page(page)
    choose_answers(page, lang, quiz, passing)
    click_and_wait(page, send_answers_button(page, lang))
    expect_result(page, lang, module, quiz, passing)
    check_page(page)
