"""Party groups: who belongs, what contacts may do, shared notes kept inside the group, and
what the security unit and the officials' own pages show."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import select

from course_app.extensions import db
from course_app.models import (
    Assignment,
    AuditRecord,
    Discussion,
    DiscussionAttendance,
    GroupContact,
    Party,
    Permission,
    User,
    UserPermission,
)
from tests.conftest import csrf_from

MARKER = "GROUP-NOTE-MARKER-3e1d"
PARTY = "Exempelpartiet"


@pytest.fixture
def group(app, create_org, create_user, create_assignment):
    """Organisation A with two parties; in PARTY a contact, a member, a member who left and a
    member of the other party; a security unit; and organisation B's security unit."""
    org = create_org()
    people = {
        "contact": create_user(org=org),
        "member": create_user(org=org),
        "left": create_user(org=org),
        "other_party": create_user(org=org),
        "unit": create_user(permissions=(Permission.SECURITY_UNIT,), org=org),
        "other_org_unit": create_user(permissions=(Permission.SECURITY_UNIT,), org=create_org()),
    }
    create_assignment(people["contact"])
    create_assignment(people["member"], body="Kommunstyrelsen")
    create_assignment(people["left"], starts_on=date(2022, 10, 15), ends_on=date(2024, 1, 1))
    create_assignment(people["other_party"], party="Kustpartiet")
    with app.app_context():
        party_id = db.session.scalar(select(Party.id).where(Party.name == PARTY))
        for name, person in people.items():
            db.session.get(User, person.id).name = name.replace("_", " ").title()
        db.session.commit()
    return org, party_id, people


def _client(app, login_as, person):
    client = app.test_client()
    login_as(client, person)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def _post(client, url: str, data: dict | None = None, page: str | None = None):
    html = client.get(page or url).get_data(as_text=True)
    return client.post(url, data={"csrf_token": csrf_from(html), **(data or {})})


def _make_contact(app, login_as, group, phone="070-174 06 11"):
    org, party_id, people = group
    unit = _client(app, login_as, people["unit"])
    page = f"/security-unit/groups/{party_id}"
    response = _post(
        unit, f"{page}/contacts", {"user_id": people["contact"].id, "phone": phone}, page=page
    )
    assert response.status_code == 302
    return unit


def _start(app, login_as, group) -> tuple:
    org, party_id, people = group
    _make_contact(app, login_as, group)
    contact = _client(app, login_as, people["contact"])
    url = f"/groups/{party_id}/discussions/new"
    response = _post(
        contact, url, {"module_id": "organisation", "step": "", "held_on": "2026-11-30"}
    )
    assert response.status_code == 302
    return contact, response.headers["Location"]


def test_the_security_unit_chooses_contacts_who_get_the_permission_and_a_record(
    app, login_as, group
):
    org, party_id, people = group
    unit = _make_contact(app, login_as, group)
    page = unit.get(f"/security-unit/groups/{party_id}").get_data(as_text=True)
    assert "Left" not in page  # the member whose assignment ended is no member
    assert "Other Party" not in page
    assert "070-174 06 11" in page
    with app.app_context():
        assert (
            db.session.get(UserPermission, (people["contact"].id, Permission.GROUP_CONTACT))
            is not None
        )
        [record] = db.session.scalars(
            select(AuditRecord).where(AuditRecord.action == "group.contact_added")
        ).all()
        assert record.subject_id == people["contact"].id
    url = f"/security-unit/groups/{party_id}/contacts/{people['contact'].id}/remove"
    assert _post(unit, url, page=f"/security-unit/groups/{party_id}").status_code == 302
    with app.app_context():
        assert (
            db.session.get(UserPermission, (people["contact"].id, Permission.GROUP_CONTACT)) is None
        )
        assert db.session.scalar(select(GroupContact)) is None


def test_only_a_member_can_be_made_a_contact(app, login_as, group):
    org, party_id, people = group
    unit = _client(app, login_as, people["unit"])
    page = f"/security-unit/groups/{party_id}"
    refused = _post(unit, f"{page}/contacts", {"user_id": people["other_party"].id}, page=page)
    assert refused.status_code == 400
    with app.app_context():
        assert db.session.scalar(select(GroupContact)) is None


def test_an_added_member_joins_the_group_and_leaves_it_when_removed(app, login_as, group):
    org, party_id, people = group
    unit = _client(app, login_as, people["unit"])
    page = f"/security-unit/groups/{party_id}"
    left = _client(app, login_as, people["left"])
    assert left.get(f"/groups/{party_id}").status_code == 404
    added = _post(unit, f"{page}/members", {"email": people["left"].email}, page=page)
    assert added.status_code == 302
    assert left.get(f"/groups/{party_id}").status_code == 200
    unknown = _post(unit, f"{page}/members", {"email": "nobody@example.se"}, page=page)
    assert unknown.status_code == 400
    assert "No account of your organisation" in unknown.get_data(as_text=True)
    stranger = _post(unit, f"{page}/members", {"email": people["other_org_unit"].email}, page=page)
    assert stranger.status_code == 400  # another organisation's account
    url = f"{page}/members/{people['left'].id}/remove"
    assert _post(unit, url, page=page).status_code == 302
    assert left.get(f"/groups/{party_id}").status_code == 404


def test_a_contact_runs_a_discussion_and_records_attendance(app, login_as, group):
    org, party_id, people = group
    contact, location = _start(app, login_as, group)
    page = contact.get(location).get_data(as_text=True)
    assert "Organisation" in page or "organisation" in page.lower()
    meeting = contact.get(location + "/meeting/1").get_data(as_text=True)
    assert "Screen 1 of" in meeting and 'rel="next"' in meeting
    total = int(re.search(r"Screen 1 of (\d+)", meeting).group(1))
    last = contact.get(f"{location}/meeting/{total}").get_data(as_text=True)
    assert "the checklist" in last and 'rel="next"' not in last
    assert contact.get(f"{location}/meeting/{total + 1}").status_code == 404
    guide = contact.get(location + "/guide").get_data(as_text=True)
    assert "Discussion guide" in guide and "<ol" in guide

    present = [people["contact"].id, people["member"].id]
    saved = _post(contact, location + "/attendance", {"present": present}, page=location)
    assert saved.status_code == 302
    # Someone who is not a member cannot be recorded as present.
    refused = _post(
        contact, location + "/attendance", {"present": [people["other_party"].id]}, page=location
    )
    assert refused.status_code == 400
    with app.app_context():
        took_part = set(db.session.scalars(select(DiscussionAttendance.user_id)))
    assert took_part == set(present)

    member = _client(app, login_as, people["member"])
    module = member.get("/modules/organisation").get_data(as_text=True)
    assert "Discussed in your party group on 30 November 2026" in module
    step = member.get("/modules/organisation/steps/1").get_data(as_text=True)
    assert "Discussed in your party group on 30 November 2026" in step
    training = member.get("/my-training").get_data(as_text=True)
    assert "discussed in the group on 30 November 2026" in training
    absent = _client(app, login_as, people["other_party"])
    assert "Discussed in your party group" not in absent.get("/modules/organisation").get_data(
        as_text=True
    )


def test_a_member_who_is_not_a_contact_cannot_start_or_record(app, login_as, group):
    org, party_id, people = group
    contact, location = _start(app, login_as, group)
    member = _client(app, login_as, people["member"])
    assert member.get(f"/groups/{party_id}/discussions/new").status_code == 403
    refused = _post(
        member, location + "/attendance", {"present": [people["member"].id]}, page=location
    )
    assert refused.status_code == 403


def test_shared_notes_stay_inside_the_group(app, login_as, group):
    org, party_id, people = group
    contact, location = _start(app, login_as, group)
    member = _client(app, login_as, people["member"])
    page = member.get(location).get_data(as_text=True)
    revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
    saved = _post(
        member, location + "/notes", {"notes": MARKER, "revision": revision}, page=location
    )
    assert saved.status_code == 302
    assert MARKER in contact.get(location).get_data(as_text=True)

    # Nobody outside the group reads them: not the security unit, not another party's member,
    # not another organisation, not a member who has left, on any page they can open.
    outsiders = [people["unit"], people["other_party"], people["other_org_unit"], people["left"]]
    pages = [location, location + "/meeting/1", location + "/guide", f"/groups/{party_id}",
             "/groups", "/security-unit/groups", f"/security-unit/groups/{party_id}",
             "/security-unit/audit-log", "/my-data/export.json", "/my-training"]  # fmt: skip
    for person in outsiders:
        client = _client(app, login_as, person)
        for url in pages:
            response = client.get(url)
            assert MARKER not in response.get_data(as_text=True), (person, url)
            if url.startswith(location):
                assert response.status_code == 404, (person, url)
        post = _post(client, location + "/notes", {"notes": "x", "revision": "1"}, page="/")
        assert post.status_code == 404
    with app.app_context():
        assert db.session.scalar(select(Discussion.notes)) == MARKER

    # The member leaves the party: the group and its notes are gone for them.
    with app.app_context():
        seat = db.session.scalar(
            select(Assignment).where(Assignment.user_id == people["member"].id)
        )
        seat.ends_on = date(2025, 1, 1)
        db.session.commit()
    assert member.get(location).status_code == 404


def test_two_saves_of_the_notes_at_once_keep_both_texts(app, login_as, group):
    org, party_id, people = group
    contact, location = _start(app, login_as, group)
    member = _client(app, login_as, people["member"])
    first = member.get(location).get_data(as_text=True)
    second = contact.get(location).get_data(as_text=True)

    def send(client, page, text):
        revision = re.search(r'name="revision" type="hidden" value="(\d+)"', page).group(1)
        return client.post(
            location + "/notes",
            data={"csrf_token": csrf_from(page), "notes": text, "revision": revision},
        )

    assert send(member, first, "Först sparat").status_code == 302
    conflict = send(contact, second, "Mitt eget utkast")
    assert conflict.status_code == 409
    page = conflict.get_data(as_text=True)
    assert "Först sparat" in page and "Mitt eget utkast" in page
    assert send(contact, page, "Båda texterna").status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Discussion.notes)) == "Båda texterna"


def test_the_contact_sees_training_status_members_do_not(
    app, login_as, group, create_requirement, count_queries
):
    org, party_id, people = group
    create_requirement(org, ["organisation"], 2026, date(2026, 1, 1), date(2027, 4, 13))
    _make_contact(app, login_as, group)
    contact = _client(app, login_as, people["contact"])
    with count_queries() as statements:
        page = contact.get(f"/groups/{party_id}").get_data(as_text=True)
    assert "Not complete" in page and "Member" in page
    assert len(statements) <= 7, statements
    member = _client(app, login_as, people["member"])
    assert "Not complete" not in member.get(f"/groups/{party_id}").get_data(as_text=True)


def test_the_security_unit_sees_counts_and_days_not_names_or_notes(app, login_as, group):
    org, party_id, people = group
    contact, location = _start(app, login_as, group)
    present = [people["contact"].id, people["member"].id]
    _post(contact, location + "/attendance", {"present": present}, page=location)
    unit = _client(app, login_as, people["unit"])
    page = unit.get("/security-unit/groups").get_data(as_text=True)
    row = re.search(rf"{PARTY}</a></th>(.*?)</tr>", page, re.S).group(1)
    cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
    assert [c.strip() for c in cells] == ["2", "1", "1", "30 November 2026", "2"]
    assert "Member" not in row


def test_officials_see_their_own_partys_contact_in_the_contacts_box(
    app, login_as, group, count_queries
):
    org, party_id, people = group
    _make_contact(app, login_as, group, phone="070-174 06 12")
    step = "/modules/organisation/steps/2"
    member = _client(app, login_as, people["member"])
    with count_queries() as statements:
        page = member.get(step).get_data(as_text=True)
    assert "Contact (Exempelpartiet), " in page and "070-174 06 12" in page
    assert len(statements) <= 2, statements
    other = _client(app, login_as, people["other_party"])
    assert "070-174 06 12" not in other.get(step).get_data(as_text=True)


@pytest.mark.parametrize(
    ("origin", "shown"), [("http://localhost", True), ("https://elsewhere.example", False)]
)
def test_a_stale_notes_form_shows_what_was_typed_only_to_this_site(
    app, login_as, group, origin, shown
):
    org, party_id, people = group
    contact, location = _start(app, login_as, group)
    text = "Vi kom överens om att ringa säkerhetsfunktionen först.\nSedan polisen."
    response = contact.post(
        location + "/notes",
        data={"csrf_token": "stale", "revision": "0", "notes": text},
        headers={"Origin": origin},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert ("ringa säkerhetsfunktionen först." in page) is shown
    assert ("readonly" in page) is shown


def test_notes_over_the_limit_are_refused_with_a_message_and_kept_whole(app, login_as, group):
    org, party_id, people = group
    contact, location = _start(app, login_as, group)
    long_text = "ord " * 2600  # 10,400 characters
    response = _post(
        contact, location + "/notes", {"notes": long_text, "revision": "0"}, page=location
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Write at most 10000 characters." in page
    assert long_text.strip() in page and "maxlength" not in page
    with app.app_context():
        assert db.session.scalar(select(Discussion.notes)) == ""


def test_no_page_of_the_groups_repeats_an_id(app, login_as, group):
    """Two forms on one page must not both render id="csrf_token" (labels and ARIA break)."""
    org, party_id, people = group
    contact, location = _start(app, login_as, group)
    unit = _client(app, login_as, people["unit"])
    mine = [location, location + "/meeting/1", location + "/guide", f"/groups/{party_id}",
            "/groups", f"/groups/{party_id}/discussions/new", "/my-training",
            "/modules/organisation/steps/2"]  # fmt: skip
    units = ["/security-unit/groups", f"/security-unit/groups/{party_id}"]
    for client, url in [(contact, u) for u in mine] + [(unit, u) for u in units]:
        ids = re.findall(r'\sid="([^"]+)"', client.get(url).get_data(as_text=True))
        assert len(ids) == len(set(ids)), (url, sorted({i for i in ids if ids.count(i) > 1}))
