"""Failed sign-ins are counted per address across every password form; asking for links is never
refused per address, and an address gets at most one link per few minutes."""

from __future__ import annotations

import email
import re
from datetime import timedelta
from pathlib import Path

from sqlalchemy import func, select, update

from course_app.extensions import db
from course_app.mail import deliver_pending
from course_app.models import SignInToken
from course_app.models.base import utcnow
from tests.conftest import TEST_PASSWORD, csrf_from

STEP = "/modules/organisation/steps/1"


def _client_at(app, ip: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def _wrong_password(client, address: str, form: str) -> int:
    """Send a wrong password for address on one of the two password forms; return the status."""
    token = csrf_from(client.get("/sign-in").get_data(as_text=True))
    data = {"csrf_token": token, "email": address, "password": "wrong"}
    if form == "/sign-in/continue":
        data["resume_to"] = STEP  # as the page of a session that ended sends it
    return client.post(form, data=data).status_code


FORMS = ("/sign-in", "/sign-in/continue")


def test_wrong_passwords_on_both_forms_share_the_budget_of_one_machine(app, create_user):
    user = create_user(password=TEST_PASSWORD)
    guesser = _client_at(app, "203.0.113.7")
    statuses = [_wrong_password(guesser, user.email, FORMS[n % 2]) for n in range(6)]
    # 5 a minute for one address from one machine, whichever form the guesses go to.
    assert statuses == [400] * 5 + [429]
    assert _wrong_password(guesser, user.email, "/sign-in/continue") == 429


def test_wrong_passwords_on_both_forms_share_the_ceiling_of_one_address(app, create_user):
    app.config["SIGNIN_ADDRESS_LIMIT"] = "10 per hour"
    user = create_user(password=TEST_PASSWORD)
    statuses = [
        _wrong_password(_client_at(app, f"198.51.100.{n + 1}"), user.email, FORMS[n % 2])
        for n in range(12)
    ]
    assert statuses == [400] * 10 + [429] * 2


def test_the_limits_of_the_forms_are_one_address_budget_not_one_for_all(app, create_user):
    """Another address from elsewhere is untouched by the guesses at the first."""
    app.config["SIGNIN_ADDRESS_LIMIT"] = "2 per hour"
    target, other = create_user(password=TEST_PASSWORD), create_user(password=TEST_PASSWORD)
    assert _wrong_password(_client_at(app, "192.0.2.1"), target.email, "/sign-in") == 400
    assert _wrong_password(_client_at(app, "192.0.2.2"), target.email, "/sign-in/continue") == 400
    assert _wrong_password(_client_at(app, "192.0.2.3"), target.email, "/sign-in") == 429
    assert _wrong_password(_client_at(app, "192.0.2.4"), other.email, "/sign-in/continue") == 400


def _ask_for_link(client, address: str) -> int:
    html = client.get("/sign-in/link").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "email": address}
    return client.post("/sign-in/link", data=data).status_code


def _deliver_and_read(app) -> list[str]:
    """Run the mail worker; return the sign-in link of every e-mail in the outbox."""
    with app.app_context():
        deliver_pending()
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    bodies = [
        email.message_from_bytes(path.read_bytes()).get_payload(decode=True).decode()
        for path in sorted(folder.glob("*.eml"))
    ]
    return [re.search(r"http://tryggt\.test(/sign-in/link/\S+)", body).group(1) for body in bodies]


def test_a_flood_of_link_requests_from_other_machines_never_keeps_the_owner_from_a_link(
    app, create_user
):
    user = create_user()
    flood = [_ask_for_link(_client_at(app, f"192.0.2.{n % 20 + 1}"), user.email) for n in range(40)]
    flood += [_ask_for_link(_client_at(app, "203.0.113.9"), user.email) for _ in range(20)]
    assert flood == [200] * 60, "no request is refused for its address"
    owner = _client_at(app, "198.51.100.4")
    assert _ask_for_link(owner, user.email) == 200

    # Sixty-one requests, one e-mail: its link is the owner's and works.
    [path] = _deliver_and_read(app)
    page = owner.get(path)
    assert page.status_code == 200
    used = owner.post(path, data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert used.status_code == 302
    assert user.email in owner.get("/").get_data(as_text=True)


def test_an_address_gets_a_new_link_only_after_a_few_minutes_or_once_the_last_is_used(
    app, create_user
):
    user = create_user()
    client = _client_at(app, "198.51.100.4")
    _ask_for_link(client, user.email)
    [first] = _deliver_and_read(app)
    _ask_for_link(client, user.email)
    assert _deliver_and_read(app) == [first], "the link sent a moment ago still works"

    with app.app_context():
        minutes = app.config["LINK_RESEND_MINUTES"]
        db.session.execute(
            update(SignInToken).values(created_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()
    _ask_for_link(client, user.email)
    assert len(_deliver_and_read(app)) == 2

    # Once the newest link is used, asking again sends one at once.
    newest = _deliver_and_read(app)[-1]
    page = client.get(newest).get_data(as_text=True)
    assert client.post(newest, data={"csrf_token": csrf_from(page)}).status_code == 302
    _ask_for_link(_client_at(app, "198.51.100.5"), user.email)
    assert len(_deliver_and_read(app)) == 3
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(SignInToken)) == 3


def test_link_requests_are_limited_per_machine(app):
    app.config["LINK_REQUEST_LIMIT"] = "3 per minute"
    pest = _client_at(app, "203.0.113.9")
    statuses = [_ask_for_link(pest, f"person{n}@example.se") for n in range(4)]
    assert statuses == [200, 200, 200, 429]
    assert _ask_for_link(_client_at(app, "198.51.100.4"), "person0@example.se") == 200
