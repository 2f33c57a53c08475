"""Input no one types but anyone can send: refused with a message, never a server error."""

from __future__ import annotations

import importlib
import logging
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

import course_app
from course_app.extensions import db
from course_app.forms import Form
from course_app.models import LocalContacts, Permission, ReflectionNote
from tests.conftest import csrf_from

STEP = "/modules/organisation/steps/1"
MARKER = "HEMLIG-ANTECKNING-7f3a"


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_app_refuses_nul_in_its_text_fields():
    for info in pkgutil.walk_packages(course_app.__path__, "course_app."):
        importlib.import_module(info.name)
    mine = [c for c in _subclasses(FlaskForm) if c.__module__.startswith("course_app.")]
    assert len(mine) > 10
    assert [c.__qualname__ for c in mine if not issubclass(c, Form)] == []


def _note_field(client) -> tuple[str, str]:
    html = client.get(STEP).get_data(as_text=True)
    name = html.split('name="note-', 1)[1].split('"', 1)[0]
    return f"note-{name}", csrf_from(html)


def test_a_nul_in_a_note_is_refused_and_the_rest_of_the_text_kept(
    client, app, create_user, login_as
):
    login_as(client, create_user())
    field, token = _note_field(client)
    response = client.post(
        STEP, data={"csrf_token": token, field: "Min tanke\x00 om detta", "save": "x"}
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "osynliga styrtecknet" in page
    assert "Min tanke om detta" in page
    assert "\x00" not in page
    with app.app_context():
        assert db.session.scalars(select(ReflectionNote)).all() == []


def test_a_nul_in_the_contacts_is_refused_and_nothing_saved(client, app, create_user, login_as):
    unit = create_user(permissions=(Permission.SECURITY_UNIT,))
    login_as(client, unit)
    html = client.get("/security-unit/contacts").get_data(as_text=True)
    revision = html.split('name="revision" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/security-unit/contacts",
        data={
            "csrf_token": csrf_from(html),
            "revision": revision,
            "occupational_health": "Hälsan\x00 AB",
        },
    )
    assert response.status_code == 400
    assert "osynliga styrtecknet" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalars(select(LocalContacts)).all() == []


@pytest.mark.parametrize("path", ["/sign-in", "/sign-in/link"])
def test_a_nul_in_the_sign_in_address_is_refused(client, path):
    html = client.get(path).get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "email": "a\x00@example.se", "password": "x"}
    response = client.post(path, data=data)
    assert response.status_code == 400
    assert "osynliga styrtecknet" in response.get_data(as_text=True)


def test_a_database_error_while_saving_a_note_logs_no_note_text(
    client, app, create_user, login_as, monkeypatch, caplog
):
    """The error's message names the statement, never the values it was given."""
    login_as(client, create_user())
    field, token = _note_field(client)
    app.config["PROPAGATE_EXCEPTIONS"] = False

    def failing_flush(*args, **kwargs):
        # Run the real INSERT with its real parameters against a statement that must fail.
        db.session.execute(
            ReflectionNote.__table__.insert(),
            {"user_id": None, "module_id": "m", "step_id": "s", "question_id": "q", "body": MARKER},
        )

    monkeypatch.setattr("course_app.learn.progress.UserProgress.set_notes", failing_flush)
    caplog.set_level(logging.DEBUG)
    response = client.post(STEP, data={"csrf_token": token, field: MARKER, "save": "x"})

    assert response.status_code == 500
    assert MARKER not in response.get_data(as_text=True)
    assert any(r.exc_info and r.exc_info[0] is IntegrityError for r in caplog.records)
    for record in caplog.records:
        assert MARKER not in record.getMessage()
        if record.exc_info:
            assert MARKER not in str(record.exc_info[1])
    assert MARKER not in caplog.text
