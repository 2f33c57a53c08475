"""Helpers for tests that answer a module's knowledge check through the web form."""

import re

from course_app.catalog import Question, Quiz
from tests.conftest import csrf_from


def check_url(module_id: str) -> str:
    return f"/modules/{module_id}/check"


def hidden(html: str, name: str) -> str:
    """Return the value of a hidden field on the page."""
    match = re.search(rf'name="{name}" type="hidden" value="([^"]*)"', html) or re.search(
        rf'id="{name}" name="{name}" type="hidden" value="([^"]*)"', html
    )
    assert match, f"no hidden field {name}"
    return match.group(1)


def drawn(html: str, quiz: Quiz) -> tuple[Question, ...]:
    """Return the questions the check form on the page asks, in the page's order."""
    ids = list(dict.fromkeys(re.findall(r'<fieldset id="q-([^"]+)"', html)))
    questions = tuple(quiz.question(question_id) for question_id in ids)
    assert questions and None not in questions, ids
    return questions


def answers(questions, wrong: int = 0) -> dict[str, list[str]]:
    """Return form data answering every question right, except the first `wrong` ones."""
    data = {}
    for index, question in enumerate(questions):
        chosen = sorted(question.correct_ids)
        if index < wrong:
            chosen = [next(o.id for o in question.options if not o.correct)]
        data[f"q-{question.id}"] = chosen
    return data


def check_form_data(html: str, quiz: Quiz, wrong: int = 0) -> dict:
    """Return the full form data for the check on the page."""
    return {
        "csrf_token": csrf_from(html),
        "draw": hidden(html, "draw"),
        **answers(drawn(html, quiz), wrong),
    }


def answer_check(client, quiz: Quiz, wrong: int = 0):
    """Open the check, answer it (right except `wrong` questions) and send it."""
    url = check_url(quiz.module_id)
    html = client.get(url).get_data(as_text=True)
    return client.post(url, data=check_form_data(html, quiz, wrong))
