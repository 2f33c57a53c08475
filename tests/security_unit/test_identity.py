"""An account's identity is its owner's: the security unit cannot redirect a signed-in official's
e-mail or sign-in, nor act on a colleague's account, and learns nothing of other organisations."""

from __future__ import annotations

import re
from email.header import decode_header, make_header

import pytest
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.models import AuditRecord, OutgoingMail, Permission, SignInToken, User
from tests.conftest import TEST_PASSWORD, csrf_from
from tests.test_mail_queue import Inbox, _use_smtp, smtp_server  # noqa: F401

EN = {"Accept-Language": "en"}
LINK = re.compile(r"http://tryggt\.test(/my-data/new-email/[\w-]+)")


@pytest.fixture
def unit(create_user):
    return create_user(permissions=(Permission.SECURITY_UNIT,))


@pytest.fixture
def signed_in_unit(app, login_as, unit):
    client = app.test_client()
    login_as(client, unit)
    return client


def _post(client, url: str, data: dict | None = None):
    token = csrf_from(client.get("/", headers=EN).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})}, headers=EN)


def _sign_in(app, email: str):
    """Return a new client signed in with the password, as an official does."""
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "email": email, "password": TEST_PASSWORD}
    assert client.post("/sign-in", data=data).status_code == 302
    return client


def _user(app, user_id: int) -> User:
    with app.app_context():
        user = db.session.get(User, user_id)
        db.session.expunge(user)
        return user


def _count(app, model, **filters) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model).filter_by(**filters))


def _actions(app, subject_id: int) -> list[str]:
    with app.app_context():
        stmt = select(AuditRecord.action).filter_by(subject_id=subject_id).order_by(AuditRecord.id)
        return list(db.session.scalars(stmt))


def _edit(client, official, email: str, name: str = "Anna A"):
    url = f"/security-unit/officials/{official.id}/edit"
    return _post(client, url, {"name": name, "email": email, "locale": "sv"})


def _body(message) -> str:
    return message.get_payload(decode=True).decode()


def _subject(message) -> str:
    return str(make_header(decode_header(message["Subject"])))


def test_a_signed_in_officials_new_address_waits_for_them(
    app,
    runner,
    smtp_server,  # noqa: F811
    create_user,
    signed_in_unit,
    unit,
):
    inbox = Inbox()
    _use_smtp(app, smtp_server(inbox))
    official = create_user(org=unit.organisation_id, password=TEST_PASSWORD)
    old_client = _sign_in(app, official.email)
    assert old_client.get("/my-notes").status_code == 200

    response = _edit(signed_in_unit, official, "Ny.Adress@Example.SE")
    assert response.status_code == 302
    flashed = signed_in_unit.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "A link to confirm ny.adress@example.se has been sent to that address" in flashed
    assert "waits for the official to confirm it" in flashed
    assert _user(app, official.id).email == official.email
    assert runner.invoke(args=["mail", "deliver"]).exit_code == 0
    confirm, notice = sorted(inbox.messages, key=lambda m: m["To"] != "ny.adress@example.se")
    assert confirm["To"] == "ny.adress@example.se" and notice["To"] == official.email
    assert _subject(confirm) == "Bekräfta din nya e-postadress till Tryggt uppdrag"
    assert official.email in _body(notice) and "ny.adress@example.se" in _body(notice)
    assert "http" not in _body(notice)  # the notice holds no link
    path = LINK.search(_body(confirm)).group(1)
    token = path.rsplit("/", 1)[1]

    # The link signs no one in, and it works for no one but the owner.
    assert app.test_client().get(f"/sign-in/link/{token}").status_code == 410
    assert app.test_client().get(path).headers["Location"].startswith("/sign-in?next=")
    assert signed_in_unit.get(path, headers=EN).status_code == 403
    assert _post(signed_in_unit, path).status_code == 403
    assert _user(app, official.id).email == official.email

    owner = _sign_in(app, official.email)  # a sign-in leaves the change waiting
    page = owner.get(path, headers=EN).get_data(as_text=True)
    assert "ny.adress@example.se" in page and "Använd den nya adressen" in page
    done = owner.post(path, data={"csrf_token": csrf_from(page)}, headers=EN)
    assert done.status_code == 302 and done.headers["Location"] == "/sign-in"
    changed = _user(app, official.id)
    assert changed.email == "ny.adress@example.se" and changed.session_version == 1
    for client in (old_client, owner):  # every session has ended
        assert client.get("/my-notes").headers["Location"].startswith("/sign-in")
    assert app.test_client().get(path).status_code == 302  # used: guests still sign in first
    again = _sign_in(app, "ny.adress@example.se")
    assert again.get(path).status_code == 410
    assert _actions(app, official.id)[-2:] == [
        "official.email_change_sent",
        "account.email_changed",
    ]
    download = again.get("/my-data/export.json").get_json()
    actions = [r["action"] for r in download["audit_log"]]
    assert "official.email_change_sent" in actions and "account.email_changed" in actions


def test_the_owner_cannot_take_an_address_taken_meanwhile(app, create_user, signed_in_unit, unit):
    official = create_user(org=unit.organisation_id, password=TEST_PASSWORD)
    _sign_in(app, official.email)
    assert _edit(signed_in_unit, official, "ledig@example.se").status_code == 302
    with app.app_context():
        body = db.session.scalar(select(OutgoingMail.body).filter_by(to_address="ledig@example.se"))
    path = LINK.search(body).group(1)
    create_user(email="ledig@example.se")  # someone else's account now has it
    owner = _sign_in(app, official.email)
    page = owner.get(path, headers=EN).get_data(as_text=True)
    refused = owner.post(path, data={"csrf_token": csrf_from(page)}, headers=EN)
    assert refused.status_code == 409
    assert "Ett annat konto använder redan ledig@example.se" in refused.get_data(as_text=True)
    assert _user(app, official.id).email == official.email
    assert owner.get("/my-notes").status_code == 200  # nothing ended


def test_a_new_request_replaces_the_waiting_one(app, create_user, signed_in_unit, unit):
    official = create_user(org=unit.organisation_id, password=TEST_PASSWORD)
    _sign_in(app, official.email)
    _edit(signed_in_unit, official, "forsta@example.se")
    _edit(signed_in_unit, official, "andra@example.se")
    with app.app_context():
        open_changes = db.session.scalars(
            select(SignInToken.new_email).filter_by(
                user_id=official.id, purpose="email-change", used_at=None
            )
        ).all()
    assert open_changes == ["andra@example.se"]


def test_an_official_who_never_signed_in_gets_the_address_at_once(
    app, create_user, signed_in_unit, unit
):
    official = create_user(org=unit.organisation_id)
    assert _edit(signed_in_unit, official, "rattad@example.se").status_code == 302
    assert _user(app, official.id).email == "rattad@example.se"
    assert _count(app, SignInToken, purpose="email-change") == 0
    assert _count(app, OutgoingMail) == 0  # no notice to an address found to be wrong


# Invitations


def test_an_invitation_is_offered_only_until_the_first_sign_in(
    app, create_user, signed_in_unit, unit
):
    official = create_user(org=unit.organisation_id)
    page = f"/security-unit/officials/{official.id}"
    assert "Send the invitation again" in signed_in_unit.get(page, headers=EN).get_data(
        as_text=True
    )
    assert _post(signed_in_unit, f"{page}/invite").status_code == 302
    with app.app_context():
        body = db.session.scalar(select(OutgoingMail.body))
    link = re.search(r"http://tryggt\.test(/sign-in/link/[\w-]+)", body).group(1)
    invited = app.test_client()
    form = invited.get(link).get_data(as_text=True)
    assert invited.post(link, data={"csrf_token": csrf_from(form)}).status_code == 302
    assert _user(app, official.id).last_signed_in_at is not None

    html = signed_in_unit.get(page, headers=EN).get_data(as_text=True)
    assert "Send the invitation again" not in html and "has signed in, last on" in html
    refused = _post(signed_in_unit, f"{page}/invite")
    assert refused.status_code == 302
    assert "No invitation was sent: this official has signed in before." in (
        signed_in_unit.get(refused.headers["Location"], headers=EN).get_data(as_text=True)
    )
    assert _count(app, OutgoingMail) == 1
    assert _count(app, SignInToken, user_id=official.id, used_at=None) == 0


def test_reactivation_says_how_a_signed_in_official_gets_back_in(
    app, create_user, signed_in_unit, unit
):
    official = create_user(org=unit.organisation_id, password=TEST_PASSWORD)
    _sign_in(app, official.email)
    page = f"/security-unit/officials/{official.id}"
    _post(signed_in_unit, f"{page}/deactivate", {"confirm": "y"})
    response = _post(signed_in_unit, f"{page}/reactivate")
    html = signed_in_unit.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "They sign in with a link they ask for on the sign-in page." in html
    assert "Send an invitation" not in html


# Colleagues in the security unit


@pytest.fixture
def colleague(app, create_user, create_assignment, unit):
    """Another account of the unit, an official too, with a seat."""
    info = create_user(
        permissions=(Permission.SECURITY_UNIT, Permission.OFFICIAL), org=unit.organisation_id
    )
    return info, create_assignment(info)


def _snapshot(app, user_id: int) -> tuple:
    with app.app_context():
        user = db.session.get(User, user_id)
        return (
            user.name,
            user.email,
            user.locale,
            user.active,
            user.session_version,
            db.session.scalar(select(func.count()).select_from(OutgoingMail)),
            db.session.scalar(select(func.count()).select_from(SignInToken)),
        )


def test_no_unit_page_acts_on_a_colleagues_account(app, signed_in_unit, colleague):
    info, seat = colleague
    base = f"/security-unit/officials/{info.id}"
    before = _snapshot(app, info.id)
    assert signed_in_unit.get(f"{base}/edit").status_code == 403
    for url in (f"{base}/edit", f"{base}/invite", f"{base}/deactivate", f"{base}/reactivate",
                f"{base}/assignments/{seat}/end"):  # fmt: skip
        data = {"name": "X", "email": "x@example.se", "locale": "en", "confirm": "y"}
        assert _post(signed_in_unit, url, data).status_code == 403, url
    assert _snapshot(app, info.id) == before
    html = signed_in_unit.get(base, headers=EN).get_data(as_text=True)
    assert "This account belongs to the security unit" in html and "flask users permissions" in html
    assert f"{base}/edit" not in html and "<form" not in html.split("<main", 1)[1]


def test_the_same_pages_act_on_an_official(
    app, signed_in_unit, create_user, create_assignment, unit
):
    official = create_user(org=unit.organisation_id)
    seat = create_assignment(official)
    base = f"/security-unit/officials/{official.id}"
    assert signed_in_unit.get(f"{base}/edit").status_code == 200
    for url in (f"{base}/invite", f"{base}/assignments/{seat}/end", f"{base}/deactivate",
                f"{base}/reactivate", f"{base}/edit"):  # fmt: skip
        data = {"name": "X", "email": "x@example.se", "locale": "en", "confirm": "y"}
        assert _post(signed_in_unit, url, data).status_code == 302, url
    assert _user(app, official.id).email == "x@example.se"


# What the edit form tells about addresses


@pytest.mark.parametrize("signed_in_before", [False, True])
def test_an_address_in_another_organisation_reads_as_one_in_this_one(
    app, create_user, create_org, signed_in_unit, unit, signed_in_before
):
    official = create_user(org=unit.organisation_id, password=TEST_PASSWORD)
    if signed_in_before:
        _sign_in(app, official.email)
    create_user(email="har@example.se", org=unit.organisation_id)
    create_user(email="annan@example.se", org=create_org(name="Annan kommun"))
    messages = []
    for address in ("har@example.se", "annan@example.se"):
        response = _edit(signed_in_unit, official, address)
        assert response.status_code == 400
        html = response.get_data(as_text=True)
        messages.append(
            re.findall(r'<p class="error-message" id="email-error">(.*?)</p>', html, re.S)
        )
    assert messages[0] == messages[1] and messages[0]
    assert _count(app, SignInToken, purpose="email-change") == 0
    assert _user(app, official.id).email == official.email
