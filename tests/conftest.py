"""Shared fixtures: the app on a migrated database, each test inside a rolled-back transaction."""

from __future__ import annotations

import os
import re
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

import flask_migrate
import pytest
from sqlalchemy import event, select, text

from course_app import create_app
from course_app.auth import services
from course_app.extensions import db, limiter
from course_app.models import (
    Assignment,
    AssignmentRole,
    Audience,
    Body,
    Extent,
    Organisation,
    Party,
    Permission,
    Requirement,
)

TEST_PASSWORD = "correct horse battery staple"


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    """The test database: PostgreSQL if TEST_DATABASE_URL is set, else a fresh SQLite file."""
    url = os.environ.get("TEST_DATABASE_URL")
    return url or f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


def make_config(database_url: str, tmp_path, **overrides) -> dict:
    """Return a test configuration on database_url, writing mail under tmp_path."""
    return {
        "TESTING": True,
        "APP_ENV": "testing",
        "SECRET_KEY": "test-secret",
        "SQLALCHEMY_DATABASE_URI": database_url,
        "MAIL_BACKEND": "outbox",
        # Mail waits in the queue unless a test sends it, whatever APP_ENV make test sets.
        "MAIL_DELIVER_AFTER_REQUEST": False,
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
        "BASE_URL": "http://tryggt.test",
        "RATELIMIT_STORAGE_URI": "memory://",
        "FORCE_HTTPS": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        # The cheapest argon2id there is: production's strength is tested once, on its own.
        "PASSWORD_HASH_PARAMETERS": {"time_cost": 1, "memory_cost": 8, "parallelism": 1},
        **overrides,
    }


def reset_database(app) -> None:
    """Drop everything in the test database and migrate it to the newest revision."""
    with app.app_context():
        with db.engine.begin() as conn:
            if conn.dialect.name == "postgresql":
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
            else:
                db.metadata.drop_all(conn)
                conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        flask_migrate.upgrade()
        db.engine.dispose()


@pytest.fixture(scope="session")
def migrated(database_url, tmp_path_factory) -> str:
    """Migrate the test database once per run; return its URL."""
    reset_database(create_app(make_config(database_url, tmp_path_factory.mktemp("setup"))))
    return database_url


@pytest.fixture
def app(migrated, tmp_path):
    """The app, with every database write inside a transaction rolled back after the test."""
    app = create_app(make_config(migrated, tmp_path))
    with app.app_context():
        connection = db.engine.connect()
        outer = connection.begin()
        db.session.remove()
        db.session.configure(bind=connection, join_transaction_mode="create_savepoint")
    limiter.reset()
    app.extensions["test_connection"] = connection
    yield app
    with app.app_context():
        db.session.remove()
        db.session.configure(bind=None, join_transaction_mode="conditional_savepoint")
        outer.rollback()
        connection.close()
        db.engine.dispose()


@pytest.fixture
def make_app():
    """Return a callable that creates an app; its database connections are closed after the test."""
    made = []

    def _make(config: dict | None = None):
        made.append(create_app(config))
        return made[-1]

    yield _make
    for app in made:
        with app.app_context():
            db.engine.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@dataclass(frozen=True)
class UserInfo:
    id: int
    email: str
    password: str | None
    organisation_id: int


@pytest.fixture
def create_org(app):
    """Return a callable that adds an organisation and returns its id."""
    counter = iter(range(1, 10_000))

    def _create(slug: str | None = None, name: str = "Testkommun") -> int:
        with app.app_context():
            org = services.create_organisation(slug or f"org-{next(counter)}", name)
            db.session.commit()
            return org.id

    return _create


@pytest.fixture
def create_user(app, create_org):
    """Return a callable that adds a user (an official by default) and returns a UserInfo."""
    counter = iter(range(1, 10_000))
    default_org: list[int] = []

    def _create(
        permissions=(Permission.OFFICIAL,),
        org: int | None = None,
        email: str | None = None,
        password=None,
    ) -> UserInfo:
        if org is None:
            default_org or default_org.append(create_org())
            org = default_org[0]
        email = email or f"user{next(counter)}@example.se"
        with app.app_context():
            user = services.create_user(
                db.session.get(Organisation, org), email, list(permissions), password=password
            )
            db.session.commit()
            return UserInfo(user.id, user.email, password, org)

    return _create


@pytest.fixture
def create_assignment(app):
    """Return a callable that gives a user a seat (party and body created by name if missing)."""

    def _create(
        user: UserInfo,
        body: str | None = "Kommunfullmäktige",
        party: str | None = "Exempelpartiet",
        role: AssignmentRole = AssignmentRole.ORDINARIE,
        extent: Extent = Extent.FRITID,
        starts_on: date = date(2022, 10, 15),
        ends_on: date | None = None,
    ) -> int:
        with app.app_context():
            org = user.organisation_id
            seat = Assignment(
                organisation_id=org,
                user_id=user.id,
                body=_named(Body, org, body),
                party=_named(Party, org, party),
                role=role,
                extent=extent,
                starts_on=starts_on,
                ends_on=ends_on,
            )
            db.session.add(seat)
            db.session.commit()
            return seat.id

    return _create


def _named(model, organisation_id: int, name: str | None):
    if name is None:
        return None
    stmt = select(model).where(model.organisation_id == organisation_id, model.name == name)
    found = db.session.scalar(stmt)
    if found is None:
        found = model(organisation_id=organisation_id, name=name)
        db.session.add(found)
    return found


@pytest.fixture
def create_requirement(app):
    """Return a callable that requires modules of an organisation's officials for a period."""

    def _create(
        organisation_id: int,
        module_ids: list[str],
        election_year: int,
        counts_from: date,
        deadline: date,
        audience: Audience = Audience.ALL,
        roles: list[str] | None = None,
        extents: list[str] | None = None,
    ) -> int:
        with app.app_context():
            requirement = Requirement(
                organisation_id=organisation_id,
                election_year=election_year,
                module_ids=module_ids,
                audience=audience,
                roles=roles or [],
                extents=extents or [],
                counts_from=counts_from,
                deadline=deadline,
            )
            db.session.add(requirement)
            db.session.commit()
            return requirement.id

    return _create


@pytest.fixture
def login_as():
    """Return a callable that signs a user in on a test client; the sign-in form is tested apart."""

    def _login(client, user: UserInfo) -> None:
        with client.session_transaction() as session:
            session["_user_id"] = f"{user.id}:0"
            session["_fresh"] = True

    return _login


CSRF_RE = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def csrf_from(html: str) -> str:
    """Return the first CSRF token in a page."""
    match = CSRF_RE.search(html) or re.search(
        r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html
    )
    assert match, "no CSRF token on the page"
    return match.group(1)


@pytest.fixture
def post_form():
    """Return a callable that loads a page, then posts a form to url with that page's CSRF token."""

    def _post(client, url: str, data: dict | None = None, page: str | None = None, **kwargs):
        html = client.get(page or url).get_data(as_text=True)
        return client.post(url, data={"csrf_token": csrf_from(html), **(data or {})}, **kwargs)

    return _post


@pytest.fixture
def count_queries(app):
    """Return a context manager that counts the SQL statements run inside it."""

    @contextmanager
    def _count():
        statements: list[str] = []

        def _record(conn, cursor, statement, *args):
            # Savepoints belong to the test's transaction, not to the page.
            if not statement.startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO")):
                statements.append(statement)

        connection = app.extensions["test_connection"]
        event.listen(connection, "before_cursor_execute", _record)
        try:
            yield statements
        finally:
            event.remove(connection, "before_cursor_execute", _record)

    return _count
