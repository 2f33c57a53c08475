"""Browser test helpers: the interface words, the checks run on every page, the keyboard."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field, replace

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import ConsoleMessage, Error, Locator, Page, Response, expect

from tests.browser.html_check import check_html

WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]
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
        "check": "Kunskapskontroll",
        "check_banner": (
            "Steg 3 är markerat som klart. "
            "Svara på kunskapskontrollen för att bli klar med modulen."
        ),
        "question": "Fråga {number}: {text}",
        "send_answers": "Skicka mina svar",
        "choose_all": "Välj alla som stämmer.",
        "answer_question": "Svara på fråga {number}",
        "problem": "Det finns ett problem",
        "error": "Fel:",
        "result": "Ditt resultat",
        "score": "{correct} av {total} rätt ({percent} %)",
        "passed": "Godkänd",
        "not_passed": "Inte godkänd än",
        "right": "Rätt",
        "wrong": "Fel",
        "your_answer": "Ditt svar",
        "correct_answer": "Rätt svar",
        "which_wrong": "Vilka svar som var fel",
        "step_link": "Steg",
        "again": "Gör kontrollen igen",
        "module_completed": "Du har gått klart modulen ”{title}”.",
        "back_to_overview": "Tillbaka till kursöversikten",
        "contacts_in": "Vem du kontaktar i {organisation}",
        "call_112": "Ring 112.",
        "call_114": "Ring 114 14 och säg att du är förtroendevald.",
        "ask_security_unit": "Fråga säkerhetsfunktionen.",
        "sources": "Källor och läs mer",
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
        "check": "Knowledge check",
        "check_banner": (
            "Step 3 is marked as done. Answer the knowledge check to complete the module."
        ),
        "question": "Question {number}: {text}",
        "send_answers": "Send my answers",
        "choose_all": "Choose all that apply.",
        "answer_question": "Answer question {number}",
        "problem": "There is a problem",
        "error": "Error:",
        "result": "Your result",
        "score": "{correct} of {total} right ({percent} %)",
        "passed": "Passed",
        "not_passed": "Not passed yet",
        "right": "Right",
        "wrong": "Wrong",
        "your_answer": "Your answer",
        "correct_answer": "Correct answer",
        "which_wrong": "Which answers were wrong",
        "step_link": "Step",
        "again": "Take the check again",
        "module_completed": "You have completed the module “{title}”.",
        "back_to_overview": "Back to the course overview",
        "contacts_in": "Whom to contact in {organisation}",
        "call_112": "Call 112.",
        "call_114": "Call 114 14 and say that you are an elected official.",
        "ask_security_unit": "Ask the security unit.",
        "sources": "Sources and further reading",
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
    """Assert that the HTML is valid, axe finds no WCAG 2.1 A/AA violation and it fits 320 px.

    The Nu HTML Checker reads the page as the browser serialises it (page.content()); only its
    errors fail the page, its warnings ("info" messages) do not. axe-playwright-python injects
    axe with page.evaluate, which runs through the DevTools protocol: the page's
    Content-Security-Policy does not block it, so CSP stays on.
    """
    page.wait_for_load_state("load")
    check_html(page.content(), page.url)
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


def contacts_box(page: Page, lang: str, organisation: str) -> Locator:
    """The box “Whom to contact in <organisation>”, with the organisation's own contacts."""
    heading = page.get_by_role(
        "heading", name=UI[lang]["contacts_in"].format(organisation=organisation), exact=True
    )
    return page.get_by_role("complementary").filter(has=heading)


def expect_national_numbers(box: Locator, lang: str) -> None:
    """112 and 114 14 are always in the contacts box, whatever the organisation filled in."""
    expect(box.get_by_text(UI[lang]["call_112"], exact=True)).to_be_visible()
    expect(box.get_by_text(UI[lang]["call_114"], exact=True)).to_be_visible()


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


def follow(page: Page, locator: Locator) -> None:
    """Tab to a link or button, activate it with Enter, and check the page it leads to."""
    tab_to(page, locator)
    press_and_wait(page, "Enter")
    check_page(page)


def assert_first_tab_is_skip_link(page: Page) -> None:
    """Assert that the first Tab on a freshly loaded page focuses a link to #main."""
    page.keyboard.press("Tab")
    href = page.evaluate(
        "() => document.activeElement.tagName === 'A'"
        " ? document.activeElement.getAttribute('href') : null"
    )
    assert href == "#main", f"the first Tab on {page.url} does not focus the skip link"


# --- the knowledge check ------------------------------------------------------------------------

Answers = dict[str, frozenset[str]]


def quiz_of(live_server, module_id: str):
    """The module's knowledge check, as the server loaded it from quizzes/<module_id>.yaml."""
    module = live_server.app.extensions["catalog"].module(module_id)
    assert module is not None and module.quiz is not None, f"{module_id} has no knowledge check"
    return module.quiz


def right_answers(quiz, wrong: int = 0) -> Answers:
    """The correct options of every question, except the first `wrong` questions.

    A single-choice question answered wrongly gets its first wrong option; a multiple-choice one
    gets one correct option and one wrong one, so that it is neither empty nor right.
    """
    chosen = {}
    for index, question in enumerate(quiz.questions):
        correct = [o.id for o in question.options if o.correct]
        incorrect = [o.id for o in question.options if not o.correct]
        if index >= wrong:
            chosen[question.id] = frozenset(correct)
        elif question.multiple:
            chosen[question.id] = frozenset([correct[0], incorrect[0]])
        else:
            chosen[question.id] = frozenset(incorrect[:1])
    return chosen


def score_of(quiz, chosen: Answers) -> tuple[int, int, int]:
    """(right answers, questions, percent rounded down), as the result page states them."""
    right = sum(chosen.get(q.id, frozenset()) == q.correct_ids for q in quiz.questions)
    total = len(quiz.questions)
    return right, total, right * 100 // total


def question_group(page: Page, lang: str, quiz, question) -> Locator:
    """The fieldset of a question, found by its legend “Question N: …”."""
    number = quiz.questions.index(question) + 1
    name = UI[lang]["question"].format(number=number, text=question.text(lang))
    return page.get_by_role("group", name=name, exact=True)


def option_box(page: Page, lang: str, quiz, question, option) -> Locator:
    """The radio button or checkbox of an option, found by its label."""
    role = "checkbox" if question.multiple else "radio"
    return question_group(page, lang, quiz, question).get_by_role(
        role, name=option.text(lang), exact=True
    )


def choose_answers(page: Page, lang: str, quiz, chosen: Answers) -> None:
    """Tick the chosen options of every question with the mouse."""
    for question in quiz.questions:
        for option in question.options:
            box = option_box(page, lang, quiz, question, option)
            if option.id in chosen[question.id]:
                box.check()
            elif question.multiple:
                box.uncheck()


def choose_answers_with_keyboard(page: Page, lang: str, quiz, chosen: Answers) -> None:
    """Choose the options of every question with Tab, the arrow keys and Space only.

    Tab stops once in a group of radio buttons (on the checked one, else on the first), and the
    arrow keys move the choice within it; each checkbox is a Tab stop of its own. The options are
    taken in the order the page shows them, which need not be the order of the quiz file.
    """
    for question in quiz.questions:
        group = question_group(page, lang, quiz, question)
        role = "checkbox" if question.multiple else "radio"
        shown = group.get_by_role(role)
        expect(shown).to_have_count(len(question.options))
        wanted = {
            option_box(page, lang, quiz, question, o).get_attribute("id"): o.id
            in chosen[question.id]
            for o in question.options
        }
        ids = [shown.nth(i).get_attribute("id") for i in range(len(question.options))]
        boxes = [shown.nth(i) for i in range(len(ids))]
        if question.multiple:
            for box, box_id in zip(boxes, ids, strict=True):
                if box.is_checked() != wanted[box_id]:
                    if not is_focused(box):
                        tab_to(page, box)
                    page.keyboard.press("Space")
            for box, box_id in zip(boxes, ids, strict=True):
                (expect(box).to_be_checked if wanted[box_id] else expect(box).not_to_be_checked)()
            continue
        target = next(i for i, box_id in enumerate(ids) if wanted[box_id])
        checked = [box.is_checked() for box in boxes]
        current = checked.index(True) if True in checked else 0
        if not is_focused(boxes[current]):
            tab_to(page, boxes[current])
        if current == target and not checked[current]:
            page.keyboard.press("Space")
        key = "ArrowDown" if target > current else "ArrowUp"
        for _ in range(abs(target - current)):
            page.keyboard.press(key)
        expect(boxes[target]).to_be_focused()
        expect(boxes[target]).to_be_checked()


def send_answers_button(page: Page, lang: str) -> Locator:
    return page.get_by_role("button", name=UI[lang]["send_answers"], exact=True)


def drawn_quiz(page: Page, quiz):
    """The check narrowed to the questions the form on the page asks, in the page's order."""
    fieldsets = page.locator("main fieldset[id^='q-']")
    ids = [fieldsets.nth(i).get_attribute("id")[2:] for i in range(fieldsets.count())]
    questions = tuple(quiz.question(question_id) for question_id in ids)
    assert questions and None not in questions, ids
    return replace(quiz, questions=questions, ask=None)


def expect_check_page(page: Page, lang: str, module_id: str, quiz):
    """Assert that page is the module's knowledge check, with a fieldset per drawn question.

    Return the check narrowed to the questions this form asks (quiz may be the whole pool).
    """
    expect(page).to_have_url(re.compile(rf"/modules/{module_id}/check$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(UI[lang]["check"])
    asked = quiz.asked_count
    quiz = drawn_quiz(page, quiz)
    assert len(quiz.questions) == asked, (len(quiz.questions), asked)
    for question in quiz.questions:
        group = question_group(page, lang, quiz, question)
        expect(group).to_be_visible()
        if question.multiple:
            expect(group).to_have_accessible_description(
                re.compile(re.escape(UI[lang]["choose_all"]))
            )
    expect(send_answers_button(page, lang)).to_be_visible()
    return quiz


def expect_error_summary_for_every_question(page: Page, lang: str, quiz) -> None:
    """After sending nothing: an error summary linking to every question, and the title says so."""
    words = UI[lang]
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading", name=words["problem"])).to_be_visible()
    for number, question in enumerate(quiz.questions, start=1):
        message = words["answer_question"].format(number=number)
        expect(summary.get_by_role("link", name=message, exact=True)).to_be_visible()
        # The question itself says what is wrong, and nothing is chosen yet.
        expect(question_group(page, lang, quiz, question)).to_contain_text(message)
    assert page.title().startswith(words["error"]), page.title()


def expect_result(
    page: Page, lang: str, module_id: str, quiz, chosen: Answers, revealed: bool | None = None
) -> None:
    """Assert that page shows the result of those answers to the drawn quiz.

    Revealed (by default, when passed): feedback on every option. Otherwise: which answers were
    wrong, each with a link to the step that teaches it, and no option, feedback or right answer.
    """
    words = UI[lang]
    expect(page).to_have_url(re.compile(rf"/modules/{module_id}/check/result(\?attempt=\d+)?$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(words["result"])
    right, total, percent = score_of(quiz, chosen)
    score = words["score"].format(correct=right, total=total, percent=percent)
    expect(page.get_by_text(score, exact=True)).to_be_visible()
    passed = right * 100 >= quiz.pass_mark * total
    verdict = words["passed"] if passed else words["not_passed"]
    expect(page.get_by_text(verdict, exact=True).first).to_be_visible()
    revealed = passed if revealed is None else revealed
    for question in quiz.questions:
        item = page.get_by_role("listitem").filter(
            has=page.get_by_role("heading", name=question.text(lang), exact=True)
        )
        expect(item).to_have_count(1)
        is_right = chosen[question.id] == question.correct_ids
        tag = item.get_by_text(words["right"] if is_right else words["wrong"], exact=True)
        expect(tag).to_be_visible()
        if revealed:
            _expect_feedback(page, item, lang, question, chosen)
            continue
        step = re.compile("^" + re.escape(words["step_link"]) + r" \d: ")
        expect(item.get_by_role("link", name=step)).to_have_count(0 if is_right else 1)
        for option in question.options:
            expect(page.get_by_text(option.explanation(lang), exact=True)).to_have_count(0)
        expect(item.get_by_role("listitem")).to_have_count(0)
    if not revealed:
        expect(page.get_by_role("heading", name=words["which_wrong"], exact=True)).to_be_visible()


def _expect_feedback(page: Page, item: Locator, lang: str, question, chosen: Answers) -> None:
    """Assert that a result's item shows every option with its feedback and the right answer."""
    words = UI[lang]
    for option in question.options:
        # The option's own text starts its item (feedback elsewhere may quote it).
        starts = page.get_by_text(re.compile("^" + re.escape(option.text(lang))))
        row = item.get_by_role("listitem").filter(has=starts)
        expect(row).to_have_count(1)
        expect(row.get_by_text(option.explanation(lang), exact=True)).to_be_visible()
        mine = row.get_by_text(words["your_answer"], exact=True)
        expect(mine).to_have_count(1 if option.id in chosen[question.id] else 0)
        right_mark = row.get_by_text(words["correct_answer"], exact=True)
        expect(right_mark).to_have_count(1 if option.correct else 0)
