"""Security events reach the operations log as one structured line each, and nothing secret does."""

from __future__ import annotations

import logging
import re

import pytest

from course_app.mail import deliver_pending
from course_app.models import Permission
from course_app.security_log import address_hash
from tests.conftest import TEST_PASSWORD, csrf_from


@pytest.fixture
def events(caplog):
    caplog.set_level(logging.INFO, logger="tryggt.security")

    def _events(name: str) -> list[dict]:
        return [
            r.security_event
            for r in caplog.records
            if r.name == "tryggt.security" and r.security_event["event"] == name
        ]

    return _events


def _post(client, path: str, data: dict, page: str | None = None):
    html = client.get(page or path).get_data(as_text=True)
    return client.post(path, data={"csrf_token": csrf_from(html), **data})


def _link_path(app) -> str:
    with app.app_context():
        deliver_pending()
    from pathlib import Path

    [mail] = sorted(Path(app.config["MAIL_OUTBOX_DIR"]).glob("*.eml"))[-1:]
    return re.search(r"http://tryggt\.test(/sign-in/link/\S+)", mail.read_text()).group(1)


def test_password_sign_in_success_failure_and_sign_out_are_logged(app, client, create_user, events):
    user = create_user(password=TEST_PASSWORD)
    _post(client, "/sign-in", {"email": user.email, "password": "wrong"})
    _post(client, "/sign-in", {"email": "nobody@example.se", "password": "wrong"})
    _post(client, "/sign-in", {"email": user.email, "password": TEST_PASSWORD})
    _post(client, "/sign-out", {}, page="/")

    failures = events("sign_in.failure")
    assert [f["address"] for f in failures] == [
        address_hash(user.email),
        address_hash("nobody@example.se"),
    ]
    assert all(f["method"] == "password" and f["ip"] == "127.0.0.1" for f in failures)
    [success] = events("sign_in.success")
    assert (success["method"], success["user"]) == ("password", user.id)
    assert events("sign_out")[0]["user"] == user.id


def test_link_request_sending_and_use_are_logged_without_the_token(
    app, client, create_user, events, caplog
):
    user = create_user()
    _post(client, "/sign-in/link", {"email": user.email})
    path = _link_path(app)
    page = client.get(path).get_data(as_text=True)
    client.post(path, data={"csrf_token": csrf_from(page)})

    assert events("link.requested")[0]["address"] == address_hash(user.email)
    assert events("link.sent")[0]["user"] == user.id
    assert events("sign_in.success")[0] == {
        "event": "sign_in.success",
        "method": "link",
        "user": user.id,
        "ip": "127.0.0.1",
        "endpoint": "auth.use_link",
    }
    token = path.rsplit("/", 1)[1].split("?")[0]
    logged = caplog.text + "".join(str(r.__dict__) for r in caplog.records)
    assert token not in logged
    assert TEST_PASSWORD not in logged
    assert user.email not in "".join(
        r.getMessage() for r in caplog.records if r.name == "tryggt.security"
    )


def test_rate_limit_hits_and_refusals_are_logged(app, client, create_user, login_as, events):
    user = create_user(password=TEST_PASSWORD)
    for _ in range(6):
        _post(client, "/sign-in", {"email": user.email, "password": "wrong"})
    assert events("rate_limited")[0]["endpoint"] == "auth.login"

    official = create_user()
    login_as(client, official)
    assert client.get("/security-unit/contacts").status_code == 403
    refused = events("access_refused")[0]
    assert (refused["user"], refused["endpoint"]) == (official.id, "security_unit.contacts")


def test_contacts_edits_are_logged_without_their_content(
    app, client, create_user, login_as, events
):
    unit = create_user(permissions=(Permission.SECURITY_UNIT,))
    login_as(client, unit)
    html = client.get("/security-unit/contacts").get_data(as_text=True)
    revision = html.split('name="revision" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_from(html), "revision": revision, "security_phone": "021-39 00 00"}
    assert client.post("/security-unit/contacts", data=data).status_code == 302
    [saved] = events("contacts.edited")
    assert saved["user"] == unit.id
    assert "021-39" not in str(saved)


def test_cli_user_and_organisation_changes_are_logged(app, runner, events):
    result = runner.invoke(args=["org", "create", "--slug", "loggkommun", "--name", "Loggkommun"])
    assert result.exit_code == 0, result.output
    result = runner.invoke(
        args=[
            "users", "create", "--org", "loggkommun", "--email", "ny@loggkommun.se",
            "--permission", "official", "--link",
        ]
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert events("cli.organisation_created")[0]["slug"] == "loggkommun"
    created = events("cli.user_created")[0]
    assert created["permissions"] == "official"
