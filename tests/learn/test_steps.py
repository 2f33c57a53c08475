"""An official reads a step, keeps notes and ticks, and completes a module; a guest reads too."""

import re
from datetime import datetime

import pytest
from sqlalchemy import select

from course_app.extensions import db
from course_app.learn.progress import Attempt, UserProgress
from course_app.models import ChecklistTick, ModuleCompletion, ReflectionNote, StepProgress
from tests.conftest import TEST_PASSWORD, csrf_from
from tests.learn.helpers import answer_check, check_url

MODULE = "organisation"


@pytest.fixture
def module(app):
    return app.extensions["catalog"].module(MODULE)


def step_url(number: int) -> str:
    return f"/modules/{MODULE}/steps/{number}"


def save_step(client, number: int, data: dict, done: bool = False):
    html = client.get(step_url(number)).get_data(as_text=True)
    form = {"csrf_token": csrf_from(html), **data}
    form["done" if done else "save"] = "x"
    return client.post(step_url(number), data=form)


def test_guest_reads_the_whole_module_with_a_sign_in_notice(client, module):
    overview = client.get("/").get_data(as_text=True)
    assert module.text("sv").title in overview
    assert "Inte påbörjad" in overview
    for step in module.steps:
        page = client.get(step_url(step.number)).get_data(as_text=True)
        assert step.text("sv").title in page
        assert f"Steg {step.number} av 3" in page
        assert 'href="/sign-in?next=' in page
        assert "<textarea" not in page
        for question in step.text("sv").questions:
            assert question.text in page


def test_step_page_shows_text_time_progress_questions_and_checklist(
    client, create_user, login_as, module
):
    login_as(client, create_user())
    step = module.steps[1]
    text = step.text("sv")
    page = client.get(step_url(2)).get_data(as_text=True)
    assert "Steg 2 av 3" in page
    assert re.search(r'<progress[^>]*max="3"[^>]*value="2"', page)
    assert f"{text.minutes} minuter" in page
    assert text.body_html[:80] in page
    assert page.count("<textarea") == len(text.questions)
    assert page.count('type="checkbox"') == len(text.checklist)
    assert "Spara och markera steget som klart" in page


def test_step_page_in_english(client, create_user, login_as, module):
    login_as(client, create_user())
    page = client.get(step_url(1), headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert module.steps[0].text("en").title in page
    assert "Step 1 of 3" in page
    assert 'lang="en"' in page


def test_notes_and_ticks_are_saved_and_shown_again(client, app, create_user, login_as, module):
    user = create_user()
    login_as(client, user)
    step = module.steps[0]
    q1, q2 = step.question_ids[:2]
    item = sorted(step.checklist_ids)[0]
    response = save_step(
        client, 1, {f"note-{q1}": "Min första tanke", f"note-{q2}": "", "checklist": [item]}
    )
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Min första tanke" in page
    assert re.search(
        rf'<input checked id="[^"]+" name="checklist" type="checkbox" value="{item}"', page
    )
    with app.app_context():
        notes = db.session.scalars(
            select(ReflectionNote).where(ReflectionNote.user_id == user.id)
        ).all()
        assert [(n.question_id, n.body) for n in notes] == [(q1, "Min första tanke")]
        assert db.session.scalars(select(StepProgress)).all() == []


def test_unticking_and_emptying_removes_them(client, app, create_user, login_as, module):
    user = create_user()
    login_as(client, user)
    step = module.steps[0]
    q1 = step.question_ids[0]
    item = sorted(step.checklist_ids)[0]
    save_step(client, 1, {f"note-{q1}": "Text", "checklist": [item]})
    save_step(client, 1, {f"note-{q1}": "   "})
    with app.app_context():
        assert db.session.scalars(select(ReflectionNote)).all() == []
        assert db.session.scalars(select(ChecklistTick)).all() == []


def test_notes_survive_signing_out_and_in(client, app, create_user, module):
    user = create_user(password=TEST_PASSWORD)
    html = client.get("/sign-in").get_data(as_text=True)
    client.post(
        "/sign-in",
        data={"csrf_token": csrf_from(html), "email": user.email, "password": TEST_PASSWORD},
    )
    q1 = module.steps[0].question_ids[0]
    save_step(client, 1, {f"note-{q1}": "Sparad över utloggning"})
    client.post("/sign-out", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    assert "Sparad över utloggning" not in client.get(step_url(1)).get_data(as_text=True)
    html = client.get("/sign-in").get_data(as_text=True)
    client.post(
        "/sign-in",
        data={"csrf_token": csrf_from(html), "email": user.email, "password": TEST_PASSWORD},
    )
    assert "Sparad över utloggning" in client.get(step_url(1)).get_data(as_text=True)


def test_completing_three_steps_completes_the_module_with_versions(
    client, app, create_user, login_as, module
):
    user = create_user()
    login_as(client, user)
    first = save_step(client, 1, {}, done=True)
    assert first.headers["Location"] == step_url(2)
    assert "Pågår" in client.get("/").get_data(as_text=True)
    save_step(client, 2, {}, done=True)
    last = save_step(client, 3, {}, done=True)
    assert last.headers["Location"] == check_url(MODULE)
    assert "Svara på kunskapskontrollen" in client.get(last.headers["Location"]).get_data(
        as_text=True
    )
    assert "Klar" not in client.get("/").get_data(as_text=True)
    result = answer_check(client, module.quiz)
    assert "Du har gått klart modulen" in client.get(result.headers["Location"]).get_data(
        as_text=True
    )
    overview = client.get("/").get_data(as_text=True)
    assert "Klar" in overview
    with app.app_context():
        steps = db.session.scalars(
            select(StepProgress).where(StepProgress.user_id == user.id)
        ).all()
        assert {(s.step_id, s.content_version) for s in steps} == {
            (s.id, s.version) for s in module.steps
        }
        [completion] = db.session.scalars(select(ModuleCompletion)).all()
        assert completion.module_version == module.version
        assert completion.completed_at.tzinfo is not None


def test_marking_done_twice_keeps_the_first_timestamp(client, app, create_user, login_as):
    login_as(client, create_user())
    save_step(client, 1, {}, done=True)
    with app.app_context():
        first = db.session.scalar(select(StepProgress.completed_at))
    save_step(client, 1, {}, done=True)
    with app.app_context():
        assert db.session.scalars(select(StepProgress.completed_at)).all() == [first]


def test_completion_is_not_recomputed_when_done_again(client, app, create_user, login_as, module):
    login_as(client, create_user())
    for number in (1, 2, 3):
        save_step(client, number, {}, done=True)
    answer_check(client, module.quiz)
    save_step(client, 3, {}, done=True)
    answer_check(client, module.quiz)
    with app.app_context():
        assert len(db.session.scalars(select(ModuleCompletion)).all()) == 1


def test_unknown_checklist_item_is_refused_and_nothing_saved(
    client, app, create_user, login_as, module
):
    login_as(client, create_user())
    q1 = module.steps[0].question_ids[0]
    response = save_step(
        client, 1, {"checklist": ["not-an-item"], f"note-{q1}": "Behålls i formuläret"}
    )
    assert response.status_code == 400
    assert "Behålls i formuläret" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(ChecklistTick)).all() == []
        assert db.session.scalars(select(ReflectionNote)).all() == []


def test_too_long_note_gets_a_message_and_keeps_the_text(
    client, app, create_user, login_as, module
):
    login_as(client, create_user())
    q1 = module.steps[0].question_ids[0]
    text = "å" * (app.config["NOTE_MAX_LENGTH"] + 1)
    response = save_step(client, 1, {f"note-{q1}": text}, done=True)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Fel:" in page
    assert "högst 5000 tecken" in page
    assert text in page
    with app.app_context():
        assert db.session.scalars(select(ReflectionNote)).all() == []
        assert db.session.scalars(select(StepProgress)).all() == []


def test_stale_form_shows_the_note_again_with_a_message(client, app, create_user, login_as, module):
    login_as(client, create_user())
    q1 = module.steps[0].question_ids[0]
    client.get(step_url(1))
    response = client.post(
        step_url(1),
        data={"csrf_token": "expired", f"note-{q1}": "Skrivet länge sedan", "save": "x"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Skrivet länge sedan" in page
    assert "inget är sparat" in page
    with app.app_context():
        assert db.session.scalars(select(ReflectionNote)).all() == []
    # The page carries a fresh token, so saving again works.
    again = client.post(
        step_url(1),
        data={"csrf_token": csrf_from(page), f"note-{q1}": "Skrivet länge sedan", "save": "x"},
    )
    assert again.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(ReflectionNote.body)) == "Skrivet länge sedan"


def test_form_expired_by_time_is_recovered(client, app, create_user, login_as, module):
    login_as(client, create_user())
    app.config["WTF_CSRF_TIME_LIMIT"] = 1
    q1 = module.steps[0].question_ids[0]
    token = csrf_from(client.get(step_url(1)).get_data(as_text=True))
    import time

    time.sleep(2.1)
    response = client.post(
        step_url(1), data={"csrf_token": token, f"note-{q1}": "Efter en timme", "save": "x"}
    )
    assert response.status_code == 400
    assert "Efter en timme" in response.get_data(as_text=True)


def test_signed_out_stale_form_shows_what_was_written(client, module):
    q1 = module.steps[0].question_ids[0]
    response = client.post(
        step_url(1), data={f"note-{q1}": "Text från en utloggad flik", "save": "x"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Text från en utloggad flik" in page
    assert "inte längre inloggad" in page


def test_guest_progress_is_kept_at_sign_in(client, app, create_user, module):
    user = create_user(password=TEST_PASSWORD)
    item = sorted(module.steps[0].checklist_ids)[0]
    save_step(client, 1, {"checklist": [item]}, done=True)
    assert "Pågår" in client.get("/").get_data(as_text=True)
    html = client.get("/sign-in").get_data(as_text=True)
    client.post(
        "/sign-in",
        data={"csrf_token": csrf_from(html), "email": user.email, "password": TEST_PASSWORD},
    )
    with app.app_context():
        progress = db.session.scalars(
            select(StepProgress).where(StepProgress.user_id == user.id)
        ).all()
        assert [(p.step_id, p.content_version) for p in progress] == [
            (module.steps[0].id, module.steps[0].version)
        ]
        ticks = db.session.scalars(
            select(ChecklistTick.item_id).where(ChecklistTick.user_id == user.id)
        ).all()
        assert ticks == [item]
    with client.session_transaction() as session:
        assert "guest_progress" not in session


def test_guest_who_finished_the_module_has_it_complete_after_sign_in(
    client, app, create_user, module
):
    user = create_user(password=TEST_PASSWORD)
    for number in (1, 2, 3):
        save_step(client, number, {}, done=True)
    answer_check(client, module.quiz)
    html = client.get("/sign-in").get_data(as_text=True)
    client.post(
        "/sign-in",
        data={"csrf_token": csrf_from(html), "email": user.email, "password": TEST_PASSWORD},
    )
    with app.app_context():
        assert db.session.scalar(select(ModuleCompletion.user_id)) == user.id


@pytest.mark.parametrize(
    "path", ["/modules/nope", "/modules/organisation/steps/4", "/modules/organisation/steps/0"]
)
def test_unknown_module_or_step_is_a_friendly_404(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Sidan finns inte" in response.get_data(as_text=True)


def _with_users_and_notes(app, create_user, module, count: int) -> None:
    step = module.steps[0]
    with app.app_context():
        for _ in range(count):
            user = create_user()
            for q_id in step.question_ids:
                db.session.add(
                    ReflectionNote(
                        user_id=user.id,
                        module_id=module.id,
                        step_id=step.id,
                        question_id=q_id,
                        body="x",
                    )
                )
            db.session.add(
                StepProgress(
                    user_id=user.id, module_id=module.id, step_id=step.id, content_version="v"
                )
            )
        db.session.commit()


def test_step_page_makes_a_constant_number_of_queries(
    client, app, create_user, login_as, count_queries, module
):
    me = create_user()
    login_as(client, me)
    _with_users_and_notes(app, create_user, module, 1)
    with count_queries() as few:
        assert client.get(step_url(1)).status_code == 200
    _with_users_and_notes(app, create_user, module, 25)
    with count_queries() as many:
        assert client.get(step_url(1)).status_code == 200
    assert len(few) == len(many)
    # The user with permissions and organisation; the learner's state with the requirements.
    assert len(many) <= 2, many


# psycopg converts a statement to PostgreSQL's form once and keeps it, up to this length; a longer
# one is converted again on every request.
DRIVER_CACHED_LENGTH = 4096


def test_the_learners_pages_send_statements_the_driver_keeps(
    app, client, create_user, login_as, count_queries
):
    login_as(client, create_user())
    modules = app.extensions["catalog"].modules
    paths = ["/"] + [f"/modules/{m.id}/steps/{s.number}" for m in modules for s in m.steps]
    assert any(s.text("sv").shows_contacts for m in modules for s in m.steps)
    with count_queries() as statements:
        for path in paths:
            assert client.get(path).status_code == 200
    assert max(len(s) for s in statements) <= DRIVER_CACHED_LENGTH


def test_overview_makes_a_constant_number_of_queries(
    client, app, create_user, login_as, count_queries, module
):
    login_as(client, create_user())
    with count_queries() as statements:
        assert client.get("/").status_code == 200
    assert len(statements) <= 2, statements


def test_a_double_submit_keeps_one_record_and_no_error(app, create_user, module):
    user = create_user()
    with app.test_request_context():
        progress = UserProgress(user.id)
        progress.record_attempt(
            module,
            "form-1",
            Attempt.scored(module.quiz, answers_of(module.quiz)),
            progress.state(module),
        )
        stale = progress.state(module)
        for step in module.steps[:2]:
            progress.mark_done(module, step, stale)
        progress.mark_done(module, module.steps[2], progress.state(module))
        db.session.flush()
        # The same submit arriving again, read before the first one was saved.
        for step in module.steps:
            progress.mark_done(module, step, stale)
        progress.set_ticks(module, module.steps[0], set(module.steps[0].checklist_ids))
        progress._add_tick(module, module.steps[0], sorted(module.steps[0].checklist_ids)[0])
        db.session.commit()
        assert len(db.session.scalars(select(StepProgress)).all()) == 3
        assert len(db.session.scalars(select(ModuleCompletion)).all()) == 1


def answers_of(quiz):
    return {q.id: q.correct_ids for q in quiz.questions}


def test_adopted_completion_is_dated_when_the_guest_finished(client, app, create_user, module):
    user = create_user(password=TEST_PASSWORD)
    answer_check(client, module.quiz)
    for number in (1, 2, 3):
        save_step(client, number, {}, done=True)
    with client.session_transaction() as session:
        finished = max(at for _, at in session["guest_progress"][MODULE]["done"].values())
    html = client.get("/sign-in").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "email": user.email, "password": TEST_PASSWORD}
    client.post("/sign-in", data=data)
    with app.app_context():
        completed = db.session.scalar(select(ModuleCompletion.completed_at))
    assert completed == datetime.fromisoformat(finished)


def test_stale_form_for_an_unknown_step_is_a_plain_expired_page(client):
    response = client.post("/modules/nope/steps/1", data={"save": "x"})
    assert response.status_code == 400
    assert "Formuläret har slutat gälla" in response.get_data(as_text=True)
