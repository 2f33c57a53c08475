"""The knowledge check's draw: two attempts differ, and a form's draw can't be changed or reused."""

import pytest
from itsdangerous import URLSafeSerializer
from sqlalchemy import select

from course_app.extensions import db
from course_app.learn.check_draw import SALT
from course_app.models import QuizAttempt
from tests.learn.helpers import check_form_data, check_url, drawn, hidden

MODULE = "om-nagot-hander"
CHANGED = "Frågorna ändrades medan sidan var öppen"


@pytest.fixture
def quiz(app):
    return app.extensions["catalog"].module(MODULE).quiz


def ids(html: str, quiz) -> list[str]:
    return [q.id for q in drawn(html, quiz)]


def stored(app, user_id: int) -> list[QuizAttempt]:
    with app.app_context():
        stmt = select(QuizAttempt).where(QuizAttempt.user_id == user_id).order_by(QuizAttempt.id)
        return list(db.session.scalars(stmt))


def forged(app, quiz, **changes) -> str:
    """Return a draw of the easiest-looking questions, signed as the app would sign it."""
    data = {"m": quiz.module_id, "v": quiz.version, "t": "f" * 32, "a": ""}
    data["q"] = [q.id for q in quiz.questions[: quiz.asked_count]]
    key = changes.pop("key", app.secret_key)
    return URLSafeSerializer(key, salt=SALT).dumps({**data, **changes})


def test_a_fixed_seed_gives_the_same_draw_until_an_attempt_is_sent(app, client, quiz):
    app.config["QUIZ_DRAW_SEED"] = 7
    first = client.get(check_url(MODULE)).get_data(as_text=True)
    again = client.get(check_url(MODULE)).get_data(as_text=True)
    assert ids(first, quiz) == ids(again, quiz)
    assert hidden(first, "draw") != hidden(again, "draw")  # each form has its own token


@pytest.mark.parametrize("signed_in", [True, False])
def test_two_attempts_draw_different_questions(app, client, quiz, create_user, login_as, signed_in):
    if signed_in:
        login_as(client, create_user())
    app.config["QUIZ_DRAW_SEED"] = 7
    first = client.get(check_url(MODULE)).get_data(as_text=True)
    client.post(check_url(MODULE), data=check_form_data(first, quiz, wrong=2))
    second = client.get(check_url(MODULE)).get_data(as_text=True)
    asked, then = set(ids(first, quiz)), set(ids(second, quiz))
    assert asked != then
    # Every step's questions that the first attempt did not ask come first.
    for step, count in quiz.quotas().items():
        fresh = {q.id for q in quiz.questions if q.step_id == step} - asked
        assert len(then & fresh) == min(count, len(fresh)), step


@pytest.mark.parametrize(
    "change",
    [
        {"key": "not-the-secret-key"},  # easy questions, signed by the learner
        {"v": "another-version"},
        {"m": "organisation"},
        {"q": ["no-such-question"]},
        {"t": "short"},
    ],
)
def test_a_changed_draw_is_refused_and_nothing_is_stored(
    app, client, quiz, create_user, login_as, change
):
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    data = check_form_data(html, quiz)
    easy = {f"q-{q.id}": sorted(q.correct_ids) for q in quiz.questions}
    sent = {**data, **easy, "draw": forged(app, quiz, **change)}
    response = client.post(check_url(MODULE), data=sent)
    assert response.status_code == 409
    assert CHANGED in response.get_data(as_text=True)
    assert stored(app, user.id) == []


def test_a_draw_without_a_signature_is_refused(app, client, quiz, create_user, login_as):
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    data = check_form_data(html, quiz)
    payload = hidden(html, "draw").split(".")[0]
    response = client.post(check_url(MODULE), data={**data, "draw": payload})
    assert response.status_code == 409
    assert stored(app, user.id) == []


def test_the_apps_own_signature_is_what_makes_a_draw_count(
    app, client, quiz, create_user, login_as
):
    """The forged draws above fail for what they change, not for how they were made."""
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    data = check_form_data(html, quiz)
    asked = quiz.questions[: quiz.asked_count]
    answers = {f"q-{q.id}": sorted(q.correct_ids) for q in asked}
    response = client.post(check_url(MODULE), data={**data, **answers, "draw": forged(app, quiz)})
    assert response.status_code == 302
    [attempt] = stored(app, user.id)
    assert set(attempt.answers) == {q.id for q in asked}


def test_a_guest_cannot_send_an_earlier_draw_once_a_later_attempt_is_marked(app, client, quiz):
    early = client.get(check_url(MODULE)).get_data(as_text=True)
    later = client.get(check_url(MODULE)).get_data(as_text=True)
    client.post(check_url(MODULE), data=check_form_data(later, quiz, wrong=3))
    # The early form's questions could now be answered with what the result page showed.
    response = client.post(check_url(MODULE), data=check_form_data(early, quiz))
    assert response.status_code == 409
    assert CHANGED in response.get_data(as_text=True)
    assert "Inte godkänd än" in client.get(f"{check_url(MODULE)}/result").get_data(as_text=True)


def test_a_guest_who_sends_the_same_form_twice_is_told_so(client, quiz):
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    data = check_form_data(html, quiz)
    client.post(check_url(MODULE), data=data)
    again = client.post(check_url(MODULE), data=data)
    assert again.status_code == 302
    page = client.get(again.headers["Location"]).get_data(as_text=True)
    assert "De här svaren var redan skickade" in page


def test_a_signed_in_learners_draw_counts_once(app, client, quiz, create_user, login_as):
    user = create_user()
    login_as(client, user)
    html = client.get(check_url(MODULE)).get_data(as_text=True)
    client.post(check_url(MODULE), data=check_form_data(html, quiz, wrong=3))
    # Its answers marked, the same draw sent again with other answers is not scored again.
    client.post(check_url(MODULE), data=check_form_data(html, quiz))
    [attempt] = stored(app, user.id)
    assert not attempt.passed
