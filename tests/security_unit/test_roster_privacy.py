"""A roster file is kept for its preview only, and its preview tells nothing of other
organisations."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from course_app.extensions import db
from course_app.maintenance import run as run_maintenance
from course_app.models import AuditRecord, Permission, RosterImport
from course_app.models.base import utcnow
from tests.security_unit.test_roster_import import GOOD, import_file, upload


@pytest.fixture
def unit(create_user, client, login_as):
    """A signed-in security unit, reading the pages in Swedish."""
    user = create_user(permissions=(Permission.SECURITY_UNIT,))
    login_as(client, user)
    return user


def _problems(response) -> list[str]:
    """Return the problems table's rows as shown: line, column and message."""
    html = response.get_data(as_text=True)
    table = html.split('id="problems"')[1].split("</table>")[0]
    return re.findall(r"<tr><td[^>]*>(.*?)</td></tr>", table)


def test_an_address_elsewhere_reads_as_any_account_that_cannot_hold_seats(
    client, unit, create_user, create_org
):
    """The unit cannot tell an account in another organisation from one of its own colleagues'."""
    create_user(org=create_org(), email="bo.ek@example.se")
    response = upload(client, GOOD)
    assert response.status_code == 400
    told_elsewhere = _problems(response)

    create_user(
        org=unit.organisation_id,
        email="kollega@example.se",
        permissions=(Permission.SECURITY_UNIT,),
    )
    response = upload(client, GOOD.replace(b"bo.ek@example.se", b"kollega@example.se"))
    assert response.status_code == 400
    assert _problems(response) == told_elsewhere
    [row] = told_elsewhere
    assert "annat konto" in row and "organisation" not in row


def test_a_confirmed_imports_file_is_dropped_and_the_audit_log_keeps_its_name_and_counts(
    app, client, unit
):
    assert import_file(client, GOOD).status_code == 302
    with app.app_context():
        [done] = db.session.scalars(select(RosterImport)).all()
        assert done.applied_at is not None
        assert done.content is None
        assert done.filename == "ledamoter.csv" and done.counts["new_official"] == 3
        [record] = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "roster.imported")
        ).all()
    assert record.details["file"] == "ledamoter.csv"
    assert record.details["counts"]["new_official"] == 3
    page = client.get("/security-unit/roster").get_data(as_text=True)
    assert "ledamoter.csv" in page, "the latest imports are still listed"


def test_maintenance_deletes_an_upload_never_confirmed_after_a_day(app, client, unit):
    stale = upload(client, GOOD).headers["Location"]
    fresh = upload(client, GOOD).headers["Location"]
    assert import_file(client, GOOD).status_code == 302
    stale_id = int(stale.rsplit("/", 1)[1])
    with app.app_context():
        a_day_ago = utcnow() - timedelta(days=1, minutes=1)
        db.session.execute(update(RosterImport).values(created_at=a_day_ago))
        db.session.execute(
            update(RosterImport).where(RosterImport.id != stale_id).values(created_at=utcnow())
        )
        db.session.commit()
        assert run_maintenance(dry_run=True)["roster files never imported"] == 1
        assert run_maintenance()["roster files never imported"] == 1
        left = db.session.scalars(select(RosterImport.id).order_by(RosterImport.id)).all()
    assert stale_id not in left and len(left) == 2
    assert client.get(stale).status_code == 404
    assert client.get(fresh).status_code == 200


def test_maintenance_keeps_a_confirmed_import_however_old(app, client, unit):
    assert import_file(client, GOOD).status_code == 302
    with app.app_context():
        db.session.execute(update(RosterImport).values(created_at=utcnow() - timedelta(days=400)))
        db.session.commit()
        assert run_maintenance()["roster files never imported"] == 0
        assert len(db.session.scalars(select(RosterImport)).all()) == 1
