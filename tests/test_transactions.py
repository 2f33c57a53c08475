"""How a request's transaction ends: a page that only read commits; anything else rolls back.

These tests run an app that commits for real (no outer transaction to roll back), on the test
database, and take away what they wrote.
"""

from __future__ import annotations

import time
import uuid

import pytest
from flask import abort
from sqlalchemy import create_engine, delete, event, select, text
from sqlalchemy.exc import IntegrityError

from course_app.auth import services
from course_app.extensions import db
from course_app.models import Organisation, Permission, User
from tests.conftest import TEST_PASSWORD, csrf_from, make_config

PREFIX = "tx-test-"


@pytest.fixture
def real_app(migrated, tmp_path, make_app):
    """An app without the test transaction, with routes that write and then do not commit."""
    app = make_app(make_config(migrated, tmp_path, RATELIMIT_ENABLED=False))

    def _add(flush: bool):
        org = Organisation(slug=f"{PREFIX}{uuid.uuid4().hex[:8]}", name="Ej sparad")
        db.session.add(org)
        if flush:
            db.session.flush()
        return org.slug

    @app.get("/test/read")
    def read():
        return str(db.session.scalar(select(Organisation.id).limit(1)))

    @app.get("/test/flushed-not-committed")
    def flushed():
        return _add(flush=True)

    @app.get("/test/added-not-committed")
    def added():
        return _add(flush=False)

    @app.get("/test/flushed-then-failed")
    def failed():
        _add(flush=True)
        abort(500)

    @app.get("/test/flushed-then-read")
    def flushed_then_read():
        slug = _add(flush=True)
        db.session.expunge_all()  # nothing pending in the session; the INSERT was sent
        db.session.scalar(select(Organisation.id).limit(1))
        return slug

    @app.get("/test/status-after-read")
    def status_after_read():
        db.session.scalar(select(Organisation.id).limit(1))
        return _status()

    @app.get("/test/status-after-lock")
    def status_after_lock():
        db.session.scalar(select(Organisation.id).limit(1).with_for_update())
        return _status()

    @app.get("/test/status-after-write")
    def status_after_write():
        db.session.scalar(select(Organisation.id).limit(1))
        _add(flush=True)
        return _status()

    @app.get("/test/second-write-failed")
    def second_write_failed():
        slug = _add(flush=True)
        db.session.add(Organisation(slug=slug, name="Samma adress"))
        db.session.flush()  # the same unique slug: IntegrityError
        return slug

    ends: list[str] = []
    with app.app_context():
        event.listen(db.engine, "commit", lambda conn: ends.append("commit"))
        event.listen(db.engine, "rollback", lambda conn: ends.append("rollback"))
    app.extensions["transaction_ends"] = ends
    yield app
    with app.app_context():
        db.session.execute(delete(User).where(User.email.startswith(PREFIX)))
        db.session.execute(delete(Organisation).where(Organisation.slug.startswith(PREFIX)))
        db.session.commit()


def _status() -> str:
    """Return the driver's transaction status on the request's connection (PostgreSQL)."""
    return db.session.connection().connection.dbapi_connection.info.transaction_status.name


def _written(app) -> list[str]:
    with app.app_context():
        slugs = db.session.scalars(
            select(Organisation.slug).where(Organisation.slug.startswith(PREFIX))
        ).all()
        db.session.rollback()
        return list(slugs)


def test_a_request_that_only_read_ends_with_a_commit(real_app):
    if real_app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("PostgreSQL's page that only read began no transaction to end (see below)")
    ends = real_app.extensions["transaction_ends"]
    assert real_app.test_client().get("/test/read").status_code == 200
    assert ends == ["commit"]


@pytest.mark.parametrize(
    "path", ["/test/flushed-not-committed", "/test/added-not-committed", "/test/flushed-then-read"]
)
def test_what_a_request_did_not_commit_is_never_written(real_app, path):
    ends = real_app.extensions["transaction_ends"]
    response = real_app.test_client().get(path)
    assert response.status_code == 200
    assert _written(real_app) == []
    assert "commit" not in ends


def test_a_request_that_failed_writes_nothing(real_app):
    assert real_app.test_client().get("/test/flushed-then-failed").status_code == 500
    assert _written(real_app) == []


def test_a_request_that_failed_at_its_second_write_writes_neither(real_app):
    with pytest.raises(IntegrityError):  # the test app lets the error through; users see a 500
        real_app.test_client().get("/test/second-write-failed")
    assert _written(real_app) == []


def _postgresql_only(app, why: str) -> None:
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip(why)


NO_BEGIN_SENT = "PostgreSQL's driver sends BEGIN; SQLite's transactions are local"


def test_a_page_that_only_reads_sends_no_begin_and_no_commit(real_app):
    _postgresql_only(real_app, NO_BEGIN_SENT)
    response = real_app.test_client().get("/test/status-after-read")
    assert response.get_data(as_text=True) == "IDLE"  # no transaction open after the SELECT


@pytest.mark.parametrize("path", ["/test/status-after-write", "/test/status-after-lock"])
def test_a_page_begins_its_transaction_at_its_first_write_or_lock(real_app, path):
    _postgresql_only(real_app, NO_BEGIN_SENT)
    response = real_app.test_client().get(path)
    assert response.get_data(as_text=True) == "INTRANS"  # the lock is held until the end
    assert _written(real_app) == []  # and what it did not commit was rolled back


def test_a_connection_goes_back_to_the_pool_with_transactions_on(real_app):
    """After a page that read without BEGIN, the next user of the connection has transactions."""
    _postgresql_only(real_app, NO_BEGIN_SENT)
    client = real_app.test_client()
    assert client.get("/test/status-after-read").get_data(as_text=True) == "IDLE"
    with real_app.app_context():
        db.session.scalar(select(Organisation.id).limit(1))
        assert _status() == "INTRANS"
        slug = f"{PREFIX}{uuid.uuid4().hex[:8]}"
        db.session.add(Organisation(slug=slug, name="Efter läsningen"))
        db.session.commit()  # a write later in the same transaction is written
    assert _written(real_app) == [slug]


def test_postgresql_keeps_a_pages_prepared_statements_from_request_to_request(real_app):
    """psycopg forgets its prepared statements at every ROLLBACK; a page that read commits."""
    _postgresql_only(real_app, "prepared statements are PostgreSQL's")
    with real_app.app_context():
        org = services.create_organisation(f"{PREFIX}{uuid.uuid4().hex[:8]}", "Förberedd")
        user = services.create_user(
            org,
            f"{PREFIX}{uuid.uuid4().hex[:8]}@example.se",
            [Permission.OFFICIAL],
            password=TEST_PASSWORD,
        )
        email = user.email
        db.session.commit()
    client = real_app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "email": email, "password": TEST_PASSWORD}
    assert client.post("/sign-in", data=data).status_code == 302
    for _ in range(8):  # psycopg prepares a statement at its fifth use
        assert client.get("/modules/organisation/steps/2").status_code == 200
    with real_app.app_context():
        prepared = db.session.scalar(text("SELECT count(*) FROM pg_prepared_statements"))
        db.session.rollback()
    assert prepared >= 2  # the page's two queries: the user, and everything else


NO_CONNECTION = "SQLite has no connection to lose"


def _backend_pid(client) -> int:
    return int(client.get("/test/pid").get_data(as_text=True))


@pytest.fixture
def pid_app(real_app):
    @real_app.get("/test/pid")
    def pid():
        return str(db.session.scalar(text("SELECT pg_backend_pid()")))

    return real_app


def test_a_connection_idle_for_a_while_is_replaced_if_the_server_dropped_it(pid_app, monkeypatch):
    _postgresql_only(pid_app, NO_CONNECTION)
    client = pid_app.test_client()
    first = _backend_pid(client)
    other = create_engine(pid_app.config["SQLALCHEMY_DATABASE_URI"])
    with other.begin() as conn:  # from outside the app, end the server side of its connection
        conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": first})
    other.dispose()
    # Some time later the pooled connection is tested before use, and a new one takes over.
    idle_for = pid_app.config["DB_PING_AFTER_IDLE_SECONDS"] + 1
    real_clock = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real_clock() + idle_for)
    response = client.get("/test/pid")
    assert response.status_code == 200
    assert int(response.get_data(as_text=True)) != first


def test_a_connection_in_steady_use_is_not_pinged(pid_app, monkeypatch):
    _postgresql_only(pid_app, NO_CONNECTION)
    client = pid_app.test_client()
    _backend_pid(client)
    pings = []
    with pid_app.app_context():
        dialect = db.engine.dialect
    real_ping = dialect.do_ping
    monkeypatch.setattr(dialect, "do_ping", lambda conn: pings.append(1) or real_ping(conn))
    for _ in range(3):
        _backend_pid(client)
    assert pings == []
    real_clock = time.monotonic
    monkeypatch.setattr(time, "monotonic", lambda: real_clock() + 60)
    _backend_pid(client)
    assert pings == [1]
