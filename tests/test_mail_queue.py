"""The mail queue, against a real SMTP server: sent once, retried with backoff, never twice."""

from __future__ import annotations

import asyncio
import logging
import re
import smtplib
import socket
import threading
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy
from email.utils import parsedate_to_datetime

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import delete, select, update

from course_app.auth import email_change
from course_app.config import from_environment
from course_app.extensions import db
from course_app.mail import deliver_pending, describe_error, queue_mail
from course_app.models import LinkRequest, OutgoingMail, User
from course_app.models.base import utcnow
from tests.conftest import csrf_from, make_config


class Inbox:
    """An SMTP handler that answers "451 try later" to the first `refuse` messages, then keeps."""

    def __init__(self, refuse: int = 0, delay: float = 0.0):
        self.refuse = refuse
        self.delay = delay
        self.refused = 0
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        if self.delay:
            await asyncio.sleep(self.delay)
        if self.refused < self.refuse:
            self.refused += 1
            return "451 try later"
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    """Return a callable that serves an Inbox over SMTP on 127.0.0.1 and returns its port."""
    controllers = []

    def _start(inbox: Inbox) -> int:
        controllers.append(Controller(inbox, hostname="127.0.0.1", port=_free_port()))
        controllers[-1].start()
        return controllers[-1].port

    yield _start
    for controller in controllers:
        controller.stop()


def _use_smtp(app, port: int, **config) -> None:
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=port, **config)


def _queue(app, subject: str = "Hej", body: str = "Brödtext") -> int:
    with app.app_context():
        mail = queue_mail("official@example.se", subject, body)
        db.session.commit()
        return mail.id


def _load(app, mail_id: int) -> OutgoingMail:
    with app.app_context():
        mail = db.session.get(OutgoingMail, mail_id)
        db.session.expunge(mail)
        return mail


def _make_due(app, mail_id: int) -> None:
    """Let the backoff pass, as if the clock had moved on."""
    with app.app_context():
        db.session.execute(
            update(OutgoingMail).where(OutgoingMail.id == mail_id).values(next_attempt_at=utcnow())
        )
        db.session.commit()


def _deliver(app):
    with app.app_context():
        return deliver_pending()


def test_a_queued_message_is_sent_once(app, runner, smtp_server):
    inbox = Inbox()
    _use_smtp(app, smtp_server(inbox))
    mail_id = _queue(app, subject="Välkommen")

    first = runner.invoke(args=["mail", "deliver"])
    assert first.exit_code == 0, first.output
    assert first.output == "mail: sent 1, to retry 0, given up 0\n"
    second = runner.invoke(args=["mail", "deliver"])
    assert second.output == "mail: sent 0, to retry 0, given up 0\n"

    assert inbox.subjects() == ["Välkommen"]
    assert inbox.messages[0]["To"] == "official@example.se"
    mail = _load(app, mail_id)
    assert mail.sent_at is not None
    assert (mail.attempts, mail.failed_at, mail.last_error) == (0, None, None)


@pytest.mark.parametrize("kind", ["queued", "sign-in link"])
def test_every_message_is_dated_and_marked_as_automatic(app, smtp_server, create_user, kind):
    inbox = Inbox()
    _use_smtp(app, smtp_server(inbox), MAIL_SENDER="Tryggt uppdrag <No-Reply@Tryggt.Kommun.se>")
    if kind == "queued":
        _queue(app)
    else:
        _request_link(app.test_client(), create_user().email)
    before = datetime.now(UTC).replace(microsecond=0)
    assert _deliver(app).sent == 1

    [message] = inbox.messages
    assert message["From"] == "Tryggt uppdrag <No-Reply@Tryggt.Kommun.se>"
    date = parsedate_to_datetime(message["Date"])
    assert date.tzinfo is not None and before <= date <= datetime.now(UTC)
    assert re.fullmatch(r"<[^@<>\s]+@tryggt\.kommun\.se>", message["Message-ID"])
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["X-Auto-Response-Suppress"] == "All"


def test_queueing_writes_in_the_callers_transaction(app):
    with app.app_context():
        mail_id = queue_mail("official@example.se", "Hej", "Brödtext").id
        db.session.rollback()
        assert db.session.get(OutgoingMail, mail_id) is None


def test_a_refusing_server_is_tried_again_after_the_backoff(app, smtp_server):
    inbox = Inbox(refuse=2)
    _use_smtp(app, smtp_server(inbox))
    mail_id = _queue(app)

    before = utcnow()
    assert (_deliver(app).retrying, inbox.refused) == (1, 1)
    mail = _load(app, mail_id)
    assert (mail.attempts, mail.sent_at, mail.last_error) == (1, None, "SMTPDataError 451")
    assert before + timedelta(minutes=1) <= mail.next_attempt_at <= utcnow() + timedelta(minutes=1)
    assert _deliver(app).retrying == 0, "not due again before the backoff has passed"

    _make_due(app, mail_id)
    before = utcnow()
    assert _deliver(app).retrying == 1
    mail = _load(app, mail_id)
    assert mail.attempts == 2
    assert before + timedelta(minutes=5) <= mail.next_attempt_at <= utcnow() + timedelta(minutes=5)

    _make_due(app, mail_id)
    assert _deliver(app).sent == 1
    _make_due(app, mail_id)
    assert _deliver(app).sent == 0
    assert len(inbox.messages) == 1
    assert _load(app, mail_id).sent_at is not None


def test_the_backoff_grows_and_the_queue_gives_up(app):
    _use_smtp(app, _free_port(), MAIL_MAX_ATTEMPTS=6)  # nothing listens there
    mail_id = _queue(app)
    waits = []
    for _ in range(5):
        before = utcnow()
        assert _deliver(app).retrying == 1
        waits.append(_load(app, mail_id).next_attempt_at - before)
        _make_due(app, mail_id)
    assert [round(w.total_seconds() / 60) for w in waits] == [1, 5, 30, 120, 360]

    assert _deliver(app).failed == 1
    mail = _load(app, mail_id)
    assert (mail.attempts, mail.sent_at, mail.last_error) == (6, None, "ConnectionRefusedError")
    assert mail.failed_at is not None
    _make_due(app, mail_id)
    assert _deliver(app).failed == 0, "a message given up is not tried again"


def test_errors_are_recorded_by_class_and_code_only():
    assert describe_error(smtplib.SMTPDataError(451, b"try later, a@b.se")) == "SMTPDataError 451"
    refused = smtplib.SMTPRecipientsRefused({"a@b.se": (550, b"no"), "c@d.se": (553, b"no")})
    assert describe_error(refused) == "SMTPRecipientsRefused 550 553"
    assert describe_error(TimeoutError("the body")) == "TimeoutError"


def test_two_runners_never_send_the_same_message(make_app, migrated, tmp_path, smtp_server):
    """Real commits on the test database (the savepoint isolation would hide the race)."""
    inbox = Inbox(delay=0.005)
    port = smtp_server(inbox)
    smtp = {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port}
    app = make_app(make_config(migrated, tmp_path, **smtp))
    with app.app_context():
        ids = [queue_mail(f"r{i}@example.se", f"message {i}", "Brödtext").id for i in range(30)]
        db.session.commit()
    start = threading.Barrier(2)
    reports, errors = [], []

    def runner() -> None:
        with app.app_context():
            start.wait()
            try:
                reports.append(deliver_pending())
            except Exception as exc:  # reported below; a thread's exception would be lost
                errors.append(exc)

    try:
        threads = [threading.Thread(target=runner) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == []
        assert sorted(inbox.subjects()) == sorted(f"message {i}" for i in range(30))
        assert sum(r.sent for r in reports) == 30
        with app.app_context():
            unsent = select(OutgoingMail).where(
                OutgoingMail.id.in_(ids), OutgoingMail.sent_at.is_(None)
            )
            assert db.session.scalars(unsent).all() == []
    finally:
        with app.app_context():
            db.session.execute(delete(OutgoingMail).where(OutgoingMail.id.in_(ids)))
            db.session.commit()


def _request_link(client, address: str):
    html = client.get("/sign-in/link").get_data(as_text=True)
    with client.post("/sign-in/link", data={"csrf_token": csrf_from(html), "email": address}) as r:
        return r.status_code, r.get_data(as_text=True)  # leaving `with` runs call_on_close


def _main(page: str, address: str) -> str:
    return page.replace(address, "X").split("<main")[1].split("</main>")[0]


def test_a_link_request_does_not_depend_on_the_mail_server(app, create_user, caplog):
    caplog.set_level(logging.DEBUG, logger="course_app")
    user = create_user()
    _use_smtp(app, _free_port(), MAIL_DELIVER_AFTER_REQUEST=True)  # the server is down
    client = app.test_client()

    known_status, known = _request_link(client, user.email)
    unknown_status, unknown = _request_link(client, "nobody@example.se")

    assert known_status == unknown_status == 200
    assert _main(known, user.email) == _main(unknown, "nobody@example.se")
    with app.app_context():
        [mail] = db.session.scalars(select(OutgoingMail)).all()
    assert mail.to_address == user.email
    assert (mail.attempts, mail.sent_at, mail.last_error) == (1, None, "ConnectionRefusedError")
    _assert_log_keeps_secrets(caplog, mail.body)
    assert any(r.outcome == "retrying" for r in caplog.records if hasattr(r, "outcome"))


def test_the_log_never_holds_the_body_or_the_link(app, create_user, smtp_server, caplog):
    caplog.set_level(logging.DEBUG, logger="course_app")
    inbox = Inbox(refuse=1)
    user = create_user()
    _use_smtp(app, smtp_server(inbox))
    _request_link(app.test_client(), user.email)
    assert _deliver(app).retrying == 1
    with app.app_context():
        mail = db.session.scalars(select(OutgoingMail)).one()
    _make_due(app, mail.id)
    assert _deliver(app).sent == 1

    assert len(inbox.messages) == 1
    lines = [r.getMessage() for r in caplog.records if r.name == "course_app.mail"]
    assert lines == [
        f"mail delivery id={mail.id} attempts=1 outcome=retrying error=SMTPDataError 451",
        f"mail delivery id={mail.id} attempts=1 outcome=sent error=-",
    ]
    _assert_log_keeps_secrets(caplog, mail.body)


def _assert_log_keeps_secrets(caplog, body: str) -> None:
    link = re.search(r"https?://\S+", body).group(0)
    token = re.search(r"/sign-in/link/([^?\s]+)", link).group(1)
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    for secret in (token, link, body.strip()):
        assert secret not in logged


def test_development_delivers_after_the_response(app, create_user, tmp_path):
    user = create_user()
    app.config["MAIL_DELIVER_AFTER_REQUEST"] = True
    _request_link(app.test_client(), user.email)
    assert len(list((tmp_path / "outbox").glob("*.eml"))) == 1
    with app.app_context():
        assert db.session.scalars(select(OutgoingMail.sent_at)).one() is not None


def test_elsewhere_the_request_only_queues(app, create_user, tmp_path):
    user = create_user()
    _request_link(app.test_client(), user.email)
    assert not (tmp_path / "outbox").exists()
    with app.app_context():
        assert db.session.scalars(select(LinkRequest.email)).one() == user.email
        assert db.session.scalars(select(OutgoingMail)).all() == []


@pytest.mark.parametrize(("env", "expected"), [("development", True), ("production", False)])
def test_delivery_after_the_request_is_on_in_development_only(monkeypatch, tmp_path, env, expected):
    monkeypatch.setenv("APP_ENV", env)
    monkeypatch.delenv("MAIL_DELIVER_AFTER_REQUEST", raising=False)
    config = from_environment(str(tmp_path))
    assert config["MAIL_DELIVER_AFTER_REQUEST"] is expected
    assert config["MAIL_MAX_ATTEMPTS"] == 8


def test_the_worker_loops_until_stopped(app, runner, smtp_server, monkeypatch):
    inbox = Inbox()
    _use_smtp(app, smtp_server(inbox))
    _queue(app)
    waits = []

    def _wait(stop, seconds):
        waits.append(seconds)
        if len(waits) == 2:
            raise KeyboardInterrupt
        return False

    monkeypatch.setattr("course_app.mail_cli._wait", _wait)
    result = runner.invoke(args=["mail", "deliver", "--loop", "--interval", "2", "--limit", "5"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == [
        "mail: sent 1, to retry 0, given up 0",
        "mail: sent 0, to retry 0, given up 0",
    ]
    assert waits == [2.0, 2.0]
    assert len(inbox.messages) == 1


def test_a_sent_messages_stored_body_holds_no_working_link(app, create_user, smtp_server):
    inbox = Inbox()
    user = create_user()
    _use_smtp(app, smtp_server(inbox))
    _request_link(app.test_client(), user.email)
    assert _deliver(app).sent == 1

    [received] = inbox.messages
    sent_path = re.search(r"https?://\S+(/sign-in/link/\S+)", received.get_content()).group(1)
    with app.app_context():
        stored = db.session.scalars(select(OutgoingMail.body)).one()
    assert "/sign-in/link/[redacted]" in stored
    assert sent_path not in stored
    client = app.test_client()
    page = client.get(sent_path)
    assert page.status_code == 200, "the link in the mail received works"
    confirmed = client.post(sent_path, data={"csrf_token": csrf_from(page.get_data(as_text=True))})
    assert confirmed.status_code == 302
    stored_path = re.search(r"https?://\S+(/sign-in/link/\S+)", stored).group(1)
    assert app.test_client().get(stored_path).status_code == 410


def test_a_message_given_up_keeps_no_working_link(app, create_user):
    _use_smtp(app, _free_port(), MAIL_MAX_ATTEMPTS=1)  # nothing listens there
    _request_link(app.test_client(), create_user().email)
    assert _deliver(app).failed == 1
    with app.app_context():
        stored = db.session.scalars(select(OutgoingMail.body)).one()
    assert re.findall(r"/sign-in/link/([^?\s]+)", stored) == ["[redacted]"]


def test_a_sent_new_address_link_is_struck_out_too(app, create_user):
    user = create_user()
    with app.app_context(), app.test_request_context(base_url="http://tryggt.test"):
        email_change.request_change(db.session.get(User, user.id), "ny@example.se", "Kommunen")
        db.session.commit()
    assert _deliver(app).sent == 2
    with app.app_context():
        bodies = db.session.scalars(select(OutgoingMail.body)).all()
    confirm = next(body for body in bodies if "/my-data/new-email/" in body)
    assert re.findall(r"/my-data/new-email/([^?\s]+)", confirm) == ["[redacted]"]
