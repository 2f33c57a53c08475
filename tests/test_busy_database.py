"""Saves while the mail worker sends and while pages that read write their records.

On SQLite one request writes at a time: a page that only reads, then records that it was read
(a report exported, a certificate issued or checked), must not fail because others saved
meanwhile, and the mail worker must not hold the lock while a mail server takes its time.
Over HTTP against a served app (tests/test_concurrency.py), on the suite's database: SQLite by
default, PostgreSQL with TEST_DATABASE_URL.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import urllib.error
import urllib.parse
from datetime import UTC, date, datetime

import psycopg
import pytest
from sqlalchemy import delete, event, func, select, text
from sqlalchemy.exc import OperationalError

from course_app import mail
from course_app.auth import services
from course_app.certificates.service import new_code
from course_app.extensions import csrf, db
from course_app.mail import deliver_pending, queue_mail
from course_app.models import (
    Assignment,
    AssignmentRole,
    AuditRecord,
    Certificate,
    Extent,
    ModuleCompletion,
    Organisation,
    OutgoingMail,
    Permission,
    Requirement,
)
from tests import test_concurrency, test_mail_queue
from tests.test_concurrency import (
    MODULE,
    STEP,
    WRITERS,
    Browser,
    Served,
    _all_at_once,
    _official,
    _saved_step,
    _sent,
    _step_payloads,
)
from tests.test_mail_queue import Inbox

# The served app and the SMTP server, as the tests of concurrency and of the mail queue use them.
served = test_concurrency.served
smtp_server = test_mail_queue.smtp_server

EXPORTS = 12


class SlowInbox(Inbox):
    """A mail server that takes `delay` seconds to answer a message, and says when it starts."""

    def __init__(self, delay: float):
        super().__init__(delay=delay)
        self.receiving = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.receiving.set()
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def unit(served) -> Browser:
    """A signed-in member of the served organisation's security unit, with a requirement.

    Removes the requirements, certificates and mail it led to before the organisation goes.
    """
    with served.app.app_context():
        org = db.session.get(Organisation, served.org_id)
        user = services.create_user(org, "enhet@example.se", [Permission.SECURITY_UNIT])
        db.session.add(
            Requirement(
                organisation_id=served.org_id, election_year=2022, module_ids=[MODULE],
                counts_from=date(2022, 1, 1), deadline=date(2023, 4, 13),
            )
        )  # fmt: skip
        db.session.commit()
        user_id = user.id
    yield Browser(served, user_id)
    with served.app.app_context():
        for model in (Certificate, Requirement):
            db.session.execute(delete(model).where(model.organisation_id == served.org_id))
        db.session.execute(delete(OutgoingMail).where(OutgoingMail.to_address.like("%@busy.se")))
        db.session.commit()


def _status(browser: Browser, path: str) -> int:
    """GET path; return the status code (a 500 is a status here, not an exception)."""
    try:
        with browser.opener.open(browser.base + path, timeout=120) as response:
            response.read()
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def _certified(served: Served, email: str) -> int:
    """Add an official of the organisation who has completed the 2022 period's training."""
    user_id = _official(served, email)
    with served.app.app_context():
        db.session.add(
            Assignment(
                organisation_id=served.org_id, user_id=user_id, role=AssignmentRole.ORDINARIE,
                extent=Extent.FRITID, starts_on=date(2022, 10, 15),
            )
        )  # fmt: skip
        db.session.add(
            ModuleCompletion(
                user_id=user_id, module_id=MODULE, module_version="v1",
                counts_from=date(2022, 1, 1), completed_at=datetime(2022, 11, 1, tzinfo=UTC),
            )
        )  # fmt: skip
        db.session.commit()
    return user_id


def _count(served: Served, stmt) -> int:
    with served.app.app_context():
        return db.session.scalar(stmt)


def test_twelve_exports_while_twenty_saves_run(served, unit):
    user_id = _official(served, "sparar@busy.se")
    official = Browser(served, user_id)
    payloads = _step_payloads(official.get(STEP), WRITERS, "export")
    formats = ["csv", "xlsx"] * (EXPORTS // 2)

    results = _all_at_once(
        [lambda p=p: official.post(STEP, p) for p in payloads]
        + [lambda f=f: _status(unit, f"/security-unit/coverage.{f}") for f in formats]
    )

    assert results[:WRITERS] == [302] * WRITERS
    assert results[WRITERS:] == [200] * EXPORTS
    ticks, notes = _saved_step(served.app, user_id)
    assert len(notes) == 1 and (ticks, notes[0]) in {_sent(p) for p in payloads}
    exported = select(func.count()).where(
        AuditRecord.organisation_id == served.org_id, AuditRecord.action == "report.exported"
    )
    assert _count(served, exported) == EXPORTS


def test_certificates_are_issued_and_checked_while_saves_run(served, unit):
    officials = [Browser(served, _certified(served, f"intyg{n}@busy.se")) for n in range(4)]
    code, holder = new_code(), _certified(served, "har-intyg@busy.se")
    with served.app.app_context():
        db.session.add(
            Certificate(
                organisation_id=served.org_id, user_id=holder, election_year=2022, code=code,
                name="Har Intyg", modules=[],
            )
        )  # fmt: skip
        db.session.commit()
    saver = Browser(served, _official(served, "sparar@busy.se"))
    payloads = _step_payloads(saver.get(STEP), WRITERS, "intyg")

    results = _all_at_once(
        [lambda p=p: saver.post(STEP, p) for p in payloads]
        + [lambda b=b: _status(b, "/certificates/2022") for b in officials]
        + [lambda b=b: _status(b, "/certificates/2022") for b in officials]  # a second tab
        + [lambda: _status(unit, f"/security-unit/certificates?code={code}")] * 4
    )

    assert results == [302] * WRITERS + [200] * 12
    issued = select(func.count()).where(Certificate.organisation_id == served.org_id)
    assert _count(served, issued) == 5, "one certificate each, however many tabs asked"
    looked_up = select(func.count()).where(
        AuditRecord.organisation_id == served.org_id,
        AuditRecord.action == "certificate.looked_up",
    )
    assert _count(served, looked_up) == 4


def test_a_save_does_not_wait_for_a_slow_mail_server(served, unit, smtp_server):
    inbox = SlowInbox(delay=6)
    served.app.config.update(MAIL_BACKEND="smtp", MAIL_SERVER="127.0.0.1")
    served.app.config["MAIL_PORT"] = smtp_server(inbox)
    user_id = _official(served, "langsam@busy.se")
    browser = Browser(served, user_id)
    [payload] = _step_payloads(browser.get(STEP), 1, "slow")
    with served.app.app_context():
        mail_id = queue_mail("langsam@busy.se", "Påminnelse", "Brödtext").id
        db.session.commit()
    reports = []

    def worker() -> None:
        with served.app.app_context():
            reports.append(deliver_pending())

    thread = threading.Thread(target=worker)
    thread.start()
    try:
        assert inbox.receiving.wait(10), "the worker is talking to the mail server"
        started = time.monotonic()
        status = browser.post(STEP, payload)
        took = time.monotonic() - started
        still_sending = not inbox.messages
    finally:
        thread.join(timeout=60)

    assert status == 302
    assert still_sending and took < 3, f"the save waited {took:.1f} s for the mail server"
    assert _saved_step(served.app, user_id)[1] == [_sent(payload)[1]]
    assert [r.sent for r in reports] == [1] and len(inbox.messages) == 1
    with served.app.app_context():
        assert db.session.get(OutgoingMail, mail_id).sent_at is not None


@pytest.fixture
def short_busy_timeout(served):
    """Make the served app's SQLite connections give up waiting for the write lock after 0.3 s."""
    with served.app.app_context():
        if db.engine.dialect.name != "sqlite":
            pytest.skip("PostgreSQL has no database-wide write lock to wait for")
        event.listen(db.engine, "connect", _wait_briefly)
        db.engine.dispose()  # the connections made so far wait 15 s
        with db.engine.connect() as conn:
            assert conn.execute(text("PRAGMA busy_timeout")).scalar() == 300
        path = db.engine.url.database
    yield path
    with served.app.app_context():
        event.remove(db.engine, "connect", _wait_briefly)
        db.engine.dispose()


def _wait_briefly(dbapi_connection, connection_record) -> None:
    dbapi_connection.execute("PRAGMA busy_timeout=300")


def test_a_save_that_times_out_on_the_lock_shows_the_note_back(served, short_busy_timeout):
    user_id = _official(served, "laset@busy.se")
    browser = Browser(served, user_id)
    html = browser.get(STEP)
    [payload] = _step_payloads(html, 1, "Min anteckning om mötet")
    browser.opener.addheaders = [("Referer", served.url + STEP), ("Accept-Language", "sv")]
    holder = sqlite3.connect(short_busy_timeout, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another writer that takes its time
    try:
        status, page = _post_page(browser, STEP, payload)
    finally:
        holder.execute("ROLLBACK")
        holder.close()

    assert status == 503
    assert "Inget sparades: tjänsten var upptagen" in page
    assert "Min anteckning om mötet note 0" in page
    assert _saved_step(served.app, user_id)[1] == []
    assert browser.post(STEP, payload) == 302, "once the other writer is done, it saves"


def _post_page(browser: Browser, path: str, fields) -> tuple[int, str]:
    data = urllib.parse.urlencode(fields).encode()
    try:
        with browser.opener.open(browser.base + path, data=data, timeout=60) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


@pytest.fixture
def failing(app):
    """The app with a form that fails with the database error given in the test."""
    raised: list[Exception] = []

    @app.post("/test/database-error")
    @csrf.exempt
    def database_error():
        raise OperationalError("UPDATE …", {}, raised[0])

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app, raised


@pytest.mark.parametrize(
    "cause", [psycopg.errors.LockNotAvailable(), psycopg.errors.SerializationFailure()]
)
def test_a_lock_or_serialization_error_on_postgresql_is_the_busy_page(failing, cause):
    app, raised = failing
    raised.append(cause)
    response = app.test_client().post(
        "/test/database-error",
        data={"note": "Min text här"},
        headers={"Accept-Language": "en", "Referer": "http://localhost/modules"},
    )
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "5"
    page = response.get_data(as_text=True)
    assert "Nothing was saved: the service was busy" in page
    assert "Min text här" in page


def test_any_other_database_error_is_a_server_error(failing):
    app, raised = failing
    raised.append(sqlite3.OperationalError("no such table: users"))
    response = app.test_client().post("/test/database-error", data={"note": "Min text här"})
    assert response.status_code == 500
    assert "Tyvärr gick något fel" in response.get_data(as_text=True)


def test_a_sent_message_is_recorded_after_a_lock_wait_that_ran_out(app, smtp_server, monkeypatch):
    """Recorded on the second try, so that it is not sent again once its claim runs out."""
    inbox = Inbox()
    test_mail_queue._use_smtp(app, smtp_server(inbox))
    mail_id = test_mail_queue._queue(app)
    record, calls = mail._record, []

    def busy_once(*args):
        calls.append(args)
        if len(calls) == 1:
            raise OperationalError("UPDATE …", {}, psycopg.errors.LockNotAvailable())
        return record(*args)

    monkeypatch.setattr(mail, "_record", busy_once)
    assert test_mail_queue._deliver(app).sent == 1
    assert len(calls) == 2 and len(inbox.messages) == 1
    assert test_mail_queue._load(app, mail_id).sent_at is not None
