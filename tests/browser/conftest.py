"""Fixtures for the browser tests: a live server on the migrated test database, and Chromium.

The live server commits for real (there is no transaction to roll back), so every row of every
table is deleted once the browser tests are done: the rest of the suite finds empty tables again.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from flask import Flask, abort
from playwright.sync_api import Browser, Page, sync_playwright
from psycopg.errors import LockNotAvailable
from sqlalchemy.exc import OperationalError
from werkzeug.serving import make_server

from course_app import create_app
from course_app.auth import services
from course_app.extensions import csrf, db
from course_app.models import Organisation, Permission
from tests.browser import html_check
from tests.browser.helpers import ERRORS, SCRIPTLESS, watch, watch_without_javascript
from tests.conftest import TEST_PASSWORD, make_config

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Generous: on a loaded 2-core machine a page has once needed more than 10 s to settle.
TIMEOUT_MS = 20_000


@dataclass(frozen=True)
class Official:
    id: int
    email: str
    password: str | None


@dataclass
class LiveServer:
    app: Flask
    url: str
    org_id: int

    @property
    def outbox(self) -> Path:
        return Path(self.app.config["MAIL_OUTBOX_DIR"])

    def create_organisation(self, name: str = "Kontaktkommun") -> int:
        """Add an organisation of its own (with no local contacts yet); return its id."""
        with self.app.app_context():
            org = services.create_organisation(f"browser-{uuid.uuid4().hex[:8]}", name)
            db.session.commit()
            return org.id

    def organisation_name(self, org_id: int | None = None) -> str:
        """The name of the organisation (the shared one unless told), as the pages show it."""
        with self.app.app_context():
            return db.session.get(Organisation, org_id or self.org_id).name

    def create_official(
        self, password: str | None = TEST_PASSWORD, org_id: int | None = None
    ) -> Official:
        """Add an official with a unique e-mail address, committed so that the server sees it."""
        return self._create_user([Permission.OFFICIAL], password, org_id)

    def create_security_unit(
        self, password: str | None = TEST_PASSWORD, org_id: int | None = None
    ) -> Official:
        """Add a member of the security unit (who edits the organisation's local contacts)."""
        return self._create_user([Permission.SECURITY_UNIT], password, org_id)

    def _create_user(self, permissions: list[Permission], password: str | None, org_id: int | None):
        prefix = "security" if Permission.SECURITY_UNIT in permissions else "official"
        email = f"{prefix}-{uuid.uuid4().hex[:12]}@example.se"
        with self.app.app_context():
            org = db.session.get(Organisation, org_id or self.org_id)
            user = services.create_user(org, email, permissions, password=password)
            db.session.commit()
            return Official(user.id, email, password)


def _delete_every_row(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


def _sent_from_memory(app: Flask):
    """Hand the development server each response's body in memory, its file already closed.

    werkzeug's server closes a response only after it has drained the request. A browser that
    resets the connection meanwhile (as it does for the favicon when a test moves on) makes
    the drain raise: the file stayed open, and the warning at its closing failed a test.
    """

    def wrapped(environ, start_response):
        body = app(environ, start_response)
        try:
            return [b"".join(body)]
        finally:
            if hasattr(body, "close"):
                body.close()

    return wrapped


@pytest.fixture(scope="package")
def live_server(migrated, tmp_path_factory) -> Iterator[LiveServer]:
    """The app served over HTTP from a daemon thread on a free port, with rate limits off."""
    app = create_app(
        make_config(migrated, tmp_path_factory.mktemp("browser"), RATELIMIT_ENABLED=False)
    )

    @app.get("/test-error/<int:code>")
    def test_error(code: int):
        """Raise an HTTP error, so that every error page can be checked in the browser."""
        if code == 500:
            raise RuntimeError("a deliberate failure for the error page")
        abort(code)

    @app.post("/test-error/busy")
    @csrf.exempt
    def test_busy():
        """Fail as a save does when others have held the database too long (the typed text)."""
        raise OperationalError("UPDATE …", {}, LockNotAvailable())

    app.config["PROPAGATE_EXCEPTIONS"] = False
    server = make_server("127.0.0.1", 0, _sent_from_memory(app), threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url  # e-mailed sign-in links point here
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        with app.app_context():
            org = services.create_organisation(f"browser-{uuid.uuid4().hex[:8]}", "Webbläsarkommun")
            db.session.commit()
            org_id = org.id
        yield LiveServer(app, url, org_id)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        _delete_every_row(app)


@pytest.fixture
def official(live_server) -> Official:
    """A new official with a password, for this test alone."""
    return live_server.create_official()


@pytest.fixture(scope="session", autouse=True)
def html_checker(tmp_path_factory) -> Iterator[html_check.HtmlChecker]:
    """One Nu HTML Checker for the session, started first so that its JVM warms up meanwhile."""
    checker = html_check.start(tmp_path_factory.mktemp("nu") / "checker.log")
    html_check.RUNNING.append(checker)
    try:
        yield checker
    finally:
        html_check.RUNNING.remove(checker)
        html_check.stop(checker)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless. The tests fail, rather than skip, when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `apt-get install chromium` (never `playwright install`).",
            pytrace=False,
        )
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
    finally:
        playwright.stop()


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """Return a callable that opens a page in a new browser context, Swedish unless told.

    Console errors (a CSP violation is one) and uncaught page errors fail the test at teardown.
    """
    opened: list[tuple] = []

    def _new(locale: str = "sv-SE", **options) -> Page:
        context = browser.new_context(locale=locale, base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        if options.get("java_script_enabled") is False:
            watch_without_javascript(page)
        opened.append((context, page, watch(page)))
        return page

    yield _new
    problems = []
    for context, page, errors in opened:
        scriptless = SCRIPTLESS.pop(id(page), None)
        if scriptless is not None:
            scriptless.close()
        context.close()
        problems += errors.unexpected()
        ERRORS.pop(id(page), None)
    if problems:
        pytest.fail("the browser reported errors:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page) -> Page:
    """A page in a new Swedish browser context; console and page errors fail the test."""
    return new_page()
