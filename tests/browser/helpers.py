"""Browser test helpers: the interface words, the checks run on every page, the keyboard."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Error, Locator, Page, Response, expect

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
NARROW = {"width": 320, "height": 800}
MODULE_URL = "/modules/organisation"

# Words of the user interface and of the course, as an official reads them in each language.
UI = {
    "sv": {
        "switch_to": "På svenska",
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
        "first_ticks": [
            "Leta upp kommunens riktlinjer",
            "Spara polisens nummer 114 14",
            "Föreslå att partigruppen gör en riskanalys",
        ],
    },
    "en": {
        "switch_to": "In English",
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
        "steps": [
            "Who is responsible for what?",
            "Local routines and contacts",
            "Risks and risk analysis",
        ],
        "first_ticks": [
            "Find your municipality's guidelines",
            "Save the police number 114 14",
            "Suggest that your party group carries out a risk analysis",
        ],
    },
}
# A test in one language starts in a browser that prefers the other one, then switches.
START_LOCALE = {"sv": "en-GB", "en": "sv-SE"}
OTHER = {"sv": "en", "en": "sv"}
LANGS = pytest.mark.parametrize("lang", ["sv", "en"])


# --- errors in the browser ----------------------------------------------------------------------


@dataclass
class BrowserErrors:
    """Console errors and uncaught exceptions seen by one page; any of them fails the test."""

    seen: list[str] = field(default_factory=list)
    allowed: list[re.Pattern] = field(default_factory=list)

    def console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        where = (message.location or {}).get("url") or "?"
        self.seen.append(f"console error at {where}: {message.text}")

    def page_error(self, error: Error) -> None:
        self.seen.append(f"page error: {error.message}")

    def unexpected(self) -> list[str]:
        return [e for e in self.seen if not any(p.search(e) for p in self.allowed)]


ERRORS: dict[int, BrowserErrors] = {}


@dataclass
class Scriptless:
    """A page with JavaScript off: the response of its current document, and a JS-on twin."""

    document: Response | None = None
    twin: Page | None = None

    def close(self) -> None:
        if self.twin is not None:
            self.twin.context.close()


SCRIPTLESS: dict[int, Scriptless] = {}


def watch(page: Page) -> BrowserErrors:
    """Start recording the page's console errors and page errors."""
    errors = BrowserErrors()
    page.on("console", errors.console)
    page.on("pageerror", errors.page_error)
    ERRORS[id(page)] = errors
    return errors


def watch_without_javascript(page: Page) -> None:
    """Note that page has JavaScript off, and keep the response of each document it loads."""
    state = SCRIPTLESS[id(page)] = Scriptless()

    def _keep(response: Response) -> None:
        if response.request.is_navigation_request() and response.frame == page.main_frame:
            state.document = response

    page.on("response", _keep)


def allow_http_error(page: Page, status: int) -> None:
    """Let the page log Chromium's console error for a document served with that status."""
    ERRORS[id(page)].allowed.append(
        re.compile(rf"Failed to load resource: the server responded with a status of {status}\b")
    )


# --- checks on every page -----------------------------------------------------------------------

_AXE = Axe()

_WIDE_ELEMENTS_JS = """() => {
  const limit = document.documentElement.clientWidth;
  return [...document.querySelectorAll('body *')]
    .filter(el => el.getBoundingClientRect().right > limit + 0.5)
    .slice(0, 8)
    .map(el => el.outerHTML.slice(0, 120) + ' right=' +
               Math.round(el.getBoundingClientRect().right));
}"""


def _violation_summary(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
        for node in v["nodes"][:5]:
            lines.append(
                f"    at {', '.join(map(str, node['target']))}: {node.get('html', '')[:200]}"
            )
            for line in (node.get("failureSummary") or "").splitlines():
                lines.append(f"      {line}")
    return "\n".join(lines)


_DROPPED_HEADERS = {"content-length", "content-encoding", "transfer-encoding", "set-cookie"}


def _run_axe(page: Page) -> dict:
    """Run axe on the page; on a page without JavaScript, on a faithful copy of it.

    axe waits on timers, and no timer fires in a page whose context has JavaScript turned off
    (not even in an isolated world). So the page as it is now, with the headers it was served
    with (its Content-Security-Policy too), is served again to a twin page that has JavaScript.
    """
    options = {"runOnly": {"type": "tag", "values": WCAG_TAGS}}
    state = SCRIPTLESS.get(id(page))
    if state is None:
        return _AXE.run(page, options=options).response
    document = state.document
    assert document is not None and document.url == page.url, f"no response for {page.url}"
    headers = {k: v for k, v in document.all_headers().items() if k not in _DROPPED_HEADERS}
    html = page.content()
    if state.twin is None:
        state.twin = page.context.browser.new_context(viewport=page.viewport_size).new_page()
        state.twin.on("console", ERRORS[id(page)].console)
        state.twin.on("pageerror", ERRORS[id(page)].page_error)
    twin, target = state.twin, page.url
    twin.unroute_all()
    twin.route(
        lambda url: url == target,
        lambda route: route.fulfill(status=200, headers=headers, body=html),
    )
    twin.goto(target, wait_until="load")
    return _AXE.run(twin, options=options).response


def check_page(page: Page) -> None:
    """Assert that axe finds no WCAG 2.1 A/AA violation and that the page fits 320 px.

    axe-playwright-python injects axe with page.evaluate, which runs through the DevTools
    protocol: the page's Content-Security-Policy does not block it, so CSP stays on.
    """
    page.wait_for_load_state("load")
    violations = _run_axe(page)["violations"]
    if violations:
        summary = _violation_summary(violations)
        print(f"axe violations on {page.url}:\n{summary}")
        pytest.fail(
            f"axe found {len(violations)} violation(s) on {page.url}:\n{summary}", pytrace=False
        )

    original = page.viewport_size
    page.set_viewport_size(NARROW)
    try:
        scroll, client = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
        if scroll > client:
            wide = page.evaluate(_WIDE_ELEMENTS_JS)
            pytest.fail(
                f"{page.url} scrolls sideways at 320 px (scrollWidth {scroll} > clientWidth "
                f"{client}); too wide: {json.dumps(wide, ensure_ascii=False, indent=1)}",
                pytrace=False,
            )
    finally:
        if original:
            page.set_viewport_size(original)


def expect_lang(page: Page, lang: str) -> None:
    expect(page.locator("html")).to_have_attribute("lang", lang)


def click_and_wait(page: Page, locator: Locator) -> None:
    """Click locator and wait for the page that it loads."""
    with page.expect_navigation(wait_until="load"):
        locator.click()


def switch_language(page: Page, lang: str) -> None:
    """Switch the page from the other language to lang with the header button (mouse)."""
    expect_lang(page, OTHER[lang])
    click_and_wait(page, page.get_by_role("button", name=UI[lang]["switch_to"], exact=True))
    expect_lang(page, lang)
    check_page(page)


def expect_step_page(page: Page, lang: str, number: int, total: int = 3) -> None:
    """Assert that page is step number of the module, with its progress in words and a bar."""
    words = UI[lang]
    expect(page).to_have_url(re.compile(rf"{MODULE_URL}/steps/{number}$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["steps"][number - 1])
    progress_text = words["step_of"].format(number=number, total=total)
    expect(page.locator(".step-progress label")).to_have_text(progress_text)
    bar = page.get_by_role("progressbar", name=progress_text)
    expect(bar).to_have_js_property("tagName", "PROGRESS")
    expect(bar).to_have_attribute("value", str(number))
    expect(bar).to_have_attribute("max", str(total))


def module_link(page: Page, lang: str) -> Locator:
    return page.get_by_role("link", name=UI[lang]["module"], exact=True)


def step_link(page: Page, lang: str, number: int) -> Locator:
    return page.get_by_role("link", name=re.compile(re.escape(UI[lang]["steps"][number - 1])))


def checklist_item(page: Page, lang: str, number: int) -> Locator:
    """The first checklist item of step number."""
    return page.get_by_role(
        "checkbox", name=re.compile("^" + re.escape(UI[lang]["first_ticks"][number - 1]))
    )


def signed_in_as(page: Page, lang: str, email: str) -> Locator:
    """The header's words saying who is signed in."""
    return page.get_by_text(UI[lang]["signed_in_as"].format(email=email), exact=True)


def header_sign_in_link(page: Page, lang: str) -> Locator:
    return page.get_by_role("navigation").get_by_role("link", name=UI[lang]["sign_in"], exact=True)


def sign_in_button(page: Page, lang: str) -> Locator:
    """The sign-in form's own button (the header has a sign-in link of the same name)."""
    return page.get_by_role("main").get_by_role("button", name=UI[lang]["sign_in"], exact=True)


def sign_in_with_password(page: Page, lang: str, official) -> None:
    """Fill in the sign-in form on the current page and submit it (with the mouse)."""
    words = UI[lang]
    page.get_by_label(words["email"], exact=True).fill(official.email)
    page.get_by_label(words["password"], exact=True).fill(official.password)
    click_and_wait(page, sign_in_button(page, lang))
    expect(signed_in_as(page, lang, official.email)).to_be_visible()
    expect_lang(page, lang)


# --- keyboard -----------------------------------------------------------------------------------


def is_focused(locator: Locator) -> bool:
    return locator.evaluate("el => el === document.activeElement")


def tab_to(page: Page, locator: Locator, *, backwards: bool = False, limit: int = 80) -> None:
    """Press Tab (or Shift+Tab) until locator has the focus; fail after limit presses."""
    key = "Shift+Tab" if backwards else "Tab"
    locator.wait_for(state="attached")
    for _ in range(limit):
        page.keyboard.press(key)
        if is_focused(locator):
            return
    focused = page.evaluate(
        "() => document.activeElement && document.activeElement.outerHTML.slice(0, 200)"
    )
    pytest.fail(f"{limit} × {key} on {page.url} never reached {locator}; the focus is on {focused}")


def press_and_wait(page: Page, key: str = "Enter") -> None:
    """Press key on the focused element and wait for the page that it loads."""
    with page.expect_navigation(wait_until="load"):
        page.keyboard.press(key)


def assert_first_tab_is_skip_link(page: Page) -> None:
    """Assert that the first Tab on a freshly loaded page focuses a link to #main."""
    page.keyboard.press("Tab")
    href = page.evaluate(
        "() => document.activeElement.tagName === 'A'"
        " ? document.activeElement.getAttribute('href') : null"
    )
    assert href == "#main", f"the first Tab on {page.url} does not focus the skip link"
