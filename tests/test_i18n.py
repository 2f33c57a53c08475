"""Swedish first, English one click away; the catalogs are complete."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po
from flask_babel import force_locale

from course_app.config import PROJECT_ROOT
from course_app.extensions import db
from course_app.models import User
from tests.conftest import csrf_from

TRANSLATIONS = PROJECT_ROOT / "course_app" / "translations"
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _catalog(lang: str):
    with open(TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f)


def _extracted() -> set:
    method_map = [
        ("course_app/**.py", "python"),
        ("course_app/**/templates/**.html", "jinja2"),
        ("course_app/**/templates/**.txt", "jinja2"),
    ]
    keywords = {"_": None, "_l": None, "gettext": None, "lazy_gettext": None, "ngettext": (1, 2)}
    found = set()
    for _, _, message, _, _ in extract_from_dir(
        str(PROJECT_ROOT), method_map=method_map, keywords=keywords
    ):
        found.add(message if isinstance(message, str) else message[0])
    return found


@pytest.mark.parametrize("lang", ["sv", "en"])
def test_catalog_is_complete(lang):
    catalog = _catalog(lang)
    ids = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    missing = _extracted() - ids
    assert not missing, f"strings not in {lang}: {sorted(missing)}"
    for message in catalog:
        if not message.id:
            continue
        strings = [message.string] if isinstance(message.string, str) else list(message.string)
        assert all(strings), f"{lang}: no translation for {message.id!r}"
        assert "fuzzy" not in message.flags, message.id
        source = message.id if isinstance(message.id, str) else message.id[-1]
        for string in strings:
            assert set(PLACEHOLDER.findall(string)) <= set(PLACEHOLDER.findall(source)) | {"num"}


def test_swedish_is_the_default(client):
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="sv">' in page
    assert "Logga in" in page


def test_browser_preference_is_followed(client):
    page = client.get("/", headers={"Accept-Language": "en-GB,en;q=0.9"}).get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Sign in" in page


def test_unsupported_browser_language_falls_back_to_swedish(client):
    assert '<html lang="sv">' in client.get("/", headers={"Accept-Language": "de"}).get_data(
        as_text=True
    )


def _choose(client, lang, next_path="/"):
    html = client.get(next_path).get_data(as_text=True)
    return client.post(
        "/language", data={"csrf_token": csrf_from(html), "lang": lang, "next": next_path}
    )


def test_the_choice_is_remembered_over_the_browser_preference(client):
    response = _choose(client, "en", "/modules/organisation")
    assert response.headers["Location"] == "/modules/organisation"
    page = client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<html lang="en">' in page


def test_a_signed_in_users_choice_is_stored_on_the_user(app, client, create_user, login_as):
    user = create_user()
    login_as(client, user)
    _choose(client, "en")
    with app.app_context():
        assert db.session.get(User, user.id).locale == "en"
    other_browser = app.test_client()
    login_as(other_browser, user)
    assert '<html lang="en">' in other_browser.get("/").get_data(as_text=True)


def test_an_unknown_language_is_ignored(client):
    _choose(client, "de")
    assert '<html lang="sv">' in client.get("/").get_data(as_text=True)


def test_the_language_switch_cannot_redirect_elsewhere(client):
    assert _choose(client, "en", "/").status_code == 302
    html = client.get("/").get_data(as_text=True)
    response = client.post(
        "/language", data={"csrf_token": csrf_from(html), "lang": "en", "next": "//evil.example"}
    )
    assert response.headers["Location"] == "/"


def test_dates_are_formatted_for_the_locale(app):
    moment = datetime(2026, 10, 15, 12, 0, tzinfo=UTC)
    date_filter = app.jinja_env.filters["date"]
    with app.test_request_context():
        with force_locale("sv"):
            assert date_filter(moment) == "15 oktober 2026"
        with force_locale("en"):
            assert date_filter(moment) == "15 October 2026"
        with force_locale("sv"):
            assert app.jinja_env.filters["number"](1234.5) == "1\xa0234,5"


def test_error_pages_are_translated(client):
    assert "Sidan finns inte" in client.get("/nope").get_data(as_text=True)
    assert "Page not found" in client.get("/nope", headers={"Accept-Language": "en"}).get_data(
        as_text=True
    )


def test_compiled_catalogs_are_not_committed():
    ignored = (PROJECT_ROOT / ".gitignore").read_text()
    assert "*.mo" in ignored
    assert Path(TRANSLATIONS / "sv" / "LC_MESSAGES" / "messages.mo").exists(), (
        "run the install to compile"
    )


def test_language_chosen_before_sign_in_survives_sign_out(app, client, create_user):
    user = create_user(password="ett långt lösenord")
    _choose(client, "en", "/sign-in")
    html = client.get("/sign-in", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "email": user.email, "password": "ett långt lösenord"}
    client.post("/sign-in", data=data)
    client.post("/sign-out", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})
    page = client.get("/", headers={"Accept-Language": "sv"}).get_data(as_text=True)
    assert '<html lang="en">' in page
