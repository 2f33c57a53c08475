"""Signing in with a password or a single-use link, signing out, and safe redirects."""

import email
import math
import re
import socket
import time
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select, update

from course_app.extensions import db
from course_app.mail import deliver_pending
from course_app.models import OutgoingMail, SignInToken, User
from course_app.models.base import utcnow
from tests.conftest import TEST_PASSWORD, csrf_from


def _sign_in(client, post_form, email_address, password=TEST_PASSWORD, next_url=None):
    url = "/sign-in" + (f"?next={next_url}" if next_url else "")
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "email": email_address, "password": password}
    if next_url is not None:
        data["next"] = next_url
    return client.post("/sign-in", data=data)


def test_sign_in_with_password(client, create_user, post_form):
    user = create_user(password=TEST_PASSWORD)
    response = _sign_in(client, post_form, user.email.upper())
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    assert user.email in client.get("/").get_data(as_text=True)


def test_wrong_password_is_refused_with_a_message(client, create_user, post_form):
    user = create_user(password=TEST_PASSWORD)
    response = _sign_in(client, post_form, user.email, password="wrong password")
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert 'id="error-summary-title"' in page
    assert user.email not in client.get("/").get_data(as_text=True)


def test_unknown_address_gets_the_same_answer_as_a_wrong_password(client, create_user, post_form):
    user = create_user(password=TEST_PASSWORD)
    wrong = _sign_in(client, post_form, user.email, password="nope nope nope")
    unknown = _sign_in(client, post_form, "nobody@example.se", password="nope nope nope")
    assert wrong.status_code == unknown.status_code == 400
    assert _errors(wrong) == _errors(unknown)


def _errors(response) -> list[str]:
    return re.findall(r'<li><a href="#[^"]+">([^<]+)</a></li>', response.get_data(as_text=True))


def test_password_is_stored_as_argon2id_at_owasp_strength(make_app, migrated, tmp_path):
    """The suite hashes with the cheapest parameters; an app configured as in production (no
    PASSWORD_HASH_PARAMETERS) hashes at RFC 9106's second recommendation, and checks it."""
    from course_app.auth.services import authenticate, hash_password
    from tests.conftest import make_config

    config = make_config(migrated, tmp_path)
    del config["PASSWORD_HASH_PARAMETERS"]
    with make_app(config).app_context():
        stored = hash_password(TEST_PASSWORD)
        assert authenticate("nobody@example.se", TEST_PASSWORD) is None
    assert stored.startswith("$argon2id$")
    params = dict(part.split("=") for part in stored.split("$")[3].split(","))
    assert (int(params["m"]), int(params["t"]), int(params["p"])) == (64 * 1024, 3, 4)
    assert int(params["m"]) >= 19 * 1024  # OWASP ASVS 5
    assert TEST_PASSWORD not in stored


def test_the_suite_hashes_cheaply_and_still_with_argon2id(app, create_user):
    user = create_user(password=TEST_PASSWORD)
    with app.app_context():
        stored = db.session.get(User, user.id).password_hash
    assert stored.startswith("$argon2id$") and ",t=1," in stored


def test_session_is_renewed_at_sign_in(client, create_user, post_form):
    user = create_user(password=TEST_PASSWORD)
    with client.session_transaction() as session:
        session["planted"] = "by someone else"
    before = csrf_from(client.get("/sign-in").get_data(as_text=True))
    _sign_in(client, post_form, user.email)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == f"{user.id}:0"
    assert csrf_from(client.get("/").get_data(as_text=True)) != before


@pytest.mark.parametrize(
    "target",
    [
        "//evil.example",
        "/\\evil.example",
        "https://evil.example/",
        "javascript:alert(1)",
        "http:/evil",
        "\\\\evil",
        " //evil.example",
    ],
)
def test_next_can_only_lead_to_this_site(client, create_user, post_form, target):
    user = create_user(password=TEST_PASSWORD)
    response = _sign_in(client, post_form, user.email, next_url=target)
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_next_leads_back_to_the_page(client, create_user, post_form):
    user = create_user(password=TEST_PASSWORD)
    response = _sign_in(client, post_form, user.email, next_url="/modules/organisation/steps/2")
    assert response.headers["Location"] == "/modules/organisation/steps/2"


def test_sign_out_needs_a_post(client, create_user, login_as, post_form):
    user = create_user()
    login_as(client, user)
    assert client.get("/sign-out").status_code == 405
    assert client.post("/sign-out").status_code == 400
    assert user.email in client.get("/").get_data(as_text=True)
    response = post_form(client, "/sign-out", page="/")
    assert response.status_code == 302
    assert user.email not in client.get("/").get_data(as_text=True)


def _outbox(app) -> list[Path]:
    """Deliver the queued mail (the worker's job), then return the e-mails in the outbox."""
    with app.app_context():
        deliver_pending()
    folder = Path(app.config["MAIL_OUTBOX_DIR"])
    return sorted(folder.glob("*.eml")) if folder.exists() else []


def _request_link(client, address, next_url=None):
    url = "/sign-in/link" + (f"?next={next_url}" if next_url else "")
    html = client.get(url).get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "email": address}
    if next_url:
        data["next"] = next_url
    return client.post("/sign-in/link", data=data)


def _link_from_mail(path: Path) -> str:
    message = email.message_from_bytes(path.read_bytes())
    body = message.get_payload(decode=True).decode()
    return re.search(r"https?://\S+", body).group(0)


def test_sign_in_link_is_mailed_and_works_once(app, client, create_user):
    user = create_user()
    response = _request_link(client, user.email, next_url="/modules/organisation")
    assert response.status_code == 200
    [mail] = _outbox(app)
    link = _link_from_mail(mail)
    assert link.startswith("http://tryggt.test/sign-in/link/")
    path = link.removeprefix("http://tryggt.test")
    confirm = client.get(path)
    assert confirm.status_code == 200
    used = client.post(path, data={"csrf_token": csrf_from(confirm.get_data(as_text=True))})
    assert used.status_code == 302
    assert used.headers["Location"] == "/modules/organisation"
    assert user.email in client.get("/").get_data(as_text=True)

    other = app.test_client()
    assert other.get(path).status_code == 410
    html = other.get("/sign-in").get_data(as_text=True)
    again = other.post(path, data={"csrf_token": csrf_from(html)})
    assert again.status_code == 400
    assert user.email not in other.get("/").get_data(as_text=True)


def test_opening_the_link_does_not_use_it_up(app, client, create_user):
    user = create_user()
    _request_link(client, user.email)
    path = _link_from_mail(_outbox(app)[0]).removeprefix("http://tryggt.test")
    assert client.get(path).status_code == 200
    assert client.get(path).status_code == 200


def test_expired_link_does_not_sign_in(app, client, create_user):
    user = create_user()
    _request_link(client, user.email)
    path = _link_from_mail(_outbox(app)[0]).removeprefix("http://tryggt.test")
    with app.app_context():
        db.session.execute(update(SignInToken).values(expires_at=utcnow() - timedelta(seconds=1)))
        db.session.commit()
    assert client.get(path).status_code == 410


def test_link_expires_within_fifteen_minutes(app, client, create_user):
    user = create_user()
    _request_link(client, user.email)
    [mail] = _outbox(app)
    with app.app_context():
        token = db.session.scalar(select(SignInToken).where(SignInToken.user_id == user.id))
        assert token.expires_at - token.created_at <= timedelta(minutes=15)
        assert len(token.token_hash) == 64
    assert token.token_hash not in mail.read_text()


def test_unknown_address_gets_the_same_page_and_no_mail(app, client, create_user):
    user = create_user()
    known = _request_link(client, user.email).get_data(as_text=True)
    unknown = _request_link(client, "nobody@example.se").get_data(as_text=True)
    assert len(_outbox(app)) == 1
    assert (
        known.replace(user.email, "X").split("<main")[1].split("</main>")[0]
        == unknown.replace("nobody@example.se", "X").split("<main")[1].split("</main>")[0]
    )


def test_link_is_built_from_the_configured_address_not_the_host_header(app, client, create_user):
    user = create_user()
    html = client.get("/sign-in/link", headers={"Host": "evil.example"}).get_data(as_text=True)
    client.post(
        "/sign-in/link",
        data={"csrf_token": csrf_from(html), "email": user.email},
        headers={"Host": "evil.example"},
    )
    assert "evil.example" not in _link_from_mail(_outbox(app)[0])


def _client_at(app, ip: str):
    client = app.test_client()
    client.environ_base["REMOTE_ADDR"] = ip
    return client


def _try_password(client, address: str, password: str):
    html = client.get("/sign-in").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "email": address, "password": password}
    return client.post("/sign-in", data=data)


def test_wrong_passwords_for_one_address_from_one_machine_are_stopped(app, create_user):
    user = create_user(password=TEST_PASSWORD)
    attacker = _client_at(app, "203.0.113.7")
    statuses = [_try_password(attacker, user.email, "wrong").status_code for _ in range(6)]
    assert statuses == [400] * 5 + [429]
    refused = _try_password(attacker, user.email, TEST_PASSWORD)
    assert refused.status_code == 429
    assert 'lang="sv"' in refused.get_data(as_text=True)


def test_the_owner_still_signs_in_from_another_machine_during_an_attack(app, create_user):
    user = create_user(password=TEST_PASSWORD)
    attacker = _client_at(app, "203.0.113.7")
    for _ in range(10):
        _try_password(attacker, user.email, "wrong")
    assert _try_password(attacker, user.email, "wrong").status_code == 429
    owner = _client_at(app, "198.51.100.20")
    assert _try_password(owner, user.email, TEST_PASSWORD).status_code == 302


def test_thirty_officials_sign_in_from_one_address_within_a_minute(app, create_user):
    users = [create_user(password=TEST_PASSWORD) for _ in range(30)]
    statuses = [
        _try_password(_client_at(app, "192.0.2.1"), user.email, TEST_PASSWORD).status_code
        for user in users
    ]
    assert statuses == [302] * 30


def test_many_failures_from_one_machine_are_stopped_whatever_the_address(app):
    machine = _client_at(app, "203.0.113.9")
    statuses = [
        _try_password(machine, f"guess{n}@example.se", "wrong").status_code for n in range(21)
    ]
    assert statuses == [400] * 20 + [429]


def test_the_limit_page_says_how_long_to_wait_and_sends_retry_after(app, create_user, monkeypatch):
    user = create_user(password=TEST_PASSWORD)
    attacker = _client_at(app, "203.0.113.7")
    for _ in range(5):
        _try_password(attacker, user.email, "wrong")
    # One instant for the page and the header, 0.3 s into the next second (less than a minute
    # left): the limit resets on a whole second, so 0.7 s are left over, which rounding would
    # turn into one second more on the page than in the header.
    instant = math.floor(time.time()) + 1.3
    monkeypatch.setattr(time, "time", lambda: instant)
    response = _try_password(attacker, user.email, "wrong")
    assert response.status_code == 429
    wait = int(response.headers["Retry-After"])
    assert 0 < wait <= 60
    page = response.get_data(as_text=True)
    assert f"Vänta {wait} sekunder och försök igen." in page
    assert "några minuter" not in page


def test_a_password_sign_in_voids_the_open_links(app, client, create_user, post_form):
    user = create_user(password=TEST_PASSWORD)
    _request_link(client, user.email)
    path = _link_from_mail(_outbox(app)[0]).removeprefix("http://tryggt.test")
    assert _try_password(app.test_client(), user.email, TEST_PASSWORD).status_code == 302
    assert app.test_client().get(path).status_code == 410


def _age_links(app, minutes: int) -> None:
    """Date every sign-in link that many minutes back, as if the clock had moved on."""
    with app.app_context():
        db.session.execute(
            update(SignInToken).values(created_at=utcnow() - timedelta(minutes=minutes))
        )
        db.session.commit()


def test_a_new_link_voids_the_earlier_one(app, client, create_user):
    user = create_user()
    _request_link(client, user.email)
    first = _link_from_mail(_outbox(app)[0]).removeprefix("http://tryggt.test")
    _age_links(app, app.config["LINK_RESEND_MINUTES"])
    _request_link(client, user.email)
    assert len(_outbox(app)) == 2
    assert app.test_client().get(first).status_code == 410


def test_sign_out_ends_every_copy_of_the_session(app, client, create_user, post_form):
    user = create_user(password=TEST_PASSWORD)
    _sign_in(client, post_form, user.email)
    with client.session_transaction() as session:
        copied = dict(session)
    post_form(client, "/sign-out", page="/")
    thief = app.test_client()
    with thief.session_transaction() as session:
        session.update(copied)
    assert user.email not in thief.get("/").get_data(as_text=True)


def test_a_guest_can_press_sign_out(client, post_form):
    assert post_form(client, "/sign-out", page="/").status_code == 302


def test_the_link_page_says_which_account_it_signs_into(app, client, create_user):
    user = create_user()
    _request_link(client, user.email)
    path = _link_from_mail(_outbox(app)[0]).removeprefix("http://tryggt.test")
    assert user.email in app.test_client().get(path).get_data(as_text=True)


def test_using_a_link_closes_the_other_open_links(app, client, create_user):
    user = create_user()
    _request_link(client, user.email)
    _outbox(app)
    _age_links(app, app.config["LINK_RESEND_MINUTES"])
    _request_link(client, user.email)
    first, second = (_link_from_mail(p).removeprefix("http://tryggt.test") for p in _outbox(app))
    page = client.get(second).get_data(as_text=True)
    assert client.post(second, data={"csrf_token": csrf_from(page)}).status_code == 302
    assert app.test_client().get(first).status_code == 410


def test_one_address_has_a_ceiling_whatever_the_machine(app, create_user):
    """Guessing from many machines at once is slowed down by a higher limit on the address."""
    app.config["SIGNIN_ADDRESS_LIMIT"] = "10 per hour"
    user = create_user(password=TEST_PASSWORD)
    statuses = [
        _try_password(_client_at(app, f"198.51.100.{n + 1}"), user.email, "wrong").status_code
        for n in range(11)
    ]
    assert statuses == [400] * 10 + [429]


def test_the_link_mail_follows_the_browser_language(app, client, create_user):
    user = create_user()
    html = client.get("/sign-in/link").get_data(as_text=True)
    client.post(
        "/sign-in/link",
        data={"csrf_token": csrf_from(html), "email": user.email},
        headers={"Accept-Language": "en"},
    )
    message = email.message_from_bytes(_outbox(app)[0].read_bytes())
    assert message.get_payload(decode=True).decode().startswith("Hello,")


def test_a_link_request_does_the_same_work_whatever_the_address(
    app, client, create_user, count_queries
):
    """Nothing in the time taken can tell whether an address has an account."""
    user = create_user()
    _request_link(client, "warm-up@example.se")
    with count_queries() as known:
        known_page = _request_link(client, user.email).get_data(as_text=True)
    with count_queries() as unknown:
        unknown_page = _request_link(client, "nobody@example.se").get_data(as_text=True)
    assert known == unknown
    assert all("users" not in statement for statement in known)
    assert _main(known_page).replace(user.email, "X") == _main(unknown_page).replace(
        "nobody@example.se", "X"
    )


def _main(html: str) -> str:
    return html.split("<main")[1].split("</main>")[0]


def test_a_link_request_does_not_wait_for_or_fail_with_the_mail_server(app, client, create_user):
    """With mail down, a known address gets the same page; the worker retries later."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        closed_port = sock.getsockname()[1]
    app.config.update(
        MAIL_BACKEND="smtp",
        MAIL_SERVER="127.0.0.1",
        MAIL_PORT=closed_port,
        MAIL_DELIVER_AFTER_REQUEST=True,
    )
    user = create_user()
    response = _request_link(client, user.email)
    response.close()  # delivery after the request runs when the response is closed
    assert response.status_code == 200
    assert "<h1>Titta i din e-post</h1>" in response.get_data(as_text=True)
    with app.app_context():
        mail = db.session.scalars(select(OutgoingMail)).one()
        assert mail.sent_at is None
        assert mail.attempts == 1
