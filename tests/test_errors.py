"""Friendly, translated error pages."""

import pytest
from flask import abort

from course_app.extensions import db
from course_app.models import Organisation


@pytest.fixture
def failing_app(app):
    @app.get("/boom")
    def boom():
        db.session.add(Organisation(slug="half-written", name="x"))
        db.session.flush()
        raise RuntimeError("boom")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    return app


def test_server_error_page_is_friendly_and_writes_nothing(failing_app):
    client = failing_app.test_client()
    response = client.get("/boom")
    assert response.status_code == 500
    page = response.get_data(as_text=True)
    assert "Tyvärr gick något fel" in page
    assert "RuntimeError" not in page
    with failing_app.app_context():
        assert db.session.scalar(db.select(Organisation).filter_by(slug="half-written")) is None


@pytest.mark.parametrize("lang, text", [("sv", "Sidan finns inte"), ("en", "Page not found")])
def test_not_found_page(client, lang, text):
    response = client.get("/no/such/page", headers={"Accept-Language": lang})
    assert response.status_code == 404
    assert text in response.get_data(as_text=True)
    assert 'href="/"' in response.get_data(as_text=True)


def test_method_not_allowed_is_a_friendly_page(client):
    response = client.get("/sign-out")
    assert response.status_code == 405
    assert "<h1>" in response.get_data(as_text=True)


def test_forbidden_page_is_friendly_and_translated(app):
    @app.get("/forbidden")
    def forbidden():
        abort(403)

    response = app.test_client().get("/forbidden", headers={"Accept-Language": "en"})
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)
