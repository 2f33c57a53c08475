"""Headers on every response, CSRF on every POST, cookie flags and request size."""

import pytest

from course_app.extensions import limiter
from tests.conftest import csrf_from

PAGES = [
    "/",
    "/modules/organisation",
    "/modules/organisation/steps/1",
    "/sign-in",
    "/sign-in/link",
    "/no-such-page",
]
# Every POST route, with an address to post to.
POSTS = {
    "/sign-in": "/sign-in",
    "/sign-in/continue": "/sign-in/continue",
    "/sign-in/link": "/sign-in/link",
    "/sign-in/link/<token>": "/sign-in/link/sometoken",
    "/sign-out": "/sign-out",
    "/language": "/language",
    "/modules/<module_id>/steps/<int:number>": "/modules/organisation/steps/1",
    "/modules/<module_id>/check": "/modules/organisation/check",
    "/my-notes/delete": "/my-notes/delete",
    "/my-data/delete": "/my-data/delete",
    "/my-data/new-email/<token>": "/my-data/new-email/sometoken",
    "/security-unit/contacts": "/security-unit/contacts",
    "/security-unit/roster": "/security-unit/roster",
    "/security-unit/roster/<int:import_id>": "/security-unit/roster/1",
    "/security-unit/requirements/new": "/security-unit/requirements/new",
    "/security-unit/requirements/<int:requirement_id>": "/security-unit/requirements/1",
    "/security-unit/requirements/<int:requirement_id>/delete": (
        "/security-unit/requirements/1/delete"
    ),
    "/security-unit/officials/<int:user_id>/edit": "/security-unit/officials/1/edit",
    "/security-unit/officials/<int:user_id>/invite": "/security-unit/officials/1/invite",
    "/security-unit/officials/<int:user_id>/deactivate": "/security-unit/officials/1/deactivate",
    "/security-unit/officials/<int:user_id>/reactivate": "/security-unit/officials/1/reactivate",
    "/security-unit/officials/<int:user_id>/assignments/<int:assignment_id>/end": (
        "/security-unit/officials/1/assignments/1/end"
    ),
    "/security-unit/officials/<int:user_id>/assignments/<int:assignment_id>/undo-end": (
        "/security-unit/officials/1/assignments/1/undo-end"
    ),
    "/security-unit/groups/<int:party_id>/contacts": "/security-unit/groups/1/contacts",
    "/security-unit/groups/<int:party_id>/contacts/<int:user_id>/remove": (
        "/security-unit/groups/1/contacts/1/remove"
    ),
    "/security-unit/groups/<int:party_id>/members": "/security-unit/groups/1/members",
    "/security-unit/groups/<int:party_id>/members/<int:user_id>/remove": (
        "/security-unit/groups/1/members/1/remove"
    ),
    "/groups/<int:party_id>/discussions/new": "/groups/1/discussions/new",
    "/groups/<int:party_id>/discussions/<int:discussion_id>/attendance": (
        "/groups/1/discussions/1/attendance"
    ),
    "/groups/<int:party_id>/discussions/<int:discussion_id>/notes": (
        "/groups/1/discussions/1/notes"
    ),
}


@pytest.mark.parametrize("path", PAGES)
def test_security_headers_on_every_response(client, path):
    response = client.get(path)
    csp = response.headers["Content-Security-Policy"]
    for directive in (
        "default-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
    ):
        assert directive in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"


def test_pages_have_no_inline_scripts_or_styles(client):
    page = client.get("/modules/organisation/steps/1").get_data(as_text=True)
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert '<script src="/static/' in page


@pytest.mark.parametrize("path", ["/", "/modules/organisation/steps/1"])
def test_signed_in_pages_are_not_stored(client, create_user, login_as, path):
    assert "no-store" not in client.get(path).headers.get("Cache-Control", "")
    login_as(client, create_user())
    assert client.get(path).headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("path", POSTS.values())
def test_every_post_needs_a_csrf_token(client, create_user, login_as, path):
    login_as(client, create_user())
    response = client.post(path, data={"email": "a@example.se", "password": "x", "lang": "en"})
    page = response.get_data(as_text=True)
    # A stale step or check form is shown again with what was typed (tested in tests/learn); a
    # check form without its signed draw of questions is answered again from a fresh draw.
    expected = (400, "Formuläret har slutat gälla")
    if "/steps/" in path:
        expected = (400, "inget är sparat")
    elif path.endswith("/check"):
        expected = (409, "Frågorna ändrades medan sidan var öppen")
    assert response.status_code == expected[0]
    assert expected[1] in page


def test_every_post_route_is_covered_by_the_csrf_test(app):
    posts = {
        rule.rule
        for rule in app.url_map.iter_rules()
        if "POST" in rule.methods and not rule.rule.startswith("/static")
    }
    assert posts == set(POSTS)


@pytest.fixture
def production_app(migrated, monkeypatch, make_app):
    """The app configured from a production environment."""
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.setenv("SECRET_KEY", "production-test-key-0123456789-abcdef")
    monkeypatch.setenv("DATABASE_URL", migrated)
    monkeypatch.setenv("BASE_URL", "https://tryggt.test")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379/15")
    monkeypatch.setenv("MAIL_SENDER", "Tryggt uppdrag <no-reply@tryggt.example.se>")
    monkeypatch.setenv("ALLOW_SQLITE_IN_PRODUCTION", "1")  # the suite's database may be SQLite
    for name in ("MAIL_BACKEND", "FORCE_HTTPS", "FLASK_DEBUG"):
        monkeypatch.delenv(name, raising=False)
    return make_app()


def test_production_cookies_are_secure(production_app):
    response = production_app.test_client().get("/sign-in", base_url="https://tryggt.test")
    cookie = response.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie


def test_production_redirects_to_https(production_app):
    response = production_app.test_client().get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://")
    secure = production_app.test_client().get("/", base_url="https://tryggt.test")
    assert "max-age" in secure.headers["Strict-Transport-Security"]


def test_huge_request_is_refused_with_a_clear_page(client):
    html = client.get("/sign-in").get_data(as_text=True)
    response = client.post(
        "/sign-in",
        data={"csrf_token": csrf_from(html), "email": "a@example.se", "password": "x" * 400_000},
    )
    assert response.status_code == 413
    assert "Det du skickade är för stort" in response.get_data(as_text=True)


def test_static_files_need_no_database(client, create_user, login_as, count_queries):
    login_as(client, create_user())
    with count_queries() as statements:
        response = client.get("/static/app.css")
    assert response.status_code == 200
    assert statements == []
    response.close()


def test_every_rate_limit_is_on_a_form_sent(app):
    # Page reads (GET, HEAD) skip the limiter (extensions._reads_are_not_limited): a limit on
    # them would silently never apply.
    manager = limiter.limit_manager
    with app.test_request_context():
        assert manager.default_limits == [] and manager.application_limits == []
        routes = [limit for limits in manager._decorated_limits.values() for limit in limits]
    assert routes, "the sign-in and link routes are limited"
    assert {method for limit in routes for method in limit.methods or ("all",)} == {"post"}


def test_a_page_read_is_not_counted_but_a_sign_in_is(app, client, create_user):
    app.config["SIGNIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(5):
        assert client.get("/sign-in").status_code == 200
    page = client.get("/sign-in").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "email": "nobody@example.se", "password": "wrong"}
    statuses = [client.post("/sign-in", data=data).status_code for _ in range(3)]
    assert statuses[-1] == 429, statuses
