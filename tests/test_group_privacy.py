"""The security unit never belongs to a party group: refused when added, and refused on every
group page even when a membership row, a seat or a contact row says otherwise."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.models import (
    Assignment,
    AssignmentRole,
    Discussion,
    DiscussionAttendance,
    Extent,
    GroupContact,
    GroupMember,
    Permission,
    UserPermission,
)
from tests.test_groups import _client, _post, group  # noqa: F401

NOTE = "GROUP-NOTE-UNIT-MARKER-91c2"
REFUSED = "An account of the security unit cannot join a party group."


def _discussion(app, party_id: int, org: int) -> str:
    with app.app_context():
        found = Discussion(
            organisation_id=org,
            party_id=party_id,
            module_id="organisation",
            held_on=date(2026, 11, 30),
            notes=NOTE,
        )
        db.session.add(found)
        db.session.commit()
        return f"/groups/{party_id}/discussions/{found.id}"


def _members(app, party_id: int) -> int:
    with app.app_context():
        stmt = select(func.count()).select_from(GroupMember).filter_by(party_id=party_id)
        return db.session.scalar(stmt)


def test_the_unit_cannot_add_itself_or_a_colleague(app, login_as, group, create_user):  # noqa: F811
    org, party_id, people = group
    colleague = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    unit = _client(app, login_as, people["unit"])
    page = f"/security-unit/groups/{party_id}"
    hint = unit.get(page).get_data(as_text=True)
    assert "A security officer who is also a politician in the party uses a second account" in hint
    for person in (people["unit"], colleague):
        refused = _post(unit, f"{page}/members", {"email": person.email.upper()}, page=page)
        assert refused.status_code == 400
        html = refused.get_data(as_text=True)
        assert "<title>Error: " in html and f'<a href="#email">{REFUSED}' in html
    assert _members(app, party_id) == 0
    # The other side: an official of the organisation is added.
    added = _post(unit, f"{page}/members", {"email": people["left"].email}, page=page)
    assert added.status_code == 302 and _members(app, party_id) == 1


def test_the_refusal_is_in_swedish_by_default(app, login_as, group):  # noqa: F811
    org, party_id, people = group
    unit = app.test_client()
    login_as(unit, people["unit"])
    page = f"/security-unit/groups/{party_id}"
    refused = _post(unit, f"{page}/members", {"email": people["unit"].email}, page=page)
    assert "Ett konto för säkerhetsfunktionen kan inte gå med i en partigrupp." in refused.get_data(
        as_text=True
    )


def _seat(app, person, party_id: int) -> None:
    with app.app_context():
        db.session.add(
            Assignment(
                organisation_id=person.organisation_id,
                user_id=person.id,
                party_id=party_id,
                role=AssignmentRole.ORDINARIE,
                extent=Extent.FRITID,
                starts_on=date(2022, 10, 15),
            )
        )
        db.session.commit()


def _rows(app, person, party_id: int, how: str) -> None:
    """Make person a member as the rows say: added, seated, or seated as an official too."""
    with app.app_context():
        if how == "added":
            db.session.add(GroupMember(party_id=party_id, user_id=person.id))
        if how == "official too":
            db.session.add(UserPermission(user_id=person.id, permission=Permission.OFFICIAL))
        db.session.add(GroupContact(party_id=party_id, user_id=person.id))
        db.session.commit()
    if how != "added":
        _seat(app, person, party_id)


@pytest.mark.parametrize("how", ["added", "seated", "official too"])
def test_rows_never_let_the_unit_into_a_group(app, login_as, group, how):  # noqa: F811
    org, party_id, people = group
    location = _discussion(app, party_id, org)
    _rows(app, people["unit"], party_id, how)
    unit = _client(app, login_as, people["unit"])
    for url in (f"/groups/{party_id}", location, f"{location}/meeting/1", f"{location}/guide",
                f"/groups/{party_id}/discussions/new"):  # fmt: skip
        response = unit.get(url)
        assert response.status_code == 404, url
        assert NOTE not in response.get_data(as_text=True)
    assert NOTE not in unit.get("/groups").get_data(as_text=True)
    assert f'href="/groups/{party_id}"' not in unit.get("/groups").get_data(as_text=True)
    notes = _post(unit, f"{location}/notes", {"notes": "x", "revision": "0"}, page="/")
    attendance = _post(unit, f"{location}/attendance", {"present": [people["unit"].id]}, page="/")
    assert (notes.status_code, attendance.status_code) == (404, 404)
    with app.app_context():
        assert db.session.scalar(select(Discussion.notes)) == NOTE
        assert db.session.scalar(select(func.count()).select_from(DiscussionAttendance)) == 0
    # Nor is the unit listed as a member to record or to make a contact.
    page = unit.get(f"/security-unit/groups/{party_id}").get_data(as_text=True)
    assert '<th scope="row">Unit</th>' not in page


def test_the_same_rows_let_an_official_in(app, login_as, group):  # noqa: F811
    org, party_id, people = group
    location = _discussion(app, party_id, org)
    with app.app_context():
        db.session.add(GroupMember(party_id=party_id, user_id=people["left"].id))
        db.session.add(GroupContact(party_id=party_id, user_id=people["left"].id))
        db.session.commit()
    member = _client(app, login_as, people["left"])
    assert member.get(f"/groups/{party_id}").status_code == 200
    page = member.get(location)
    assert page.status_code == 200 and NOTE in page.get_data(as_text=True)
    assert member.get(f"{location}/guide").status_code == 200
    saved = _post(member, f"{location}/notes", {"notes": "ny text", "revision": "0"}, page=location)
    assert saved.status_code == 302
    present = _post(
        member, f"{location}/attendance", {"present": [people["left"].id]}, page=location
    )
    assert present.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Discussion.notes)) == "ny text"
