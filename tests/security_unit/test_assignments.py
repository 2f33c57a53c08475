"""Ending an official's assignment: a confirmation first, and an undo on the same day only."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from course_app.extensions import db
from course_app.models import Assignment, AuditRecord, Permission
from course_app.models.base import utcnow
from course_app.training.periods import local_date
from tests.conftest import csrf_from

EN = {"Accept-Language": "en"}


@pytest.fixture
def unit(create_user):
    return create_user(permissions=(Permission.SECURITY_UNIT,))


@pytest.fixture
def seat(create_user, create_assignment, unit):
    official = create_user(org=unit.organisation_id, email="anna@kommun.se")
    ends = local_date(utcnow()) + timedelta(days=400)
    return official, create_assignment(official, ends_on=ends), ends


def _post(client, url: str):
    token = csrf_from(client.get("/", headers=EN).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token}, headers=EN)


def _ends_on(app, assignment_id: int) -> date | None:
    with app.app_context():
        return db.session.get(Assignment, assignment_id).ends_on


def test_ending_asks_first_then_ends_and_can_be_undone_today(app, client, login_as, unit, seat):
    official, assignment, ends = seat
    login_as(client, unit)
    url = f"/security-unit/officials/{official.id}/assignments/{assignment}/end"
    confirm = client.get(url, headers=EN).get_data(as_text=True)
    assert "End the assignment today?" in confirm and "Kommunfullmäktige" in confirm
    assert _ends_on(app, assignment) == ends  # asking changed nothing
    assert _post(client, url).status_code == 302
    assert _ends_on(app, assignment) == local_date(utcnow())
    page = client.get(f"/security-unit/officials/{official.id}", headers=EN).get_data(True)
    assert "Undo" in page
    undo = f"/security-unit/officials/{official.id}/assignments/{assignment}/undo-end"
    assert _post(client, undo).status_code == 302
    assert _ends_on(app, assignment) == ends  # its earlier end is back
    page = client.get(f"/security-unit/officials/{official.id}", headers=EN).get_data(True)
    assert "Undo" not in page and "runs again as before" in page
    with app.app_context():
        actions = db.session.scalars(
            select(AuditRecord.action).where(AuditRecord.subject_id == official.id)
        ).all()
    assert actions == ["assignment.ended", "assignment.reopened"]


def test_an_ending_of_another_day_cannot_be_undone(app, client, login_as, unit, seat):
    official, assignment, _ends = seat
    login_as(client, unit)
    _post(client, f"/security-unit/officials/{official.id}/assignments/{assignment}/end")
    with app.app_context():  # as if it had been ended yesterday (the app never edits records)
        records = AuditRecord.__table__
        db.session.execute(update(records).values(at=utcnow() - timedelta(days=1)))
        db.session.commit()
    undo = f"/security-unit/officials/{official.id}/assignments/{assignment}/undo-end"
    response = _post(client, undo)
    assert "Only an assignment ended here today" in client.get(
        response.headers["Location"], headers=EN
    ).get_data(True)
    assert _ends_on(app, assignment) == local_date(utcnow())


def test_an_assignment_that_ends_today_by_the_roster_has_no_undo(
    app, client, login_as, unit, create_user, create_assignment
):
    official = create_user(org=unit.organisation_id)
    assignment = create_assignment(official, ends_on=local_date(utcnow()))
    login_as(client, unit)
    page = client.get(f"/security-unit/officials/{official.id}", headers=EN).get_data(True)
    assert "Undo" not in page
    _post(client, f"/security-unit/officials/{official.id}/assignments/{assignment}/undo-end")
    assert _ends_on(app, assignment) == local_date(utcnow())


def test_another_organisation_can_neither_end_nor_undo(
    app, client, login_as, seat, create_org, create_user
):
    official, assignment, ends = seat
    login_as(client, create_user(permissions=(Permission.SECURITY_UNIT,), org=create_org()))
    base = f"/security-unit/officials/{official.id}/assignments/{assignment}"
    assert client.get(f"{base}/end").status_code == 404
    assert _post(client, f"{base}/end").status_code == 404
    assert _post(client, f"{base}/undo-end").status_code == 404
    assert _ends_on(app, assignment) == ends
