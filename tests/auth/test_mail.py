"""Sign-in links are queued, then go out through a real SMTP server when SMTP is configured."""

import logging
import socket
from email.header import decode_header, make_header

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from course_app.mail import deliver_pending
from tests.conftest import csrf_from


class Collect(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Collect()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def test_sign_in_link_is_sent_over_smtp(app, smtp_server, create_user):
    controller, handler = smtp_server
    user = create_user()
    app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port)
    client = app.test_client()
    html = client.get("/sign-in/link").get_data(as_text=True)
    response = client.post(
        "/sign-in/link", data={"csrf_token": csrf_from(html), "email": user.email}
    )
    assert response.status_code == 200
    assert handler.messages == []
    with app.app_context():
        assert deliver_pending().sent == 1
    [message] = handler.messages
    assert message["To"] == user.email
    assert (
        str(make_header(decode_header(message["Subject"])))
        == "Din inloggningslänk till Tryggt uppdrag"
    )
    body = message.get_payload(decode=True).decode()
    assert "http://tryggt.test/sign-in/link/" in body
    assert body.startswith("Hej!")


def test_outbox_mail_is_written_and_logged_without_its_link(
    app, create_user, capsys, caplog, tmp_path
):
    caplog.set_level(logging.DEBUG)
    user = create_user()
    client = app.test_client()
    html = client.get("/sign-in/link").get_data(as_text=True)
    client.post("/sign-in/link", data={"csrf_token": csrf_from(html), "email": user.email})
    with app.app_context():
        deliver_pending()
    [written] = (tmp_path / "outbox").glob("*.eml")
    token = written.read_text().split("/sign-in/link/", 1)[1].split()[0].split("?")[0]
    assert f"e-mail to {user.email} written to {written}" in caplog.text
    printed = capsys.readouterr()
    for text in (caplog.text, printed.out, printed.err):
        assert token not in text
        assert "Hej!" not in text


def test_production_config_sends_through_smtp(migrated, monkeypatch, make_app):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-test-key-0123456789-abcdef")
    monkeypatch.delenv("MAIL_BACKEND", raising=False)
    monkeypatch.setenv("BASE_URL", "https://tryggt.test")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15")
    monkeypatch.setenv("MAIL_SENDER", "Tryggt uppdrag <no-reply@tryggt.example.se>")
    monkeypatch.setenv("ALLOW_SQLITE_IN_PRODUCTION", "1")
    app = make_app({"SQLALCHEMY_DATABASE_URI": migrated})
    assert app.config["MAIL_BACKEND"] == "smtp"
    assert app.config["SESSION_COOKIE_SECURE"] is True
