"""The knowledge check: a normal form of drawn questions, scored, every attempt kept once."""

import dataclasses
import re

import pytest
from markupsafe import escape
from sqlalchemy import select

from course_app.extensions import db
from course_app.learn.check_draw import Draw, sign
from course_app.learn.progress import Attempt, UserProgress
from course_app.models import ModuleCompletion, QuizAttempt
from tests.conftest import TEST_PASSWORD, csrf_from
from tests.learn.helpers import (
    answer_check,
    answers,
    check_form_data,
    check_url,
    drawn,
    hidden,
)

MODULE = "om-nagot-hander"
RESULT = f"/modules/{MODULE}/check/result"


@pytest.fixture
def module(app):
    return app.extensions["catalog"].module(MODULE)


def finish_steps(client, module) -> None:
    for step in module.steps:
        url = f"/modules/{module.id}/steps/{step.number}"
        html = client.get(url).get_data(as_text=True)
        client.post(url, data={"csrf_token": csrf_from(html), "done": "x"})


def is_checked(html: str, question_id: str, option_id: str) -> bool:
    tag = re.search(rf'<input[^>]*name="q-{question_id}"[^>]*value="{option_id}"[^>]*>', html)
    assert tag, f"no option {option_id}"
    return " checked" in tag.group(0)


def attempts_of(app, user_id: int) -> list[QuizAttempt]:
    with app.app_context():
        stmt = select(QuizAttempt).where(QuizAttempt.user_id == user_id).order_by(QuizAttempt.id)
        return list(db.session.scalars(stmt))


def completions_of(app, user_id: int) -> list[ModuleCompletion]:
    with app.app_context():
        stmt = select(ModuleCompletion).where(ModuleCompletion.user_id == user_id)
        return list(db.session.scalars(stmt))


@pytest.mark.parametrize(
    ("lang", "heading", "hint"),
    [("sv", "Kunskapskontroll", "Välj alla som stämmer."), ("en", "Knowledge check", "Choose all")],
)
def test_check_page_lists_the_drawn_questions_with_their_options(
    client, module, lang, heading, hint
):
    html = client.get(check_url(MODULE), headers={"Accept-Language": lang}).get_data(as_text=True)
    assert f"<h1>{heading}</h1>" in html
    asked = drawn(html, module.quiz)
    assert html.count("<fieldset") == len(asked) == module.quiz.asked_count
    for question in module.quiz.questions:
        if question not in asked:
            assert str(escape(question.text(lang))) not in html
    for question in asked:
        assert str(escape(question.text(lang))) in html
        kind = "checkbox" if question.multiple else "radio"
        for option in question.options:
            assert f'name="q-{question.id}" type="{kind}" value="{option.id}"' in html
    assert hint in html or not any(q.multiple for q in asked)
    assert "80 %" in html


def test_passing_stores_the_attempt_and_shows_feedback_on_every_option(
    client, app, create_user, login_as, module
):
    user = create_user()
    login_as(client, user)
    page = client.get(check_url(MODULE)).get_data(as_text=True)
    asked = drawn(page, module.quiz)
    response = client.post(check_url(MODULE), data=check_form_data(page, module.quiz))
    assert response.headers["Location"] == RESULT
    html = client.get(RESULT).get_data(as_text=True)
    total = module.quiz.asked_count
    assert f"{total} av {total} rätt (100 %)" in html
    assert "Godkänd" in html
    for question in asked:
        for option in question.options:
            assert str(escape(option.explanation("sv"))) in html
        step = module.step_with_id(question.step_id)
        assert step is not None, f"{question.id} names no step that teaches it"
        assert f'<a href="/modules/{MODULE}/steps/{step.number}">Steg {step.number}:' in html
    [attempt] = attempts_of(app, user.id)
    assert attempt.passed and attempt.correct == attempt.total == total
    assert attempt.quiz_version == module.quiz.version
    # The attempt keeps which questions it asked: one answer for each, and no other.
    assert attempt.answers == {q.id: sorted(q.correct_ids) for q in asked}


def test_failing_then_retaking_keeps_every_attempt(client, app, create_user, login_as, module):
    user = create_user()
    login_as(client, user)
    answer_check(client, module.quiz, wrong=3)
    html = client.get(RESULT).get_data(as_text=True)
    assert "Inte godkänd än" in html and "Gör kontrollen igen" in html
    assert "Fel" in html and "Ditt svar" not in html
    answer_check(client, module.quiz)
    html = client.get(RESULT).get_data(as_text=True)
    assert "Dina försök" in html
    total = module.quiz.asked_count
    assert [(a.correct, a.total, a.passed) for a in attempts_of(app, user.id)] == [
        (total - 3, total, False),
        (total, total, True),
    ]


def test_unanswered_question_is_an_error_and_nothing_is_stored(
    client, app, create_user, login_as, module
):
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    data = check_form_data(html, module.quiz)
    first, second = drawn(html, module.quiz)[:2]
    del data[f"q-{first.id}"]
    response = client.post(check_url(MODULE), data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Fel: " in page
    assert f'<a href="#q-{first.id}-0">Svara på fråga 1</a>' in page
    assert is_checked(page, second.id, sorted(second.correct_ids)[0])
    assert drawn(page, module.quiz) == drawn(html, module.quiz)
    assert attempts_of(app, user.id) == []


def test_an_unknown_option_is_refused(client, app, create_user, login_as, module):
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    data = check_form_data(html, module.quiz)
    data[f"q-{drawn(html, module.quiz)[0].id}"] = ["made-up"]
    assert client.post(check_url(MODULE), data=data).status_code == 400
    assert attempts_of(app, user.id) == []


def test_the_same_form_sent_twice_records_one_attempt(client, app, create_user, login_as, module):
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    data = check_form_data(html, module.quiz)
    first = client.post(check_url(MODULE), data=data)
    assert "redan skickade" not in client.get(RESULT).get_data(as_text=True)
    changed = {**data, **answers(drawn(html, module.quiz), wrong=2)}
    again = client.post(check_url(MODULE), data=changed)
    assert first.headers["Location"] == again.headers["Location"] == RESULT
    html = client.get(RESULT).get_data(as_text=True)
    assert "De här svaren var redan skickade" in html
    total = module.quiz.asked_count
    assert f"{total} av {total} rätt" in html
    assert len(attempts_of(app, user.id)) == 1


def test_a_draw_counts_for_its_own_module_only(client, app, create_user, login_as, module):
    other = app.extensions["catalog"].module("organisation")
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    data = check_form_data(html, module.quiz)
    page = client.get(check_url(other.id)).get_data(as_text=True)
    sent = {**check_form_data(page, other.quiz), "draw": data["draw"]}
    assert client.post(check_url(other.id), data=sent).status_code == 409
    client.post(check_url(MODULE), data=data)
    client.post(check_url(other.id), data=check_form_data(page, other.quiz))
    assert {a.module_id for a in attempts_of(app, user.id)} == {MODULE, other.id}


def test_double_submit_racing_keeps_one_attempt(app, create_user, module):
    user = create_user()
    with app.test_request_context():
        progress = UserProgress(user.id)
        state = progress.state(module)
        asked = module.quiz.questions[: module.quiz.asked_count]
        answers = {q.id: q.correct_ids for q in asked}
        for _ in range(2):
            attempt = Attempt.scored(module.quiz, answers, asked)
            progress.record_attempt(module, "same-form", attempt, state)
        db.session.commit()
    assert len(attempts_of(app, user.id)) == 1


def test_a_form_for_changed_questions_is_not_scored(client, app, create_user, login_as, module):
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    changed = dataclasses.replace(module.quiz, version="a-newer-version")
    with app.test_request_context():
        old = sign(Draw("t" * 32, drawn(html, module.quiz)), changed)
    data = {**check_form_data(html, module.quiz), "draw": old}
    response = client.post(check_url(MODULE), data=data)
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Frågorna ändrades medan sidan var öppen" in page
    assert hidden(page, "draw") != old and "checked" not in page
    assert attempts_of(app, user.id) == []


def test_an_expired_form_keeps_the_answers_and_records_nothing(
    client, app, create_user, login_as, module
):
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    data = {**check_form_data(html, module.quiz), "csrf_token": "expired"}
    response = client.post(check_url(MODULE), data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "dina svar skickades inte" in page
    first = drawn(html, module.quiz)[0]
    assert is_checked(page, first.id, sorted(first.correct_ids)[0])
    assert hidden(page, "draw") == data["draw"]
    assert attempts_of(app, user.id) == []
    fresh = {**data, "csrf_token": csrf_from(page)}
    assert client.post(check_url(MODULE), data=fresh).headers["Location"] == RESULT
    assert len(attempts_of(app, user.id)) == 1


def test_module_is_complete_only_with_steps_done_and_check_passed(
    client, app, create_user, login_as, module
):
    user = create_user()
    login_as(client, user)
    answer_check(client, module.quiz, wrong=4)
    finish_steps(client, module)
    assert completions_of(app, user.id) == []
    assert "Pågår" in client.get("/").get_data(as_text=True)
    response = answer_check(client, module.quiz)
    assert "Du har gått klart modulen" in client.get(response.headers["Location"]).get_data(
        as_text=True
    )
    [completion] = completions_of(app, user.id)
    assert completion.module_version == module.version


def test_passing_before_the_steps_completes_the_module_at_the_last_step(
    client, app, create_user, login_as, module
):
    user = create_user()
    login_as(client, user)
    answer_check(client, module.quiz)
    html = client.get(RESULT).get_data(as_text=True)
    assert "Markera alla tre stegen som klara" in html
    assert completions_of(app, user.id) == []
    finish_steps(client, module)
    assert len(completions_of(app, user.id)) == 1


def test_one_users_attempts_are_not_shown_to_another(client, app, create_user, login_as, module):
    first = create_user()
    other = create_user(org=first.organisation_id)
    login_as(client, first)
    answer_check(client, module.quiz)
    login_as(client, other)
    assert client.get(RESULT).headers["Location"] == check_url(MODULE)
    assert "Du blev godkänd" not in client.get(check_url(MODULE)).get_data(as_text=True)


def test_guest_takes_the_check_and_keeps_the_pass_at_sign_in(client, app, create_user, module):
    user = create_user(password=TEST_PASSWORD)
    finish_steps(client, module)
    answer_check(client, module.quiz, wrong=3)
    answer_check(client, module.quiz)
    html = client.get(RESULT).get_data(as_text=True)
    assert "Godkänd" in html and "Du gick klart modulen" in html
    page = client.get("/sign-in").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "email": user.email, "password": TEST_PASSWORD}
    client.post("/sign-in", data=data)
    [attempt] = attempts_of(app, user.id)
    assert attempt.passed
    assert len(completions_of(app, user.id)) == 1


def test_check_and_result_pages_make_a_constant_number_of_queries(
    client, app, create_user, login_as, count_queries, module
):
    user = create_user()
    login_as(client, user)
    answer_check(client, module.quiz, wrong=2)
    with count_queries() as once:
        client.get(RESULT)
    for _ in range(5):
        answer_check(client, module.quiz, wrong=1)
    with count_queries() as many:
        client.get(RESULT)
    with count_queries() as form:
        client.get(check_url(MODULE))
    assert len(once) == len(many) <= 3, many
    assert len(form) <= 2, form


@pytest.mark.parametrize("path", ["/modules/nope/check", "/modules/nope/check/result"])
def test_unknown_module_has_no_check(client, path):
    assert client.get(path).status_code == 404


def test_guest_pass_is_kept_at_sign_in_even_after_a_failed_retake(client, app, create_user, module):
    user = create_user(password=TEST_PASSWORD)
    answer_check(client, module.quiz)
    answer_check(client, module.quiz, wrong=4)
    page = client.get("/sign-in").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "email": user.email, "password": TEST_PASSWORD}
    client.post("/sign-in", data=data)
    [attempt] = attempts_of(app, user.id)
    assert attempt.passed and attempt.correct == module.quiz.asked_count
    html = client.get(RESULT).get_data(as_text=True)
    assert "Godkänd" in html and "De svaren sparades inte" in html
    assert "Fel" not in html and "Ditt svar" not in html


def test_a_guest_who_does_the_whole_course_fits_in_the_session_cookie(client, app):
    for course_module in app.extensions["catalog"].modules:
        finish_steps(client, course_module)
        answer_check(client, course_module.quiz, wrong=3)
        answer_check(client, course_module.quiz)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    assert cookie is not None
    assert len(cookie.value) < 3000, len(cookie.value)
    overview = client.get("/").get_data(as_text=True)
    total = len(app.extensions["catalog"].modules)
    assert f"Du har gått klart {total} av {total} moduler." in overview


def option_order(html: str, question_id: str) -> list[str]:
    return re.findall(rf'name="q-{question_id}" type="\w+" value="([^"]+)"', html)


def test_options_are_shuffled_per_form_and_kept_when_shown_again(client, module):
    pages = [client.get(check_url(MODULE)).get_data(as_text=True) for _ in range(6)]
    shown = [(page, q) for page in pages for q in drawn(page, module.quiz)]
    firsts = {option_order(page, q.id)[0] for page, q in shown}
    correct = {o for q in module.quiz.questions for o in q.correct_ids}
    assert firsts - correct, "the right answer should not always come first"
    page = pages[0]
    data = check_form_data(page, module.quiz)
    first = drawn(page, module.quiz)[0]
    del data[f"q-{first.id}"]
    again = client.post(check_url(MODULE), data=data).get_data(as_text=True)
    for question in drawn(page, module.quiz):
        assert option_order(again, question.id) == option_order(page, question.id)
        assert sorted(option_order(page, question.id)) == sorted(o.id for o in question.options)
