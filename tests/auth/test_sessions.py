"""A sign-in ends 12 hours after it began or 2 hours after the last request; nothing is lost."""

from __future__ import annotations

import html as html_lib
import re
import time

import pytest
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from course_app.extensions import db
from course_app.models import ReflectionNote
from tests.conftest import TEST_PASSWORD, csrf_from

STEP = "/modules/organisation/steps/1"
NOTE = "Jag skulle ringa säkerhetsfunktionen först.\nSedan polisen."


def _sign_in(client, user):
    html = client.get("/sign-in").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "email": user.email, "password": TEST_PASSWORD}
    assert client.post("/sign-in", data=data).status_code == 302


def _age(client, *, signed_in: float = 0, seen: float = 0) -> None:
    """Move the session's sign-in and last request back by that many seconds."""
    with client.session_transaction() as session:
        session["signed_in_at"] -= signed_in
        session["seen_at"] -= seen


def _signed_in(client, user) -> bool:
    return user.email in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize(
    ("signed_in", "seen", "still_in"),
    [
        (11 * 3600, 60, True),
        (12 * 3600 + 60, 60, False),  # the absolute lifetime, however active
        (3600, 2 * 3600 - 60, True),
        (3600, 2 * 3600 + 60, False),  # the idle timeout
    ],
)
def test_a_sign_in_ends_when_too_old_or_idle(client, create_user, signed_in, seen, still_in):
    user = create_user(password=TEST_PASSWORD)
    _sign_in(client, user)
    _age(client, signed_in=signed_in, seen=seen)
    assert _signed_in(client, user) is still_in


def test_each_request_keeps_an_active_session_alive(client, create_user):
    user = create_user(password=TEST_PASSWORD)
    _sign_in(client, user)
    _age(client, signed_in=3600, seen=100 * 60)
    assert _signed_in(client, user)
    _age(client, seen=100 * 60)  # 100 minutes after the last request, not after the first
    assert _signed_in(client, user)


def test_the_limits_are_settings(app, client, create_user):
    app.config.update(SESSION_IDLE_MINUTES=5)
    user = create_user(password=TEST_PASSWORD)
    _sign_in(client, user)
    _age(client, seen=6 * 60)
    assert not _signed_in(client, user)


def _note_form(client) -> dict:
    page = client.get(STEP).get_data(as_text=True)
    field = re.search(r'name="(note-[^"]+)"', page).group(1)
    item = re.search(r'name="checklist" type="checkbox" value="([^"]+)"', page).group(1)
    return {"csrf_token": csrf_from(page), field: NOTE, "checklist": item, "save": "x"}


def _hidden(page: str) -> list[tuple[str, str]]:
    pairs = []
    for tag in re.findall(r'<input[^>]*type="hidden"[^>]*>', page):
        name = re.search(r'name="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        pairs.append((name, html_lib.unescape(value.group(1) if value else "")))
    return pairs


def test_a_note_sent_after_the_session_ended_is_kept_and_sent_after_signing_in(
    app, client, create_user
):
    user = create_user(password=TEST_PASSWORD)
    _sign_in(client, user)
    form = _note_form(client)
    _age(client, seen=3 * 3600)

    ended = client.post(STEP, data=form)

    assert ended.status_code == 401
    page = ended.get_data(as_text=True)
    assert "Din session har tagit slut" in page
    assert html_lib.escape(NOTE) in page  # shown, to copy
    with app.app_context():
        assert db.session.scalars(select(ReflectionNote)).all() == []

    data = dict(_hidden(page))
    data.update(email=user.email, password=TEST_PASSWORD)
    again = client.post("/sign-in/continue", data=MultiDict(list(data.items())))
    assert again.status_code == 200
    resend = again.get_data(as_text=True)
    assert f'action="{STEP}"' in resend
    fields = _hidden(resend)
    assert ("checklist", form["checklist"]) in fields
    with app.app_context():
        assert db.session.scalars(select(ReflectionNote)).all() == []  # not without a click

    saved = client.post(STEP, data=MultiDict(fields))
    assert saved.status_code == 302
    with app.app_context():
        [note] = db.session.scalars(select(ReflectionNote)).all()
        assert note.body == NOTE
        assert note.user_id == user.id


def test_a_wrong_password_keeps_the_carried_form(client, create_user):
    user = create_user(password=TEST_PASSWORD)
    _sign_in(client, user)
    form = _note_form(client)
    _age(client, seen=3 * 3600)
    page = client.post(STEP, data=form).get_data(as_text=True)
    data = dict(_hidden(page))
    data.update(email=user.email, password="wrong password")
    again = client.post("/sign-in/continue", data=MultiDict(list(data.items())))
    assert again.status_code == 400
    assert html_lib.escape(NOTE) in again.get_data(as_text=True)


def test_continue_only_resumes_to_a_page_of_this_site(client, create_user):
    user = create_user(password=TEST_PASSWORD)
    _sign_in(client, user)
    form = _note_form(client)
    _age(client, seen=3 * 3600)
    page = client.post(STEP, data=form).get_data(as_text=True)
    data = dict(_hidden(page))
    data.update(email=user.email, password=TEST_PASSWORD, resume_to="https://evil.example/x")
    again = client.post("/sign-in/continue", data=MultiDict(list(data.items())))
    assert "evil.example" not in again.get_data(as_text=True)
    assert again.status_code == 400


def test_a_session_from_before_the_limits_starts_counting_now(client, create_user, login_as):
    user = create_user()
    login_as(client, user)
    assert _signed_in(client, user)
    with client.session_transaction() as session:
        assert abs(session["signed_in_at"] - time.time()) < 60


def test_signing_in_again_to_send_a_kept_form_is_not_counted_as_a_failure(app, client, create_user):
    """Every successful continue must leave the failure limits untouched."""
    app.config["SIGNIN_ADDRESS_IP_LIMIT"] = "1 per minute"
    user = create_user(password=TEST_PASSWORD)
    for _ in range(3):
        _sign_in(client, user)
        form = _note_form(client)
        _age(client, seen=3 * 3600)
        page = client.post(STEP, data=form).get_data(as_text=True)
        data = dict(_hidden(page))
        data.update(email=user.email, password=TEST_PASSWORD)
        assert (
            client.post("/sign-in/continue", data=MultiDict(list(data.items()))).status_code == 200
        )
        client.post(
            "/sign-out", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))}
        )


def test_a_form_open_longer_than_an_hour_still_saves_while_the_session_lives(
    app, client, create_user, monkeypatch
):
    """A form's token lasts as long as its session: an official who writes for 90 minutes,
    well inside the 2-hour idle limit, must not lose the note to an expired token."""
    import itsdangerous.timed

    user = create_user(password=TEST_PASSWORD)
    _sign_in(client, user)
    form = _note_form(client)
    later = time.time() + 90 * 60

    class _Clock:
        @staticmethod
        def time():
            return later

    monkeypatch.setattr(itsdangerous.timed, "time", _Clock)
    _age(client, seen=90 * 60)

    saved = client.post(STEP, data=form)

    assert saved.status_code == 302
    with app.app_context():
        [note] = db.session.scalars(select(ReflectionNote)).all()
        assert note.body == NOTE


def test_the_cookie_is_written_again_only_when_the_session_changes(client, create_user):
    user = create_user(password=TEST_PASSWORD)
    _sign_in(client, user)
    client.get("/")  # the first page after signing in may still touch the session
    # Within the minute, a page sends no cookie: nothing in the session changed.
    assert "Set-Cookie" not in client.get(STEP).headers
    # A minute later the request is recorded as activity, and the cookie carries it.
    _age(client, seen=61)
    touched = client.get(STEP)
    assert "tryggt_session=" in touched.headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        assert abs(session["seen_at"] - time.time()) < 5
