"""The audit log: a record for each sensitive action, append-only, readable by the security unit."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from course_app.auth.services import create_signin_token
from course_app.extensions import db
from course_app.models import AuditRecord, Permission, ReflectionNote, User
from course_app.models.base import utcnow
from tests.conftest import TEST_PASSWORD, csrf_from
from tests.security_unit.test_roster_import import GOOD, import_file

LOG = "/security-unit/audit-log"
MARKER = "AUDIT-MARKER-51c9"


@pytest.fixture
def unit(create_user):
    return create_user(permissions=(Permission.SECURITY_UNIT,))


@pytest.fixture
def unit_client(app, unit, login_as):
    client = app.test_client()
    login_as(client, unit)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def records(app, action: str | None = None) -> list[AuditRecord]:
    with app.app_context():
        stmt = select(AuditRecord).order_by(AuditRecord.id)
        if action:
            stmt = stmt.where(AuditRecord.action == action)
        found = list(db.session.scalars(stmt))
        db.session.expunge_all()
        return found


def _sign_in(client, email: str, password: str):
    page = client.get("/sign-in").get_data(as_text=True)
    return client.post(
        "/sign-in", data={"csrf_token": csrf_from(page), "email": email, "password": password}
    )


def _use_link(app, client, user, purpose: str):
    with app.app_context():
        token = create_signin_token(db.session.get(User, user.id), 15, purpose=purpose)
        db.session.commit()
    page = client.get(f"/sign-in/link/{token}").get_data(as_text=True)
    response = client.post(f"/sign-in/link/{token}", data={"csrf_token": csrf_from(page)})
    return token, response


def test_sign_ins_are_recorded_with_their_method_and_ip(app, create_user):
    user = create_user(password=TEST_PASSWORD)
    assert _sign_in(app.test_client(), user.email, TEST_PASSWORD).status_code == 302
    assert _sign_in(app.test_client(), user.email, "wrong-password").status_code == 400
    assert _sign_in(app.test_client(), "nobody@example.se", "wrong-password").status_code == 400
    link_token, used = _use_link(app, app.test_client(), user, "link")
    assert used.status_code == 302
    invitation_token, used = _use_link(app, app.test_client(), user, "invitation")
    assert used.status_code == 302
    again = app.test_client()
    page = again.get(f"/sign-in/link/{link_token}")
    assert page.status_code == 410
    refused = again.post(
        f"/sign-in/link/{link_token}",
        data={"csrf_token": csrf_from(again.get("/sign-in/link").get_data(as_text=True))},
    )
    assert refused.status_code == 400

    successes = records(app, "sign_in.success")
    assert [(r.details["method"], r.actor_id, r.organisation_id) for r in successes] == [
        ("password", user.id, user.organisation_id),
        ("link", user.id, user.organisation_id),
        ("invitation", user.id, user.organisation_id),
    ]
    assert all(r.ip == "127.0.0.1" for r in successes)
    failures = records(app, "sign_in.failure")
    assert [(r.details["method"], r.subject_id, r.organisation_id) for r in failures] == [
        ("password", user.id, user.organisation_id),  # a known account: its organisation sees it
        ("password", None, None),  # no account: recorded, shown to no organisation
        ("link", user.id, user.organisation_id),  # a used link tried again
    ]
    stored = repr([(r.details, r.ip) for r in records(app)])
    for secret in (TEST_PASSWORD, "wrong-password", link_token, invitation_token):
        assert secret not in stored


def test_imports_requirements_reports_and_contacts_are_recorded(app, unit, unit_client, post_form):
    assert import_file(unit_client, GOOD).status_code == 302
    [imported] = records(app, "roster.imported")
    assert imported.details["file"] == "ledamoter.csv"
    assert imported.details["counts"]["new_official"] == 3
    assert imported.actor_id == unit.id

    data = {
        "election_year": "2026",
        "module_ids": ["organisation"],
        "audience": "all",
        "counts_from": "2026-01-01",
        "deadline": "2027-04-13",
    }
    assert post_form(unit_client, "/security-unit/requirements/new", data).status_code == 302
    [created] = records(app, "requirement.created")
    assert created.details == {"period": 2026}
    with app.app_context():
        from course_app.models import Requirement

        requirement_id = db.session.scalar(select(Requirement.id))
    url = f"/security-unit/requirements/{requirement_id}"
    assert post_form(unit_client, url, {**data, "deadline": "2027-05-01"}).status_code == 302
    assert len(records(app, "requirement.changed")) == 1

    query = "?period=2026&as_of=2027-04-13"
    for path in ("/coverage", "/coverage/print", "/coverage.csv", "/coverage.xlsx"):
        assert unit_client.get(f"/security-unit{path}{query}").status_code == 200
    assert [r.details for r in records(app, "report.viewed")] == [
        {"period": 2026, "as_of": "2027-04-13"}
    ] * 2
    assert [r.details["format"] for r in records(app, "report.exported")] == ["csv", "xlsx"]

    page = unit_client.get("/security-unit/contacts").get_data(as_text=True)
    revision = page.split('name="revision" type="hidden" value="')[1].split('"')[0]
    saved = unit_client.post(
        "/security-unit/contacts",
        data={"csrf_token": csrf_from(page), "revision": revision, "security_phone": "010-123 45"},
    )
    assert saved.status_code == 302
    assert len(records(app, "contacts.edited")) == 1


def test_changes_to_an_official_are_recorded_with_the_fields_not_the_values(
    app, unit, unit_client, create_user, create_assignment, post_form
):
    official = create_user()
    with app.app_context():
        db.session.get(User, official.id).organisation_id = unit.organisation_id
        db.session.commit()
    seat = create_assignment(
        type("U", (), {"id": official.id, "organisation_id": unit.organisation_id})()
    )
    base = f"/security-unit/officials/{official.id}"
    edit = {"name": "Ny Namnsson", "email": official.email, "locale": "sv"}
    assert post_form(unit_client, f"{base}/edit", edit).status_code == 302
    assert post_form(unit_client, f"{base}/edit", edit).status_code == 302  # nothing changed
    assert post_form(unit_client, f"{base}/invite", page=base).status_code == 302
    assert post_form(unit_client, f"{base}/assignments/{seat}/end", page=base).status_code == 302
    deactivate = {"confirm": "y"}
    assert post_form(unit_client, f"{base}/deactivate", deactivate, page=base).status_code == 302
    assert post_form(unit_client, f"{base}/reactivate", page=base).status_code == 302

    found = [(r.action, r.subject_id, r.details) for r in records(app) if r.subject_id]
    assert found == [
        ("official.edited", official.id, {"fields": ["name"]}),
        ("official.invited", official.id, {}),
        # Which assignment and its earlier end (none): what an undo the same day puts back.
        ("assignment.ended", official.id, {"assignment": seat, "previous_end": None}),
        ("official.deactivated", official.id, {}),
        ("official.reactivated", official.id, {}),
    ]
    assert "Ny Namnsson" not in repr([r.details for r in records(app)])


def test_permission_changes_and_account_deletion_are_recorded(app, runner, create_user, login_as):
    user = create_user()
    result = runner.invoke(
        args=[
            "users",
            "permissions",
            user.email,
            "--permission",
            "official",
            "--permission",
            "group_contact",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "group_contact" in result.output
    [changed] = records(app, "permissions.changed")
    assert (changed.subject_id, changed.actor_id) == (user.id, None)
    assert changed.details == {"permissions": ["group_contact", "official"]}
    again = runner.invoke(
        args=[
            "users",
            "permissions",
            user.email,
            "--permission",
            "official",
            "--permission",
            "group_contact",
        ]
    )
    assert "already" in again.output
    assert len(records(app, "permissions.changed")) == 1

    client = app.test_client()
    login_as(client, user)
    page = client.get("/my-data").get_data(as_text=True)
    deleted = client.post("/my-data/delete", data={"csrf_token": csrf_from(page), "confirm": "y"})
    assert deleted.status_code == 302
    [record] = records(app, "account.deleted")
    assert record.actor_id == user.id


def test_records_cannot_be_changed_or_deleted_in_the_app(app, create_user):
    user = create_user(password=TEST_PASSWORD)
    _sign_in(app.test_client(), user.email, TEST_PASSWORD)
    with app.app_context():
        record = db.session.scalar(select(AuditRecord))
        record.details = {"method": "forged"}
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()
        db.session.delete(db.session.scalar(select(AuditRecord)))
        with pytest.raises(PermissionError):
            db.session.flush()
        db.session.rollback()
    assert records(app)[0].details["method"] == "password"


def _add(app, organisation_id, at, action="report.viewed", actor_id=None, subject_id=None):
    with app.app_context():
        db.session.add(
            AuditRecord(
                organisation_id=organisation_id,
                at=at,
                action=action,
                actor_id=actor_id,
                subject_id=subject_id,
                details={},
                ip="192.0.2.1",
            )
        )
        db.session.commit()


def test_prune_deletes_records_before_the_day_and_defaults_to_two_years(app, runner, unit):
    now = utcnow()
    for days in (800, 400, 1):
        _add(app, unit.organisation_id, now - timedelta(days=days))
    result = runner.invoke(args=["audit", "prune", "--before", "2000-01-01"])
    assert result.exit_code == 0 and ": 0" in result.output
    dry = runner.invoke(args=["audit", "prune", "--dry-run"])
    assert ": 1 (dry run)" in dry.output
    assert len(records(app)) == 3
    result = runner.invoke(args=["audit", "prune"])  # the default: 730 days
    assert result.exit_code == 0, result.output
    assert len(records(app)) == 2
    day = (now - timedelta(days=10)).date().isoformat()
    result = runner.invoke(args=["audit", "prune", "--before", day])
    assert ": 1" in result.output
    assert [r.at.date() for r in records(app)] == [(now - timedelta(days=1)).date()]
    future = runner.invoke(args=["audit", "prune", "--before", "2999-01-01"])
    assert future.exit_code != 0


def test_maintenance_prunes_past_the_retention_period(app, runner, unit):
    _add(app, unit.organisation_id, utcnow() - timedelta(days=731))
    _add(app, unit.organisation_id, utcnow() - timedelta(days=729))
    result = runner.invoke(args=["maintenance", "run"])
    assert "audit records past retention: 1" in result.output
    assert len(records(app)) == 1


def test_the_page_shows_only_the_organisations_records_with_filters(
    app, unit, unit_client, create_user, create_org, count_queries
):
    other_org = create_org()
    stranger = create_user(org=other_org)
    official = create_user(org=unit.organisation_id)
    with app.app_context():
        db.session.get(User, official.id).name = "Åsa Öberg"
        db.session.commit()
    day = datetime(2026, 3, 10, 12, tzinfo=UTC)
    _add(app, unit.organisation_id, day, "official.edited", unit.id, official.id)
    _add(app, unit.organisation_id, day + timedelta(days=5), "report.exported", unit.id)
    _add(app, other_org, day, "official.edited", stranger.id, stranger.id)

    page = unit_client.get(LOG).get_data(as_text=True)
    assert "2 records found." in page
    assert "Åsa Öberg" in page and stranger.email not in page
    assert page.index("Exported the coverage report") < page.index("Changed an official")

    def shown(query: str) -> int:
        html = unit_client.get(LOG + query).get_data(as_text=True)
        return int(re.search(r"(\d+) records? found", html).group(1))

    assert shown("?action=official.edited") == 1
    assert shown("?person=%C3%96berg") == 1  # the official acted upon
    assert shown("?person=%C3%B6BERG") == 1  # in any case, Å, Ä and Ö too
    assert shown("?person=" + unit.email.split("@")[0].upper()) == 2  # the actor
    assert shown("?person=%25") == 0  # a wildcard is a character, not a pattern
    assert shown("?since=2026-03-11") == 1
    assert shown("?until=2026-03-10") == 1
    assert shown("?since=2026-03-16&until=2026-03-20") == 0
    assert shown("?action=nonsense&since=not-a-day") == 2  # bad filters are ignored
    with count_queries() as statements:
        assert unit_client.get(LOG).status_code == 200
    assert len(statements) <= 4


def test_the_page_is_paged(app, unit, unit_client):
    start = utcnow() - timedelta(hours=2)
    for minute in range(55):
        _add(app, unit.organisation_id, start + timedelta(minutes=minute))
    first = unit_client.get(LOG).get_data(as_text=True)
    assert "Page 1 of 2." in first and 'rel="next"' in first
    second = unit_client.get(LOG + "?page=2").get_data(as_text=True)
    assert second.count("<tr>") - 1 == 5  # the heading row, then five records


def test_no_private_text_reaches_the_log_or_its_page(app, create_user, unit, unit_client):
    official = create_user(org=unit.organisation_id, password=TEST_PASSWORD)
    client = app.test_client()
    _sign_in(client, official.email, TEST_PASSWORD)
    step = "/modules/organisation/steps/1"
    page = client.get(step).get_data(as_text=True)
    field = re.search(r'name="(note-[^"]+)"', page).group(1)
    client.post(step, data={"csrf_token": csrf_from(page), field: MARKER, "save": "x"})
    with app.app_context():
        assert db.session.scalar(select(ReflectionNote.body)) == MARKER
    assert MARKER not in unit_client.get(LOG).get_data(as_text=True)
    assert MARKER not in repr([(r.details, r.ip, r.action) for r in records(app)])
