"""The official's own data: downloaded whole, deleted at once, evidence kept then erased."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select, update

from course_app.account.data import TABLES
from course_app.extensions import db
from course_app.maintenance import run as run_maintenance
from course_app.models import (
    Assignment,
    ChecklistTick,
    LinkRequest,
    ModuleCompletion,
    OutgoingMail,
    Permission,
    QuizAttempt,
    ReflectionNote,
    SignInToken,
    StepProgress,
    User,
)
from course_app.models.base import utcnow
from tests.conftest import TEST_PASSWORD, csrf_from

NOTE = "Min privata tanke 4711"
STEP = "/modules/organisation/steps/1"


@pytest.fixture
def busy_official(app, client, create_user, create_assignment, login_as):
    """An official with an assignment, a note, a tick, a done step, an attempt, a completion."""
    user = create_user(password=TEST_PASSWORD)
    create_assignment(user, starts_on=date(2026, 10, 15))
    with app.app_context():
        db.session.add_all(
            [
                ReflectionNote(
                    user_id=user.id, module_id="organisation", step_id="s1",
                    question_id="q1", body=NOTE,
                ),
                ChecklistTick(
                    user_id=user.id, module_id="organisation", step_id="s1", item_id="i1"
                ),
                StepProgress(
                    user_id=user.id, module_id="organisation", step_id="s1",
                    content_version="v1", completed_at=utcnow(),
                ),
                QuizAttempt(
                    user_id=user.id, module_id="organisation", quiz_version="q1",
                    token="t" * 32, answers={"fraga": ["svar-a"]}, correct=1, total=1,
                    passed=True, submitted_at=utcnow(),
                ),
                ModuleCompletion(
                    user_id=user.id, module_id="organisation", module_version="v1",
                    completed_at=utcnow(),
                ),
            ]
        )  # fmt: skip
        db.session.commit()
    login_as(client, user)
    return user


def _count(app, model, user_id: int) -> int:
    with app.app_context():
        stmt = select(func.count()).select_from(model).where(model.user_id == user_id)
        return db.session.scalar(stmt)


def test_the_json_download_holds_everything_about_me(client, busy_official):
    response = client.get("/my-data/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith(
        'attachment; filename="tryggt-uppdrag-mina-uppgifter-'
    )
    held = json.loads(response.get_data(as_text=True))
    assert held["account"]["email"] == busy_official.email
    assert held["permissions"] == ["official"]
    assert held["assignments"][0]["body"] == "Kommunfullmäktige"
    assert held["notes"][0]["text"] == NOTE
    assert held["checklist_ticks"] == [{"module": "organisation", "step": "s1", "item": "i1"}]
    assert held["steps_done"][0]["step"] == "s1"
    assert held["check_attempts"][0]["answers"] == {"fraga": ["svar-a"]}
    assert held["completions"][0]["module"] == "organisation"


def test_the_html_download_reads_as_a_page(client, busy_official):
    response = client.get("/my-data/export.html")
    assert response.status_code == 200
    assert response.mimetype == "text/html"
    page = response.get_data(as_text=True)
    assert "<h1>Mina uppgifter i Tryggt uppdrag</h1>" in page
    assert NOTE in page and "Kommunfullmäktige" in page


def test_the_download_holds_nobody_elses_data(app, client, busy_official, create_user):
    other = create_user()
    with app.app_context():
        db.session.add(
            ReflectionNote(
                user_id=other.id, module_id="m", step_id="s", question_id="q", body="ANNANS"
            )
        )
        db.session.commit()
    for path in ("/my-data/export.json", "/my-data/export.html"):
        text = client.get(path).get_data(as_text=True)
        assert "ANNANS" not in text and other.email not in text


def test_a_sign_in_link_is_listed_but_never_its_token(app, client, busy_official):
    client.get("/my-data")  # no token in the page either
    with app.app_context():
        from course_app.auth.services import create_signin_token

        user = db.session.get(User, busy_official.id)
        token = create_signin_token(user, 15)
        db.session.commit()
    text = client.get("/my-data/export.json").get_data(as_text=True)
    assert token not in text
    assert json.loads(text)["sign_in_links"][0]["kind"] == "link"


def test_guests_are_sent_to_sign_in(client):
    for path in ("/my-data", "/my-data/export.json", "/my-data/export.html"):
        assert client.get(path).status_code == 302


def _delete(client, confirm: bool = True):
    page = client.get("/my-data").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page)}
    if confirm:
        data["confirm"] = "y"
    return client.post("/my-data/delete", data=data)


def test_deleting_needs_the_box_ticked(app, client, busy_official):
    response = _delete(client, confirm=False)
    assert response.status_code == 400
    assert "Kryssa i rutan" in response.get_data(as_text=True)
    assert _count(app, ReflectionNote, busy_official.id) == 1


def test_deleting_my_account_deletes_my_own_at_once_and_keeps_the_evidence(
    app, client, busy_official
):
    copy = app.test_client()
    with client.session_transaction() as session:
        stolen = dict(session)
    with copy.session_transaction() as session:
        session.update(stolen)

    response = _delete(client)

    assert response.status_code == 302
    uid = busy_official.id
    for model in (ReflectionNote, ChecklistTick, StepProgress, QuizAttempt, SignInToken):
        assert _count(app, model, uid) == 0, model
    assert _count(app, ModuleCompletion, uid) == 1
    assert _count(app, Assignment, uid) == 1
    with app.app_context():
        user = db.session.get(User, uid)
        assert user.deleted_at is not None and not user.active
        assert user.email != busy_official.email
        assert user.password_hash is None
    # Signed out here and in every copy of the session; the password no longer works.
    assert busy_official.email not in client.get("/").get_data(as_text=True)
    assert copy.get("/my-data").status_code == 302
    html = client.get("/sign-in").get_data(as_text=True)
    again = client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_from(html),
            "email": busy_official.email,
            "password": TEST_PASSWORD,
        },
    )
    assert again.status_code == 400


def test_the_address_of_a_deleted_account_can_be_used_again(app, client, busy_official, runner):
    _delete(client)
    with app.app_context():
        from course_app.auth.services import email_taken

        assert not email_taken(busy_official.email)


def test_maintenance_erases_a_deleted_account_after_the_retention_period(
    app, client, busy_official
):
    _delete(client)
    uid = busy_official.id
    with app.app_context():
        assert run_maintenance()["deleted accounts erased"] == 0
        days = app.config["DELETED_ACCOUNT_RETENTION_DAYS"]
        db.session.execute(
            update(User)
            .where(User.id == uid)
            .values(deleted_at=utcnow() - timedelta(days=days + 1))
        )
        db.session.commit()
        dry = run_maintenance(dry_run=True)
        assert (dry["deleted accounts erased"], dry["their completions erased"]) == (1, 1)
        assert db.session.get(User, uid) is not None
        counts = run_maintenance()
        assert counts["deleted accounts erased"] == 1
        assert counts["their assignments erased"] == 1
        db.session.expire_all()
        assert db.session.get(User, uid) is None
    assert _count(app, ModuleCompletion, uid) == 0
    assert _count(app, Assignment, uid) == 0


def test_maintenance_purges_used_and_expired_links_and_old_mail(app, create_user):
    user = create_user()
    now = utcnow()
    soon = now + timedelta(hours=1)
    mail = {"to_address": "x@e.se", "subject": "s", "body": "b"}
    with app.app_context():
        db.session.add_all(
            [
                SignInToken(user_id=user.id, token_hash="a" * 64, expires_at=soon),
                SignInToken(user_id=user.id, token_hash="b" * 64, expires_at=soon, used_at=now),
                SignInToken(user_id=user.id, token_hash="c" * 64, expires_at=now - timedelta(1)),
                OutgoingMail(**mail, sent_at=now - timedelta(8)),
                OutgoingMail(**mail, sent_at=now - timedelta(1)),
                OutgoingMail(**mail),
                LinkRequest(email="x@e.se", locale="sv", created_at=now - timedelta(2)),
            ]
        )  # fmt: skip
        db.session.commit()
        dry = run_maintenance(dry_run=True)
        assert dry["sign-in links used or expired"] == 2
        assert db.session.scalar(select(func.count()).select_from(SignInToken)) == 3
        counts = run_maintenance()
        assert counts["sign-in links used or expired"] == 2
        assert counts["e-mails sent"] == 1
        assert counts["link requests never handled"] == 1
        assert [t.token_hash[0] for t in db.session.scalars(select(SignInToken))] == ["a"]
        assert db.session.scalar(select(func.count()).select_from(OutgoingMail)) == 2
        assert run_maintenance()["sign-in links used or expired"] == 0


def test_the_maintenance_command_prints_counts_only(app, runner, create_user):
    result = runner.invoke(args=["maintenance", "run", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "sign-in links used or expired: 0 (dry run)" in result.output


def test_every_table_with_a_users_data_is_exported_and_deleted_or_kept(app, client, busy_official):
    """A new table pointing to users must be added to TABLES: exported, and deleted or kept."""
    pointing = {
        table.name
        for table in db.metadata.sorted_tables
        for column in table.columns
        if any(fk.column.table.name == "users" for fk in column.foreign_keys)
    }
    holding_addresses = {"outgoing_mail", "link_requests"}
    assert pointing | holding_addresses | {"users"} == set(TABLES)
    exported = json.loads(client.get("/my-data/export.json").get_data(as_text=True))
    for table, (fate, section) in TABLES.items():
        assert fate in {"deleted", "kept", "cleared"}, table
        if section is not None:
            assert section in exported, table


def test_the_security_unit_sees_a_deleted_account_as_deleted_and_cannot_revive_it(
    app, client, busy_official, create_user, login_as, post_form
):
    _delete(client)
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=busy_official.organisation_id)
    login_as(client, unit)
    listing = client.get("/security-unit/officials?status=deactivated").get_data(as_text=True)
    assert "Kontot raderat" in listing
    page = client.get(f"/security-unit/officials/{busy_official.id}").get_data(as_text=True)
    assert "raderade kontot" in page
    assert busy_official.email not in page
    url = f"/security-unit/officials/{busy_official.id}"
    response = post_form(client, f"{url}/reactivate", page=url)
    assert response.status_code == 302
    with app.app_context():
        assert db.session.get(User, busy_official.id).active is False
    assert client.get(f"{url}/edit").status_code == 302
