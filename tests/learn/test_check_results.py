"""The result of a knowledge check: a failed attempt says which answers were wrong and where the
course teaches them, never the right answers; once the check is passed, every option's feedback."""

import pytest
from markupsafe import escape

from tests.learn.helpers import check_form_data, check_url, drawn

MODULE = "om-nagot-hander"
RESULT = f"/modules/{MODULE}/check/result"


@pytest.fixture
def module(app):
    return app.extensions["catalog"].module(MODULE)


def send(client, module, wrong: int = 0):
    """Answer a fresh draw (right except the first `wrong`); return the questions it asked."""
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    client.post(check_url(MODULE), data=check_form_data(html, module.quiz, wrong))
    return drawn(html, module.quiz)


def shown(html: str, text: str) -> bool:
    return str(escape(text)) in html


def step_link(module, question) -> str:
    step = module.step_with_id(question.step_id)
    return f'<a href="/modules/{MODULE}/steps/{step.number}">Steg {step.number}: '


def item_of(html: str, question) -> str:
    """Return the part of the result page about one question."""
    start = html.index(f"<h3>{escape(question.text('sv'))}</h3>")
    end = html.find('<li class="feedback-question">', start)
    return html[start : end if end > 0 else len(html)]


def test_a_failed_attempt_names_the_wrong_answers_and_their_steps_but_no_right_answer(
    client, module
):
    asked = send(client, module, wrong=2)
    html = client.get(RESULT).get_data(as_text=True)
    assert "Inte godkänd än" in html and "Vilka svar som var fel" in html
    for number, question in enumerate(asked):
        item = item_of(html, question)
        if number < 2:
            assert "Fel" in item and step_link(module, question) in item
        else:
            assert "Rätt" in item and step_link(module, question) not in item
        for option in question.options:
            assert not shown(html, option.explanation("sv")), option.id
            if option.correct:
                assert not shown(html, option.text("sv")), option.id
    assert "Ditt svar" not in html and "Rätt svar" not in html


def test_a_passed_attempt_shows_the_feedback_on_every_option(client, module):
    asked = send(client, module)
    html = client.get(RESULT).get_data(as_text=True)
    assert "Godkänd" in html and "Dina svar, med förklaringar" in html
    for question in asked:
        item = item_of(html, question)
        assert step_link(module, question) in item
        for option in question.options:
            assert shown(item, option.text("sv")) and shown(item, option.explanation("sv"))


def test_once_passed_the_earlier_failed_attempts_show_their_feedback_too(
    client, create_user, login_as, module
):
    login_as(client, create_user())
    failed = send(client, module, wrong=3)
    before = client.get(f"{RESULT}?attempt=1").get_data(as_text=True)
    assert not any(shown(before, o.explanation("sv")) for q in failed for o in q.options)
    send(client, module)
    send(client, module, wrong=4)  # a retake after the pass
    page = client.get(RESULT).get_data(as_text=True)
    assert "Försök 3 av 3" in page and "Inte godkänd än" in page
    first = client.get(f"{RESULT}?attempt=1").get_data(as_text=True)
    assert "Försök 1 av 3" in first and "Försök 1 (visas ovan)" in first
    for question in failed:
        for option in question.options:
            assert shown(first, option.explanation("sv"))


def test_the_history_links_every_other_attempt(client, create_user, login_as, module):
    login_as(client, create_user())
    for wrong in (3, 2, 1):
        send(client, module, wrong=wrong)
    html = client.get(RESULT).get_data(as_text=True)
    assert "<caption>Dina försök</caption>" in html
    for number in (1, 2):
        assert f'<a href="{RESULT}?attempt={number}">Försök {number}</a>' in html
    assert "Försök 3 (visas ovan)" in html


@pytest.mark.parametrize("number", ["0", "2", "-1"])
def test_an_attempt_that_is_not_there_is_not_found(client, module, number):
    send(client, module, wrong=1)
    assert client.get(f"{RESULT}?attempt={number}").status_code == 404


def test_another_users_attempts_are_not_reachable_by_number(
    client, app, create_user, login_as, module
):
    first = create_user()
    login_as(client, first)
    send(client, module)
    send(client, module)
    login_as(client, create_user(org=first.organisation_id))
    send(client, module, wrong=1)
    assert client.get(f"{RESULT}?attempt=2").status_code == 404
    assert "Försök" not in client.get(f"{RESULT}?attempt=1").get_data(as_text=True)
