"""Fixtures for the browser tests: a live server on the migrated test database, and Chromium.

The live server commits for real (there is no transaction to roll back), so every row is deleted
once the browser tests are done; the rest of the suite then finds empty tables again.
"""

from __future__ import annotations

import json
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from flask import Flask
from playwright.sync_api import Browser, ConsoleMessage, Error, Page, sync_playwright
from werkzeug.serving import make_server

from course_app import create_app
from course_app.auth import services
from course_app.extensions import db
from course_app.models import Organisation, Role
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
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = {"width": 320, "height": 800}
TIMEOUT_MS = 10_000

# Words of the user interface, as an official reads them in each language.
UI = {
    "sv": {
        "switch_to": "På svenska",
        "switch_away": "In English",
        "sign_in": "Logga in",
        "sign_out": "Logga ut",
        "save": "Spara",
        "save_done": "Spara och markera steget som klart",
        "step_of": "Steg {number} av {total}",
        "complete": "Klar",
        "in_progress": "Pågår",
        "not_started": "Inte påbörjad",
        "signed_in_as": "Inloggad som {email}",
        "email": "E-postadress",
        "password": "Lösenord",
        "send_link": "Skicka en inloggningslänk till mig",
        "link_broken": "Länken fungerar inte",
        "not_found": "Sidan finns inte",
        "module": "Organisation och förberedelser",
        "steps": ["Vem ansvarar för vad?", "Lokala rutiner och kontakter", "Risker och riskanalys"],
    },
    "en": {
        "switch_to": "In English",
        "switch_away": "På svenska",
        "sign_in": "Sign in",
        "sign_out": "Sign out",
        "save": "Save",
        "save_done": "Save and mark the step as done",
        "step_of": "Step {number} of {total}",
        "complete": "Complete",
        "in_progress": "In progress",
        "not_started": "Not started",
        "signed_in_as": "Signed in as {email}",
        "email": "E-mail address",
        "password": "Password",
        "send_link": "Send me a sign-in link",
        "link_broken": "The link does not work",
        "not_found": "Page not found",
        "module": "Organisation and preparation",
        "steps": ["Who is responsible for what?", "Local routines and contacts", "Risks and risk analysis"],
    },
}
# A test in one language starts in a browser that prefers the other, then switches.
START_LOCALE = {"sv": "en-GB", "en": "sv-SE"}
LANGS = pytest.mark.parametrize("lang", ["sv", "en"])


# --- the live server ----------------------------------------------------------------------------


@dataclass
class LiveServer:
    app: Flask
    url: str
    org_id: int
    outbox: Path

    def create_official(self, password: str | None = TEST_PASSWORD) -> Official:
        """Add an official with a unique e-mail address, committed for the browser to see."""
        email = f"official-{uuid.uuid4().hex[:12]}@example.se"
        with self.app.app_context():
            org = db.session.get(Organisation, self.org_id)
            user = services.create_user(org, email, [Role.OFFICIAL], password=password)
            db.session.commit()
            return Official(user.id, email, password)


@dataclass(frozen=True)
class Official:
    id: int
    email: str
    password: str | None


def _delete_everything(app: Flask) -> None:
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as conn:
            for table in reversed(db.metadata.sorted_tables):
                conn.execute(table.delete())
        db.engine.dispose()


@pytest.fixture(scope="package")
def live_server(migrated, tmp_path_factory) -> Iterator[LiveServer]:
    """The app served over HTTP from a thread, on its own port, with rate limits off."""
    tmp = tmp_path_factory.mktemp("browser")
    app = create_app(make_config(migrated, tmp, RATELIMIT_ENABLED=False))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    url = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = url
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        with app.app_context():
            org = services.create_organisation(f"browser-{uuid.uuid4().hex[:8]}", "Webbläsarkommun")
            db.session.commit()
            org_id = org.id
        yield LiveServer(app, url, org_id, Path(app.config["MAIL_OUTBOX_DIR"]))
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        _delete_everything(app)


@pytest.fixture
def official(live_server) -> Official:
    """A new official, with a password, for this test alone."""
    return live_server.create_official()


# --- Chromium -----------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, headless; the tests fail (they do not skip) when it is missing."""
    if not CHROMIUM.exists():
        pytest.fail(
            f"{CHROMIUM} is missing: the browser tests need Debian's Chromium. "
            "Install it with `apt-get install chromium`.",
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


@dataclass
class BrowserErrors:
    """Console errors and uncaught exceptions seen by one page; any of them fails the test."""

    seen: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        if message.type == "error":
            location = message.location or {}
            self.seen.append(f"console error at {location.get('url', '?')}: {message.text}")

    def page_error(self, error: Error) -> None:
        self.seen.append(f"page error: {error.message}")

    def allow(self, pattern: str) -> None:
        """Expect console errors matching pattern (say, a page served with status 404)."""
        self.allowed.append(re.compile(pattern))

    def unexpected(self) -> list[str]:
        return [e for e in self.seen if not any(p.search(e) for p in self.allowed)]


_ERRORS: dict[int, BrowserErrors] = {}


def allow_console_error(page: Page, pattern: str) -> None:
    """Let this page log console errors that match pattern without failing the test."""
    _ERRORS[id(page)].allow(pattern)


def allow_http_error(page: Page, status: int) -> None:
    """Let this page log Chromium's error for a document served with that HTTP status."""
    allow_console_error(page, rf"Failed to load resource: the server responded with a status of {status}\b")


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable[..., Page]]:
    """Return a callable that opens a page in a new browser context (Swedish by default)."""
    opened: list[tuple] = []

    def _new(locale: str = "sv-SE", **options) -> Page:
        context = browser.new_context(locale=locale, base_url=live_server.url, **options)
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        page = context.new_page()
        errors = BrowserErrors()
        page.on("console", errors.console)
        page.on("pageerror", errors.page_error)
        _ERRORS[id(page)] = errors
        opened.append((context, page, errors))
        return page

    yield _new
    problems = []
    for context, page, errors in opened:
        problems += errors.unexpected()
        _ERRORS.pop(id(page), None)
        context.close()
    if problems:
        pytest.fail("the browser reported errors:\n" + "\n".join(problems), pytrace=False)


@pytest.fixture
def page(new_page) -> Page:
    """A page in a new Swedish browser context; console errors and page errors fail the test."""
    return new_page()


# --- checks on every page -----------------------------------------------------------------------

_AXE = Axe()


def _violation_summary(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} [{v.get('helpUrl', '')}]")
        for node in v["nodes"][:5]:
            lines.append(f"    {', '.join(map(str, node['target']))}: {node.get('failureSummary', '')}")
            lines.append(f"      {node.get('html', '')[:200]}")
    return "\n".join(lines)


def check_page(page: Page) -> None:
    """Assert that the page has no WCAG 2.1 A/AA violations axe can find, and fits 320 px.

    Axe is injected with page.evaluate (through the DevTools protocol), which the page's
    Content-Security-Policy does not block, so CSP stays on.
    """
    page.wait_for_load_state("load")
    results = _AXE.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}})
    violations = results.response["violations"]
    summary = _violation_summary(violations)
    if violations:
        print(f"axe violations on {page.url}:\n{summary}")
    assert not violations, f"axe found {len(violations)} violation(s) on {page.url}:\n{summary}"

    original = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        widths = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if widths[0] > widths[1]:
            wide = page.evaluate(_WIDE_ELEMENTS_JS)
            pytest.fail(
                f"{page.url} scrolls sideways at 320 px: scrollWidth {widths[0]} > "
                f"clientWidth {widths[1]}; too wide: {json.dumps(wide, ensure_ascii=False)}",
                pytrace=False,
            )
    finally:
        if original:
            page.set_viewport_size(original)


_WIDE_ELEMENTS_JS = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > limit + 0.5)
    .slice(0, 8)
    .map(el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
         (el.className && typeof el.className === 'string' ? '.' + el.className.trim().split(/\\s+/).join('.') : '') +
         ' right=' + Math.round(el.getBoundingClientRect().right));
}"""


# --- keyboard -----------------------------------------------------------------------------------


def is_focused(locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page: Page, locator, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until locator has the focus; fail after limit presses."""
    key = "Shift+Tab" if backwards else "Tab"
    target = locator.first if hasattr(locator, "first") else locator
    target.wait_for(state="attached")
    for _ in range(limit):
        page.keyboard.press(key)
        if is_focused(target):
            return
    focused = page.evaluate("() => document.activeElement && document.activeElement.outerHTML.slice(0, 200)")
    pytest.fail(f"{key} pressed {limit} times on {page.url} without reaching {locator}; focus is on {focused}")


def press_and_wait(page: Page, key: str = "Enter") -> None:
    """Press key on the focused element and wait for the page it loads."""
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press(key)


def first_tab_is_skip_link(page: Page) -> None:
    """Assert that the first Tab on a freshly loaded page focuses a link to #main."""
    page.keyboard.press("Tab")
    href = page.evaluate(
        "() => document.activeElement.tagName === 'A' ? document.activeElement.getAttribute('href') : null"
    )
    assert href == "#main", f"the first Tab on {page.url} does not reach the skip link"
