"""An address that mail does not reach: marked when a message is given up on, shown to the
security unit (the official's page, the list) and the official (My data), cleared when the
address is corrected or a message gets through. Against a real SMTP server."""

from __future__ import annotations

import smtplib

import pytest
from sqlalchemy import select

from course_app.auth import email_change
from course_app.extensions import db
from course_app.mail import queue_mail
from course_app.mail_errors import address_at_fault
from course_app.models import OutgoingMail, Permission, User
from course_app.models.base import utcnow
from tests import test_mail_queue
from tests.conftest import csrf_from
from tests.test_mail_queue import Inbox, _deliver, _free_port, _use_smtp

smtp_server = test_mail_queue.smtp_server  # the fixture, under its name

FAILED_SV = "E-post till den här adressen kunde inte levereras den"
LISTED_SV = "E-post kom inte fram"


class RefusingInbox(Inbox):
    """A mail server that refuses every recipient with the given reply."""

    def __init__(self, reply: str):
        super().__init__()
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.reply


@pytest.fixture
def official(create_user):
    return create_user(email="fel.adress@example.se")


@pytest.fixture
def unit(app, official, create_user, login_as):
    client = app.test_client()
    login_as(client, create_user((Permission.SECURITY_UNIT,), org=official.organisation_id))
    return client


def _mail_to(app, address: str) -> int:
    with app.app_context():
        mail_id = queue_mail(address, "Inbjudan", "Brödtext").id
        db.session.commit()
        return mail_id


def _failed_at(app, user_id: int):
    with app.app_context():
        return db.session.get(User, user_id).email_failed_at


def _give_up(app, smtp_server, official) -> None:
    _use_smtp(app, smtp_server(RefusingInbox("550 5.1.1 No such user here")))
    _mail_to(app, official.email)
    assert _deliver(app).failed == 1


def test_a_refused_recipient_is_given_up_at_once_and_the_address_marked(
    app, smtp_server, official, unit
):
    _use_smtp(app, smtp_server(RefusingInbox("550 5.1.1 No such user here")))
    mail_id = _mail_to(app, official.email)
    before = utcnow()

    report = _deliver(app)

    assert (report.failed, report.retrying) == (1, 0), "a 5xx refusal is not tried again"
    with app.app_context():
        mail = db.session.get(OutgoingMail, mail_id)
        assert (mail.attempts, mail.last_error) == (1, "SMTPRecipientsRefused 550")
    assert before <= _failed_at(app, official.id) <= utcnow()
    page = unit.get(f"/security-unit/officials/{official.id}").get_data(as_text=True)
    assert FAILED_SV in page
    listed = unit.get("/security-unit/officials").get_data(as_text=True)
    assert LISTED_SV in listed
    edit = unit.get(f"/security-unit/officials/{official.id}/edit").get_data(as_text=True)
    assert "E-post till den nuvarande adressen kunde inte levereras den" in edit


def test_the_official_sees_the_mark_under_my_data(app, smtp_server, official, login_as):
    client = app.test_client()
    login_as(client, official)
    assert "kunde inte levereras" not in client.get("/my-data").get_data(as_text=True)
    _give_up(app, smtp_server, official)
    page = client.get("/my-data").get_data(as_text=True)
    assert f"E-post till din adress, {official.email}, kunde inte levereras den" in page
    assert client.get("/my-data/export.json").get_json()["account"]["email_failed_at"]


def test_a_refusal_for_now_is_tried_again_and_marks_nothing(app, smtp_server, official):
    _use_smtp(app, smtp_server(RefusingInbox("450 4.2.1 Mailbox busy, try later")))
    _mail_to(app, official.email)
    assert _deliver(app).retrying == 1
    assert _failed_at(app, official.id) is None


def test_a_message_given_up_after_every_attempt_marks_the_address(app, smtp_server, official):
    _use_smtp(app, smtp_server(RefusingInbox("452 4.2.2 Mailbox full")), MAIL_MAX_ATTEMPTS=1)
    _mail_to(app, official.email)
    assert _deliver(app).failed == 1
    assert _failed_at(app, official.id) is not None


def test_our_own_mail_server_down_marks_no_address(app, official, unit):
    _use_smtp(app, _free_port(), MAIL_MAX_ATTEMPTS=1)  # nothing listens there
    _mail_to(app, official.email)
    assert _deliver(app).failed == 1
    assert _failed_at(app, official.id) is None
    assert LISTED_SV not in unit.get("/security-unit/officials").get_data(as_text=True)


@pytest.mark.parametrize(
    ("error", "address", "at_fault"),
    [
        (smtplib.SMTPRecipientsRefused({"a@b.se": (550, b"no")}), "a@b.se", True),
        (smtplib.SMTPDataError(554, b"rejected"), "a@b.se", True),
        (smtplib.SMTPNotSupportedError("no SMTPUTF8"), "åsa@b.se", True),
        (UnicodeEncodeError("ascii", "å", 0, 1, "no"), "åsa@b.se", True),
        (smtplib.SMTPNotSupportedError("no STARTTLS"), "a@b.se", False),
        (smtplib.SMTPAuthenticationError(535, b"bad password"), "a@b.se", False),
        (smtplib.SMTPSenderRefused(550, b"no", "no-reply@kommun.se"), "a@b.se", False),
        (smtplib.SMTPServerDisconnected("gone"), "a@b.se", False),
        (ConnectionRefusedError(), "a@b.se", False),
        (TimeoutError(), "a@b.se", False),
    ],
)
def test_only_failures_of_the_address_or_message_mark_it(error, address, at_fault):
    assert address_at_fault(error, address) is at_fault


def test_a_message_that_gets_through_later_clears_the_mark(app, smtp_server, official, unit):
    _give_up(app, smtp_server, official)
    inbox = Inbox()
    _use_smtp(app, smtp_server(inbox))
    _mail_to(app, official.email)
    assert _deliver(app).sent == 1
    assert _failed_at(app, official.id) is None
    assert LISTED_SV not in unit.get("/security-unit/officials").get_data(as_text=True)


def test_the_unit_corrects_the_address_and_the_mark_goes(app, smtp_server, official, unit):
    _give_up(app, smtp_server, official)
    url = f"/security-unit/officials/{official.id}/edit"
    token = csrf_from(unit.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "name": "Rätt Adress", "email": "ratt@example.se", "locale": "sv"}
    assert unit.post(url, data=data).status_code == 302
    assert _failed_at(app, official.id) is None
    page = unit.get(f"/security-unit/officials/{official.id}").get_data(as_text=True)
    assert FAILED_SV not in page and "ratt@example.se" in page


def test_saving_other_details_keeps_the_mark(app, smtp_server, official, unit):
    _give_up(app, smtp_server, official)
    url = f"/security-unit/officials/{official.id}/edit"
    token = csrf_from(unit.get(url).get_data(as_text=True))
    data = {"csrf_token": token, "name": "Nytt Namn", "email": official.email, "locale": "en"}
    assert unit.post(url, data=data).status_code == 302
    assert _failed_at(app, official.id) is not None


def test_a_new_address_the_official_confirms_clears_the_mark(app, smtp_server, official):
    _give_up(app, smtp_server, official)
    with app.app_context():
        user = db.session.get(User, official.id)
        email_change.apply_change(user, "ny.adress@example.se")
        db.session.commit()
    assert _failed_at(app, official.id) is None


def test_mail_to_an_address_of_no_account_marks_no_one(app, smtp_server, official):
    _use_smtp(app, smtp_server(RefusingInbox("550 5.1.1 No such user here")))
    _mail_to(app, "ingen@example.se")
    assert _deliver(app).failed == 1
    with app.app_context():
        marked = select(User.id).where(User.email_failed_at.is_not(None))
        assert db.session.scalars(marked).all() == []
