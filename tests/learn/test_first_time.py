"""What a first-time user stumbled on: cut notes, checks that looked invalid, dead ends,
a step marked done by mistake, two words for one thing, three date formats."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from flask_babel import force_locale
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.i18n import format_day, format_moment
from course_app.models import ModuleCompletion, StepProgress
from tests.conftest import csrf_from
from tests.learn.helpers import answer_check, drawn

PROJECT = Path(__file__).resolve().parents[2]
STEP = "/modules/organisation/steps/1"


def test_the_note_field_shows_its_limit_and_never_cuts_pasted_text(
    app, client, create_user, login_as
):
    login_as(client, create_user())
    html = client.get(STEP).get_data(as_text=True)
    textarea = re.search(r"<textarea[^>]*name=\"note-[^>]*>", html).group(0)
    assert "maxlength" not in textarea
    field_id = re.search(r'id="([^"]+)"', textarea).group(1)
    assert f"{field_id}-limit" in textarea
    assert f'<p class="hint" id="{field_id}-limit">Högst 5000 tecken.' in html


def test_check_options_are_not_each_required_and_the_hint_is_said_once(client, app):
    quiz = app.extensions["catalog"].module("om-nagot-hander").quiz
    app.config["QUIZ_DRAW_SEED"] = 1
    html = client.get("/modules/om-nagot-hander/check").get_data(as_text=True)
    options = re.findall(r'<input[^>]*type="(?:radio|checkbox)"[^>]*>', html)
    assert options and not [tag for tag in options if "required" in tag]
    multiple = sum(q.multiple for q in drawn(html, quiz))
    assert multiple > 0, "choose a seed whose draw has a multiple-choice question"
    assert html.count("Välj alla som stämmer.") == multiple
    for question in quiz.questions:
        assert "Välj alla som stämmer" not in question.text("sv")
        assert "Choose all that apply" not in question.text("en")


def _finish(client, module) -> None:
    for step in module.steps:
        url = f"/modules/{module.id}/steps/{step.number}"
        client.post(
            url, data={"csrf_token": csrf_from(client.get(url).get_data(as_text=True)), "done": "x"}
        )  # noqa: E501


def test_passing_the_last_check_of_a_module_leads_on_to_the_next_module(
    app, client, create_user, login_as
):
    login_as(client, create_user())
    catalog = app.extensions["catalog"]
    first, second = catalog.modules[0], catalog.modules[1]
    _finish(client, first)
    answer_check(client, first.quiz)
    html = client.get(f"/modules/{first.id}/check/result").get_data(as_text=True)
    assert "Gå vidare till nästa modul: " + second.text("sv").title in html
    assert f'href="/modules/{second.id}"' in html


def test_after_the_last_module_the_result_page_says_so(app, client, create_user, login_as):
    login_as(client, create_user())
    last = app.extensions["catalog"].modules[-1]
    _finish(client, last)
    answer_check(client, last.quiz)
    html = client.get(f"/modules/{last.id}/check/result").get_data(as_text=True)
    assert "Det var kursens sista modul." in html


def _post(client, url: str, button: str):
    return client.post(
        url, data={"csrf_token": csrf_from(client.get(url).get_data(as_text=True)), button: "x"}
    )  # noqa: E501


def _steps_done(app, user_id: int) -> int:
    with app.app_context():
        stmt = select(func.count()).select_from(StepProgress).where(StepProgress.user_id == user_id)
        return db.session.scalar(stmt)


def test_a_step_marked_done_by_mistake_can_be_unmarked(app, client, create_user, login_as):
    user = create_user()
    login_as(client, user)
    _post(client, STEP, "done")
    assert _steps_done(app, user.id) == 1
    assert "Spara och markera steget som inte klart" in client.get(STEP).get_data(as_text=True)
    response = _post(client, STEP, "undo")
    assert response.status_code == 302
    assert _steps_done(app, user.id) == 0
    assert "Steg 1 är inte längre markerat som klart." in client.get(STEP).get_data(as_text=True)


def test_a_guest_can_unmark_a_step_too(client):
    _post(client, STEP, "done")
    assert "inte klart" in client.get(STEP).get_data(as_text=True)
    _post(client, STEP, "undo")
    html = client.get(STEP).get_data(as_text=True)
    assert "Spara och markera steget som klart" in html


def test_steps_of_a_complete_module_stay_done(app, client, create_user, login_as):
    user = create_user()
    login_as(client, user)
    module = app.extensions["catalog"].module("organisation")
    _finish(client, module)
    answer_check(client, module.quiz)
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ModuleCompletion)) == 1
    assert "inte klart" not in client.get(STEP).get_data(as_text=True)
    _post(client, STEP, "undo")
    assert _steps_done(app, user.id) == 3


# One word per concept: the security unit is "säkerhetsfunktionen" and "the security unit".
OTHER_WORD = {
    "sv": re.compile(r"säkerhetsenhet", re.I),
    "en": re.compile(r"security function", re.I),
}


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_the_security_unit_has_one_name_per_language(lang):
    pattern = OTHER_WORD[lang]
    path = PROJECT / "course_app" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as po:
        strings = [m.string for m in read_po(po) if m.id]
    texts = [s if isinstance(s, str) else " ".join(s) for s in strings]
    texts += [p.read_text() for p in (PROJECT / "content").glob(f"*/*.{lang}.md")]
    for quiz in (PROJECT / "quizzes").glob("*.yaml"):
        texts += [
            line for line in quiz.read_text().splitlines() if line.strip().startswith(f"{lang}:")
        ]
    assert [t for t in texts if pattern.search(t)] == []


@pytest.mark.parametrize(
    ("lang", "day", "moment"),
    [
        ("sv", "23 november 2026", "23 november 2026 kl. 20:06"),
        ("en", "23 November 2026", "23 November 2026 at 20:06"),
    ],
)
def test_one_format_for_dates_and_one_for_moments(app, lang, day, moment):
    at = datetime(2026, 11, 23, 19, 6, tzinfo=UTC)  # 20:06 in Stockholm
    with app.test_request_context(), force_locale(lang):
        assert format_day(at) == day
        assert format_day(at.date()) == day
        assert format_moment(at) == moment


def test_a_day_is_written_in_the_language_of_each_request(app):
    day = date(2027, 3, 1)
    written = []
    for lang in ("sv", "en", "sv", "en"):
        with app.test_request_context(), force_locale(lang):
            written.append(format_day(day))
    assert written == ["1 mars 2027", "1 March 2027"] * 2


def test_templates_use_the_one_date_format():
    templates = list((PROJECT / "course_app").glob("**/templates/**/*.*"))
    found = [
        p.name
        for p in templates
        if re.search(
            r"\|date\(|\|datetime\(|strftime|format_date\(|format_datetime\(", p.read_text()
        )
    ]
    assert found == []
