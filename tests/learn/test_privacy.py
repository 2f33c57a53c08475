"""Reflection notes are readable and changeable by their author alone."""

import pytest
from sqlalchemy import select

from course_app.extensions import db
from course_app.models import Permission, ReflectionNote
from tests.conftest import csrf_from

STEP = "/modules/organisation/steps/1"
SECRET = "Min privata tanke om hotet i mejlet"

OTHERS = {
    "another official": (Permission.OFFICIAL,),
    "a group contact": (Permission.OFFICIAL, Permission.GROUP_CONTACT),
    "the security unit": (Permission.SECURITY_UNIT,),
}


@pytest.fixture
def question(app):
    return app.extensions["catalog"].module("organisation").steps[0].question_ids[0]


@pytest.fixture
def author_note(app, create_user, login_as, question):
    author = create_user()
    client = app.test_client()
    login_as(client, author)
    html = client.get(STEP).get_data(as_text=True)
    client.post(STEP, data={"csrf_token": csrf_from(html), f"note-{question}": SECRET, "save": "x"})
    return author


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_sees_the_note(app, create_user, login_as, author_note, who):
    other = create_user(permissions=OTHERS[who], org=author_note.organisation_id)
    client = app.test_client()
    login_as(client, other)
    assert SECRET not in client.get(STEP).get_data(as_text=True)
    assert SECRET not in client.get("/").get_data(as_text=True)


@pytest.mark.parametrize("who", OTHERS)
def test_nobody_else_can_change_the_note(app, create_user, login_as, author_note, question, who):
    other = create_user(permissions=OTHERS[who], org=author_note.organisation_id)
    client = app.test_client()
    login_as(client, other)
    html = client.get(STEP).get_data(as_text=True)
    client.post(STEP, data={"csrf_token": csrf_from(html), f"note-{question}": "", "save": "x"})
    client.post(
        STEP, data={"csrf_token": csrf_from(html), f"note-{question}": "Överskrivet", "save": "x"}
    )
    with app.app_context():
        mine = db.session.scalar(
            select(ReflectionNote.body).where(ReflectionNote.user_id == author_note.id)
        )
    assert mine == SECRET


def test_a_guest_does_not_see_the_note(app, author_note):
    assert SECRET not in app.test_client().get(STEP).get_data(as_text=True)


def test_the_author_sees_the_note(app, login_as, author_note):
    client = app.test_client()
    login_as(client, author_note)
    assert SECRET in client.get(STEP).get_data(as_text=True)


def test_a_note_is_not_kept_in_the_session_cookie(app, login_as, author_note):
    client = app.test_client()
    login_as(client, author_note)
    client.get(STEP)
    with client.session_transaction() as session:
        assert SECRET not in str(dict(session))
