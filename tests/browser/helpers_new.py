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
