"""Completions belong to a mandate period: an old one asks for a retake, history is kept."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.models import (
    ChecklistTick,
    ModuleCompletion,
    QuizAttempt,
    ReflectionNote,
    StepProgress,
)
from course_app.models.base import utcnow
from course_app.training.periods import local_date, period_of
from tests.conftest import csrf_from
from tests.learn.helpers import answer_check

MODULE = "om-nagot-hander"
LONG_AGO = datetime(2023, 3, 12, 10, 0, tzinfo=UTC)


@pytest.fixture
def module(app):
    return app.extensions["catalog"].module(MODULE)


@pytest.fixture
def period(create_requirement):
    """Require MODULE of every official of an organisation this period; return a setter."""
    today = local_date(utcnow())
    year = period_of(today)

    def _require(organisation_id: int) -> int:
        return create_requirement(
            organisation_id, [MODULE], year, today - timedelta(days=30), today + timedelta(days=60)
        )

    return _require


def _finished_long_ago(app, user_id: int, module) -> None:
    with app.app_context():
        for step in module.steps:
            db.session.add(
                StepProgress(
                    user_id=user_id,
                    module_id=module.id,
                    step_id=step.id,
                    content_version="old",
                    completed_at=LONG_AGO,
                )
            )
        step = module.steps[0]
        question = step.text("sv").questions[0]
        item = sorted(step.checklist_ids)[0]
        db.session.add_all(
            [
                QuizAttempt(
                    user_id=user_id,
                    module_id=module.id,
                    quiz_version="old",
                    token="t" * 20,
                    answers={},
                    correct=5,
                    total=5,
                    passed=True,
                    submitted_at=LONG_AGO,
                ),
                ModuleCompletion(
                    user_id=user_id,
                    module_id=module.id,
                    module_version="old",
                    completed_at=LONG_AGO,
                ),
                ReflectionNote(
                    user_id=user_id,
                    module_id=module.id,
                    step_id=step.id,
                    question_id=question.id,
                    body="Min gamla anteckning",
                ),
                ChecklistTick(user_id=user_id, module_id=module.id, step_id=step.id, item_id=item),
            ]
        )
        db.session.commit()


@pytest.fixture
def official(create_user, create_assignment, period):
    user = create_user()
    create_assignment(user)
    period(user.organisation_id)
    return user


def test_an_old_completion_asks_for_a_retake_this_period(app, client, login_as, official, module):
    _finished_long_ago(app, official.id, module)
    login_as(client, official)
    html = client.get("/").get_data(as_text=True)
    year = period_of(local_date(utcnow()))
    assert f"Gör om inför mandatperioden {year}–{year + 4}" in html
    assert "senast klar 12 mars 2023" in html
    page = client.get(f"/modules/{MODULE}").get_data(as_text=True)
    assert "Inte påbörjad" in page or "Pågår" in page
    assert "Gör om inför mandatperioden" in page


def test_retaking_records_a_second_completion_and_keeps_the_first(
    app, client, login_as, official, module
):
    _finished_long_ago(app, official.id, module)
    login_as(client, official)
    for step in module.steps:
        url = f"/modules/{MODULE}/steps/{step.number}"
        html = client.get(url).get_data(as_text=True)
        # The form sends the ticks still shown as ticked: nothing ticked earlier is lost.
        ticked = [
            re.search(r'value="([^"]+)"', tag).group(1)
            for tag in re.findall(r"<input ([^>]*)>", html)
            if 'name="checklist"' in tag and "checked" in tag
        ]
        data = {"csrf_token": csrf_from(html), "done": "x", "checklist": ticked}
        assert client.post(url, data=data).status_code == 302
    answer_check(client, module.quiz)
    with app.app_context():
        rows = db.session.execute(
            select(ModuleCompletion.completed_at, ModuleCompletion.counts_from)
            .where(ModuleCompletion.user_id == official.id)
            .order_by(ModuleCompletion.completed_at)
        ).all()
        assert len(rows) == 2
        assert rows[0].completed_at == LONG_AGO
        assert rows[1].completed_at.date() >= local_date(utcnow()) - timedelta(days=1)
        notes = db.session.scalar(select(func.count()).select_from(ReflectionNote))
        ticks = db.session.scalar(select(func.count()).select_from(ChecklistTick))
        assert (notes, ticks) == (1, 1)
    html = client.get("/my-training").get_data(as_text=True)
    assert "Gör om" not in html
    assert html.count("<td>12 mars 2023</td>") == 1
    assert "Du har gjort alla." in html


def test_a_completion_within_the_period_counts(app, client, login_as, official, module):
    login_as(client, official)
    for step in module.steps:
        url = f"/modules/{MODULE}/steps/{step.number}"
        html = client.get(url).get_data(as_text=True)
        client.post(url, data={"csrf_token": csrf_from(html), "done": "x"})
    answer_check(client, module.quiz)
    html = client.get("/my-training").get_data(as_text=True)
    assert "1 modul krävs av dig" in html
    assert "Klar" in html and "Gör om" not in html


def test_my_training_says_what_is_left_in_words(client, login_as, official):
    login_as(client, official)
    html = client.get("/my-training").get_data(as_text=True)
    assert "<h1>Min utbildning</h1>" in html
    assert "1 modul krävs av dig" in html
    assert "1 återstår." in html
    assert "Inte klar än." in html


def test_nothing_is_required_without_a_seat(client, login_as, create_user, period):
    user = create_user()
    period(user.organisation_id)
    login_as(client, user)
    html = client.get("/my-training").get_data(as_text=True)
    assert "Ingen modul krävs av dig just nu." in html


def test_a_seat_that_has_ended_requires_nothing(
    client, login_as, create_user, create_assignment, period
):
    user = create_user()
    create_assignment(user, starts_on=date(2018, 10, 15), ends_on=date(2022, 10, 14))
    period(user.organisation_id)
    login_as(client, user)
    assert "Ingen modul krävs av dig just nu." in client.get("/my-training").get_data(as_text=True)


def test_another_organisations_requirement_does_not_apply(
    client, login_as, create_user, create_assignment, create_org, period
):
    user = create_user()
    create_assignment(user)
    period(create_org())
    login_as(client, user)
    assert "Ingen modul krävs av dig just nu." in client.get("/my-training").get_data(as_text=True)


def test_guests_see_no_requirement(client, official, app, module):
    html = client.get("/").get_data(as_text=True)
    assert "Gör om" not in html and "Krävs av dig" not in html


def test_my_training_needs_an_account(client):
    assert client.get("/my-training").status_code == 302


def test_the_requirements_read_with_the_learners_state_are_those_of_the_roster(
    app, create_user, create_requirement, create_assignment
):
    """The learner's pages read the requirements in the same query as their progress: the
    result must be what the rule finds from what training.load reads, whatever the audience
    and the seats."""
    from course_app.learn.saved import read_saved
    from course_app.models import AssignmentRole, Audience, Extent
    from course_app.training import load, rule
    from course_app.training.sql import required_from_rows

    user = create_user()
    org = user.organisation_id
    day = date(2027, 2, 1)
    create_requirement(org, ["organisation"], 2022, date(2022, 10, 15), date(2023, 4, 1))
    create_requirement(org, ["organisation", "threats"], 2026, date(2026, 10, 15), date(2027, 6, 1))
    create_requirement(  # stricter for full-time officials: an earlier deadline wins
        org, ["threats"], 2026, date(2026, 11, 1), date(2027, 3, 1), Audience.KL_18A
    )
    create_requirement(
        org,
        ["digital"],
        2026,
        date(2026, 10, 15),
        date(2027, 6, 1),
        Audience.SELECTED,
        roles=["ordforande"],
        extents=["heltid"],
    )
    create_requirement(  # does not apply: no seat as a substitute
        org,
        ["violence"],
        2026,
        date(2026, 10, 15),
        date(2027, 6, 1),
        Audience.SELECTED,
        roles=["ersattare"],
    )
    create_requirement(org, ["future"], 2030, date(2030, 10, 15), date(2031, 6, 1))
    create_assignment(user, role=AssignmentRole.ORDFORANDE, extent=Extent.HELTID)
    create_assignment(user, body="Kommunstyrelsen", extent=Extent.FRITID)
    create_assignment(user, body="Valnämnden", ends_on=date(2026, 12, 31))  # ended before day
    with app.app_context():
        expected = rule.required_of(*load.rules_and_seats(user.id, org), day)
        rows = read_saved(user.id, requirements_of=(org, day)).requirement_rows
        assert required_from_rows(rows, day) == expected
    assert sorted(expected) == ["digital", "organisation", "threats"]
    assert expected["threats"].deadline == date(2027, 3, 1)
    assert expected["threats"].counts_from == date(2026, 11, 1)
