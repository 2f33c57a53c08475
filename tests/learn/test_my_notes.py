"""The author lists, exports and deletes their own notes; nobody else can."""

import pytest
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.models import Permission, ReflectionNote
from tests.conftest import csrf_from

STEP = "/modules/organisation/steps/{}"


@pytest.fixture
def module(app):
    return app.extensions["catalog"].module("organisation")


def _write(client, module, number, text):
    question = module.steps[number - 1].question_ids[0]
    html = client.get(STEP.format(number)).get_data(as_text=True)
    client.post(
        STEP.format(number),
        data={"csrf_token": csrf_from(html), f"note-{question}": text, "save": "x"},
    )


def test_my_notes_lists_my_notes_in_course_order(client, create_user, login_as, module):
    login_as(client, create_user())
    _write(client, module, 3, "Tredje stegets tanke")
    _write(client, module, 1, "Första stegets tanke")
    page = client.get("/my-notes").get_data(as_text=True)
    assert page.index("Första stegets tanke") < page.index("Tredje stegets tanke")
    assert module.steps[0].text("sv").questions[0].text in page


def test_export_downloads_my_notes_as_text(client, create_user, login_as, module):
    login_as(client, create_user())
    _write(client, module, 2, "Exporteras <inte som html>")
    response = client.get("/my-notes/export")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert "attachment" in response.headers["Content-Disposition"]
    assert "Exporteras <inte som html>" in response.get_data(as_text=True)
    assert response.headers["Cache-Control"] == "no-store"


def test_delete_needs_confirmation_then_deletes_only_mine(
    app, client, create_user, login_as, module
):
    me, other = create_user(), create_user()
    other_client = app.test_client()
    login_as(other_client, other)
    _write(other_client, module, 1, "Någon annans")
    login_as(client, me)
    _write(client, module, 1, "Min egen")
    html = client.get("/my-notes").get_data(as_text=True)
    refused = client.post("/my-notes/delete", data={"csrf_token": csrf_from(html)})
    assert refused.status_code == 400
    assert "Min egen" in refused.get_data(as_text=True)
    done = client.post("/my-notes/delete", data={"csrf_token": csrf_from(html), "confirm": "y"})
    assert done.status_code == 302
    with app.app_context():
        bodies = db.session.scalars(select(ReflectionNote.body)).all()
    assert bodies == ["Någon annans"]


@pytest.mark.parametrize(
    "permissions",
    [(Permission.OFFICIAL,), (Permission.GROUP_CONTACT,), (Permission.SECURITY_UNIT,)],
)
def test_nobody_else_reaches_my_notes(app, client, create_user, login_as, module, permissions):
    author = create_user()
    author_client = app.test_client()
    login_as(author_client, author)
    _write(author_client, module, 1, "Bara min")
    login_as(client, create_user(permissions=permissions, org=author.organisation_id))
    assert "Bara min" not in client.get("/my-notes").get_data(as_text=True)
    assert "Bara min" not in client.get("/my-notes/export").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/my-notes", "/my-notes/export"])
def test_guests_are_sent_to_sign_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")


def test_my_notes_makes_a_constant_number_of_queries(
    app, client, create_user, login_as, module, count_queries
):
    login_as(client, create_user())
    for number in (1, 2, 3):
        _write(client, module, number, f"Anteckning {number}")
    with count_queries() as statements:
        client.get("/my-notes")
    assert len(statements) <= 2, statements
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReflectionNote)) == 3
