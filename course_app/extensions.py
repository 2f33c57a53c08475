"""Flask extensions, created unbound and initialised in create_app()."""

from __future__ import annotations

import functools
import re
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager

from flask import current_app, has_request_context, request
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_sqlalchemy.session import Session as FlaskSession
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect
from psycopg.pq import TransactionStatus
from sqlalchemy import MetaData, event
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import Pool

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Session(FlaskSession):
    """A session that honours an explicit bind, so work can join an outer transaction."""

    def get_bind(self, mapper=None, clause=None, bind=None, **kwargs):
        if bind is None and self.bind is not None:
            return self.bind
        return super().get_bind(mapper=mapper, clause=clause, bind=bind, **kwargs)


db = SQLAlchemy(model_class=Base, session_options={"class_": Session})
migrate = Migrate(render_as_batch=True, compare_type=True)
login_manager = LoginManager()
csrf = CSRFProtect()
babel = Babel()
limiter = Limiter(key_func=get_remote_address)


@limiter.request_filter
def _reads_are_not_limited() -> bool:
    """Spare a page read the limiter's per-request work: every limit is on a form sent (POST).

    A limit on GET would never apply; tests/test_security.py fails if one is declared.
    """
    return request.method in _SAFE_METHODS


talisman = Talisman()


def _lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, connection_record) -> None:
    """Let SQLAlchemy, not the driver, manage SQLite transactions, and enforce foreign keys.

    On PostgreSQL, turn off JIT compilation for the connection: the app's queries are short or,
    like the coverage report, spend more time compiling (over 150 ms for 50,000 officials) than
    they would save. And write dates as ISO text.
    """
    if type(dbapi_connection).__module__.startswith("psycopg"):
        dbapi_connection.execute("SET jit = off")
        # Dates written as text (learn/saved.py reads some so) are YYYY-MM-DD, whatever the
        # server's default.
        dbapi_connection.execute("SET datestyle = 'ISO, YMD'")
        dbapi_connection.commit()
    if isinstance(dbapi_connection, sqlite3.Connection):
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=ON")
        # Readers never wait for the writer, and a second writer waits its turn for 15 s.
        dbapi_connection.execute("PRAGMA journal_mode=WAL")
        dbapi_connection.execute("PRAGMA busy_timeout=15000")
        # SQLite's own lower() folds A-Z only; searches (ILIKE is lower() LIKE lower()) must find
        # "Öberg" when "öberg" is typed, as on PostgreSQL.
        dbapi_connection.create_function("lower", 1, _lower, deterministic=True)


@event.listens_for(Engine, "begin")
def _sqlite_begin(connection) -> None:
    """Begin SQLite transactions; with the sqlite_begin_immediate option, take the write lock first.

    BEGIN IMMEDIATE makes a second writer wait for the first instead of both reading the same
    rows and one of them failing when it writes (how the mail worker claims a message).
    """
    if connection.dialect.name == "sqlite":
        immediate = connection.get_execution_options().get("sqlite_begin_immediate", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@event.listens_for(Pool, "checkin")
def _idle_from(dbapi_connection, connection_record) -> None:
    connection_record.info["idle_since"] = time.monotonic()
    if connection_record.info.pop(_DEFERRED, False):
        connection_record.info.pop(_LAZY, None)
        if dbapi_connection is not None and dbapi_connection.autocommit:
            dbapi_connection.autocommit = False  # back to the pool as it came


# A request that only reads needs no transaction on PostgreSQL: each statement of a READ
# COMMITTED transaction reads its own snapshot anyway. Its BEGIN and COMMIT would be two of the
# four round trips of a signed-in step page.
_LAZY = "begin_at_first_write"  # until the first statement that writes
_DEFERRED = "deferred_begin"  # the connection's autocommit is to be restored at check-in
_SAFE_METHODS = frozenset({"GET", "HEAD"})
_LOCKING = re.compile(r"\bFOR\s+(?:NO\s+KEY\s+)?(?:UPDATE|SHARE|KEY\s+SHARE)\b", re.IGNORECASE)


@event.listens_for(Session, "after_begin")
def _begin_at_first_write(session, transaction, connection) -> None:
    """In a GET request on PostgreSQL, send BEGIN only with the first statement that writes.

    Until then the driver runs in autocommit, so a page that only reads sends neither BEGIN nor
    COMMIT. The first statement that writes or locks rows (anything but a plain SELECT) starts
    the transaction, and from there the request commits or rolls back as one, as any other.
    Not for a session bound to an outer transaction (the tests').
    """
    if session.bind is not None or transaction.nested or connection.dialect.driver != "psycopg":
        return
    if not (has_request_context() and request.method in _SAFE_METHODS):
        return
    dbapi_connection = connection.connection.dbapi_connection
    if dbapi_connection.info.transaction_status != TransactionStatus.IDLE:
        return
    dbapi_connection.autocommit = True
    connection.info[_LAZY] = connection.info[_DEFERRED] = True


@functools.lru_cache(maxsize=1024)
def _only_reads(statement: str) -> bool:
    """Return True for a plain SELECT, which neither writes nor locks rows.

    Cached: a page's statements are the same strings on every request.
    """
    return statement.lstrip()[:6].upper() == "SELECT" and not _LOCKING.search(statement)


def ping_after_idle(engine: Engine, seconds: float) -> None:
    """Test a pooled connection that has been idle for seconds before it is used again.

    A network may drop an idle connection, or the server may have restarted meanwhile: the
    connection is then replaced before the request sees it. A connection in steady use, which
    answered a moment ago, is not asked again (SQLAlchemy's pre-ping would cost every request a
    round trip). SQLite has no connection to lose.
    """
    if engine.dialect.name == "sqlite":
        return

    @event.listens_for(engine, "checkout")
    def _ping(dbapi_connection, connection_record, proxy) -> None:
        idle_since = connection_record.info.get("idle_since")
        if idle_since is None or time.monotonic() - idle_since < seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            raise sa_exc.DisconnectionError("the idle connection is gone") from error


_READING = ("SELECT", "BEGIN")


@event.listens_for(Engine, "begin")
def _nothing_written_yet(connection) -> None:
    connection.info["wrote"] = False
    connection.info[_LAZY] = False  # until _begin_at_first_write says otherwise


@event.listens_for(Engine, "before_cursor_execute")
def _note_writes(connection, cursor, statement, parameters, context, executemany) -> None:
    """Note on the connection when its transaction runs anything but a SELECT."""
    if not statement.lstrip()[:6].upper().startswith(_READING):
        connection.info["wrote"] = True
    if connection.info.get(_LAZY) and not _only_reads(statement):
        # Start the deferred transaction: psycopg sends BEGIN before this statement.
        connection.info[_LAZY] = False
        dbapi_connection = connection.connection.dbapi_connection
        if dbapi_connection.autocommit:
            dbapi_connection.autocommit = False


def end_reading_transaction(error: BaseException | None) -> None:
    """End a request's transaction that only read with COMMIT rather than ROLLBACK.

    Both end a read-only transaction alike, but psycopg forgets its prepared statements on every
    ROLLBACK, so PostgreSQL would plan a page's queries anew on every request. A transaction
    that wrote, failed or holds unsaved objects is left to the session's usual rollback, and so
    is a GET's whose BEGIN was never sent (_begin_at_first_write): psycopg's rollback of a
    connection outside a transaction sends nothing and keeps the prepared statements.
    Registered after Flask-SQLAlchemy, so it runs before the session is removed.
    """
    if error is not None or not db.session.registry.has():
        return
    session = db.session()
    if not session.in_transaction() or session.new or session.dirty or session.deleted:
        return
    info = session.connection().info
    if info.get("wrote", True) or info.get(_LAZY):
        return  # with BEGIN still deferred, the rollback sends nothing and forgets nothing
    session.commit()


@event.listens_for(Engine, "handle_error")
def _no_values_in_errors(context):
    """Drop the row's values that PostgreSQL puts in an error's detail ("Failing row contains").

    With hide_parameters (config.py) the statement's parameters stay out of the message; the
    server's detail would still carry what was typed (a note) into the log.
    """
    orig = context.original_exception
    diag = getattr(orig, "diag", None)
    if diag is None or not getattr(diag, "message_detail", None):
        return None
    orig.args = (diag.message_primary or type(orig).__name__,)
    return sa_exc.DBAPIError.instance(
        context.statement,
        None,
        orig,
        context.dialect.loaded_dbapi.Error,
        hide_parameters=True,
        connection_invalidated=context.is_disconnect,
        dialect=context.dialect,
    )


def begin_writes_immediately() -> None:
    """On SQLite, let a POST request's transaction take the write lock at its start.

    Two requests that both read and then write would otherwise deadlock, and one would fail
    with "database is locked"; with the lock taken first, the second waits its turn. Run
    before anything in the request touches the database.
    """
    if request.method == "POST" and db.engine.dialect.name == "sqlite":
        db.session.connection(execution_options={"sqlite_begin_immediate": True})


# PostgreSQL's "try again" errors: a serialization failure, a deadlock, a lock or statement timeout.
RETRY_SQLSTATES = frozenset({"40001", "40P01", "55P03", "57014"})


def is_busy(error: sa_exc.OperationalError) -> bool:
    """Return True if the database refused for a while only: another transaction held a lock."""
    cause = error.orig
    if isinstance(cause, sqlite3.OperationalError):  # SQLITE_BUSY_SNAPSHOT and the like too
        return cause.sqlite_errorcode & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    return getattr(cause, "sqlstate", None) in RETRY_SQLSTATES


@contextmanager
def write_apart() -> Iterator[None]:
    """Commit what a page that reads has done so far, and write the block in a short transaction.

    For a page (GET) that records it was read: a report exported, a certificate issued or
    checked. On SQLite a transaction that has read cannot write once another request has saved
    since its first read ("database is locked" at once, whatever the busy timeout); one that
    takes the write lock before it reads waits its turn instead, as a POST does.
    """
    db.session.commit()
    if db.engine.dialect.name == "sqlite":
        db.session.connection(execution_options={"sqlite_begin_immediate": True})
    yield
    db.session.commit()


def allow_uploads() -> None:
    """Raise the request size limit for the endpoints in UPLOAD_LIMITS (a roster file).

    Runs before the CSRF check reads the form, so the larger limit is in force when it does.
    """
    limit = current_app.config["UPLOAD_LIMITS"].get(request.endpoint)
    if limit:
        request.max_content_length = limit
