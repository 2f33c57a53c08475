"""Who reaches what: every route of the app, for every kind of visitor.

Kinds: a guest, an official, a group contact and the security unit of organisation A, and
the security unit of organisation B. Ids in the addresses belong to organisation A, so B's
security unit must get 404 wherever an id is named: another organisation's id reveals nothing.
A route missing from ACCESS fails the first test: every new page must say who may use it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from course_app.extensions import db
from course_app.models import (
    Discussion,
    GroupContact,
    ModuleCompletion,
    Party,
    Permission,
    RosterImport,
)
from tests.conftest import csrf_from

KINDS = ("guest", "official", "group_contact", "security_unit", "other_security_unit")
OK = "ok"  # served: 200, a redirect not to sign-in, a form's own 400/409, a used link's 410
SIGN_IN = "sign in"  # sent to the sign-in page
FORBIDDEN = "forbidden"  # 403
NOT_FOUND = "not found"  # 404

EVERYONE = dict.fromkeys(KINDS, OK)
SIGNED_IN = {**EVERYONE, "guest": SIGN_IN}
UNIT = {
    "guest": SIGN_IN,
    "official": FORBIDDEN,
    "group_contact": FORBIDDEN,
    "security_unit": OK,
    "other_security_unit": OK,  # its own organisation's page
}
UNIT_BY_ID = {**UNIT, "other_security_unit": NOT_FOUND}
# A party group's pages: its members only (the official and the contact of organisation A).
MEMBERS = {
    "guest": SIGN_IN,
    "official": OK,
    "group_contact": OK,
    "security_unit": NOT_FOUND,
    "other_security_unit": NOT_FOUND,
}
CONTACTS = {**MEMBERS, "official": FORBIDDEN}
# A certificate: only the official who completed the period has one; others have none to show.
OWN_CERTIFICATE = {**dict.fromkeys(KINDS, NOT_FOUND), "guest": SIGN_IN, "official": OK}

# rule -> {method: outcome by kind}
ACCESS: dict[str, dict[str, dict[str, str]]] = {
    "/": {"GET": EVERYONE},
    "/language": {"POST": EVERYONE},
    "/modules/<module_id>": {"GET": EVERYONE},
    "/modules/<module_id>/check": {"GET": EVERYONE, "POST": EVERYONE},
    "/modules/<module_id>/check/result": {"GET": EVERYONE},
    "/modules/<module_id>/steps/<int:number>": {"GET": EVERYONE, "POST": EVERYONE},
    "/my-training": {"GET": SIGNED_IN},
    "/certificates/<int:year>": {"GET": OWN_CERTIFICATE},
    "/certificates/<int:year>.pdf": {"GET": OWN_CERTIFICATE},
    "/groups": {"GET": SIGNED_IN},
    "/groups/<int:party_id>": {"GET": MEMBERS},
    "/groups/<int:party_id>/discussions/new": {"GET": CONTACTS, "POST": CONTACTS},
    "/groups/<int:party_id>/discussions/<int:discussion_id>": {"GET": MEMBERS},
    "/groups/<int:party_id>/discussions/<int:discussion_id>/attendance": {"POST": CONTACTS},
    "/groups/<int:party_id>/discussions/<int:discussion_id>/notes": {"POST": MEMBERS},
    "/groups/<int:party_id>/discussions/<int:discussion_id>/meeting/<int:number>": {"GET": MEMBERS},
    "/groups/<int:party_id>/discussions/<int:discussion_id>/guide": {"GET": MEMBERS},
    "/my-notes": {"GET": SIGNED_IN},
    "/my-notes/delete": {"POST": SIGNED_IN},
    "/my-notes/export": {"GET": SIGNED_IN},
    "/my-data": {"GET": SIGNED_IN},
    "/my-data/export.json": {"GET": SIGNED_IN},
    "/my-data/export.html": {"GET": SIGNED_IN},
    "/my-data/delete": {"POST": SIGNED_IN},
    "/my-data/new-email/<token>": {"GET": SIGNED_IN, "POST": SIGNED_IN},
    "/security-unit/contacts": {"GET": UNIT, "POST": UNIT},
    "/security-unit/audit-log": {"GET": UNIT},
    "/security-unit/coverage": {"GET": UNIT},
    "/security-unit/coverage.csv": {"GET": UNIT},
    "/security-unit/coverage.xlsx": {"GET": UNIT},
    "/security-unit/coverage/print": {"GET": UNIT},
    "/security-unit/certificates": {"GET": UNIT},
    "/security-unit/groups": {"GET": UNIT},
    "/security-unit/groups/<int:party_id>": {"GET": UNIT_BY_ID},
    "/security-unit/groups/<int:party_id>/contacts": {"POST": UNIT_BY_ID},
    "/security-unit/groups/<int:party_id>/contacts/<int:user_id>/remove": {"POST": UNIT_BY_ID},
    "/security-unit/groups/<int:party_id>/members": {"POST": UNIT_BY_ID},
    "/security-unit/groups/<int:party_id>/members/<int:user_id>/remove": {"POST": UNIT_BY_ID},
    "/security-unit/officials": {"GET": UNIT},
    "/security-unit/officials/<int:user_id>": {"GET": UNIT_BY_ID},
    "/security-unit/officials/<int:user_id>/assignments/<int:assignment_id>/end": {
        "GET": UNIT_BY_ID,
        "POST": UNIT_BY_ID,
    },
    "/security-unit/officials/<int:user_id>/assignments/<int:assignment_id>/undo-end": {
        "POST": UNIT_BY_ID
    },
    "/security-unit/officials/<int:user_id>/deactivate": {"POST": UNIT_BY_ID},
    "/security-unit/officials/<int:user_id>/edit": {"GET": UNIT_BY_ID, "POST": UNIT_BY_ID},
    "/security-unit/officials/<int:user_id>/invite": {"POST": UNIT_BY_ID},
    "/security-unit/officials/<int:user_id>/reactivate": {"POST": UNIT_BY_ID},
    "/security-unit/requirements": {"GET": UNIT},
    "/security-unit/requirements/<int:requirement_id>": {"GET": UNIT_BY_ID, "POST": UNIT_BY_ID},
    "/security-unit/requirements/<int:requirement_id>/delete": {
        "GET": UNIT_BY_ID,
        "POST": UNIT_BY_ID,
    },
    "/security-unit/requirements/new": {"GET": UNIT, "POST": UNIT},
    "/security-unit/roster": {"GET": UNIT, "POST": UNIT},
    "/security-unit/roster/<int:import_id>": {"GET": UNIT_BY_ID, "POST": UNIT_BY_ID},
    "/sign-in": {"GET": EVERYONE, "POST": EVERYONE},
    "/sign-in/continue": {"POST": EVERYONE},
    "/sign-in/link": {"GET": EVERYONE, "POST": EVERYONE},
    "/sign-in/link/<token>": {"GET": EVERYONE, "POST": EVERYONE},
    "/sign-out": {"POST": EVERYONE},
    "/static/<path:filename>": {"GET": EVERYONE},
}


@dataclass(frozen=True)
class World:
    users: dict[str, object]
    ids: dict[str, object]


@pytest.fixture
def world(app, create_user, create_org, create_assignment, create_requirement) -> World:
    org_a, org_b = create_org(), create_org()
    official = create_user(org=org_a)
    users = {
        "guest": None,
        "official": official,
        "group_contact": create_user(
            permissions=(Permission.OFFICIAL, Permission.GROUP_CONTACT), org=org_a
        ),
        "security_unit": create_user(permissions=(Permission.SECURITY_UNIT,), org=org_a),
        "other_security_unit": create_user(permissions=(Permission.SECURITY_UNIT,), org=org_b),
    }
    seat = create_assignment(official)
    create_assignment(users["group_contact"], body="Kommunstyrelsen")
    requirement = create_requirement(
        org_a, ["organisation"], 2026, date(2026, 1, 1), date(2027, 4, 13)
    )
    with app.app_context():
        upload = RosterImport(
            organisation_id=org_a, filename="a.csv", content=b"Namn;E-post\n", counts={}
        )
        db.session.add(upload)
        party_id = db.session.scalar(select(Party.id).where(Party.organisation_id == org_a))
        db.session.add(GroupContact(party_id=party_id, user_id=users["group_contact"].id))
        discussion = Discussion(
            organisation_id=org_a,
            party_id=party_id,
            module_id="organisation",
            held_on=date(2026, 12, 1),
        )
        db.session.add(discussion)
        db.session.add(
            ModuleCompletion(
                user_id=official.id,
                module_id="organisation",
                module_version="v1",
                counts_from=date(2026, 1, 1),
                completed_at=datetime(2026, 3, 1, tzinfo=UTC),
            )
        )
        db.session.commit()
        upload_id, discussion_id = upload.id, discussion.id
    ids = {
        "module_id": "organisation",
        "number": 1,
        "user_id": official.id,
        "assignment_id": seat,
        "requirement_id": requirement,
        "import_id": upload_id,
        "party_id": party_id,
        "year": 2026,
        "discussion_id": discussion_id,
        "token": "x" * 43,
        "filename": "app.css",
    }
    return World(users, ids)


def _url(rule: str, ids: dict) -> str:
    url = rule
    for name, value in ids.items():
        for converter in ("", "int:", "path:"):
            url = url.replace(f"<{converter}{name}>", str(value))
    assert "<" not in url, url
    return url


def _outcome(response) -> str:
    location = response.headers.get("Location", "")
    if response.status_code == 302 and location.startswith("/sign-in?"):
        return SIGN_IN
    if response.status_code == 403:
        return FORBIDDEN
    if response.status_code == 404:
        return NOT_FOUND
    assert response.status_code in (200, 302, 400, 409, 410), response.status_code
    return OK


def test_every_route_says_who_may_use_it(app):
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.rule, set()).update(rule.methods - {"HEAD", "OPTIONS"})
    assert found == {rule: set(methods) for rule, methods in ACCESS.items()}


CASES = [
    (rule, method, kind)
    for rule, methods in ACCESS.items()
    for method in methods
    for kind in KINDS
    if rule != "/static/<path:filename>"
]


@pytest.mark.parametrize(("rule", "method", "kind"), CASES)
def test_access(app, world, login_as, rule, method, kind):
    client = app.test_client()
    user = world.users[kind]
    if user is not None:
        login_as(client, user)
    url = _url(rule, world.ids)
    if method == "GET":
        response = client.get(url)
    else:
        token = csrf_from(client.get("/").get_data(as_text=True))
        response = client.post(url, data={"csrf_token": token})
    assert _outcome(response) == ACCESS[rule][method][kind], (url, response.status_code)
