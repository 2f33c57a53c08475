"""The app factory and its configuration."""

from pathlib import Path

import pytest
from flask import request

from course_app import create_app
from course_app.config import DEV_SECRET_KEY, UnsafeConfigError
from tests.conftest import make_config

STRONG_KEY = "Zq7-vW2pLk9xR4mT8bN1cY6dJ3hF0sGa5eU"  # as random as secrets makes one
SAFE_PRODUCTION = {
    "APP_ENV": "production",
    "SECRET_KEY": STRONG_KEY,
    "MAIL_BACKEND": "smtp",
    "MAIL_SENDER": "Tryggt uppdrag <no-reply@tryggt.example.se>",
    "BASE_URL": "https://tryggt.example.se",
    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0",
    "FORCE_HTTPS": True,
    # The suite's database may be SQLite; the refusal itself is tested below.
    "ALLOW_SQLITE_IN_PRODUCTION": True,
}


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": "k" * 48}, "SECRET_KEY"),
        ({"SECRET_KEY": "changeme" * 5}, "SECRET_KEY"),
        ({"SECRET_KEY": "0123456789abcdefghijklmnopqrstu"}, "SECRET_KEY"),  # 31 characters
        ({"DEBUG": True}, "debug"),
        ({"MAIL_BACKEND": "outbox"}, "MAIL_BACKEND"),
        ({"MAIL_SENDER": "Tryggt uppdrag <no-reply@localhost>"}, "MAIL_SENDER"),
        ({"MAIL_SENDER": "no-reply@tryggt-uppdrag"}, "MAIL_SENDER"),
        ({"MAIL_SENDER": "no-reply@server.local"}, "MAIL_SENDER"),
        ({"MAIL_SENDER": "no-reply@[127.0.0.1]"}, "MAIL_SENDER"),
        ({"MAIL_SENDER": "Tryggt uppdrag"}, "MAIL_SENDER"),
        ({"MAIL_SENDER": ""}, "MAIL_SENDER"),
        ({"BASE_URL": "http://127.0.0.1:5000"}, "BASE_URL"),
        ({"BASE_URL": "https://"}, "BASE_URL"),
        ({"BASE_URL": "https:///sign-in"}, "BASE_URL"),
        ({"BASE_URL": "https://:443"}, "BASE_URL"),
        ({"BASE_URL": ""}, "BASE_URL"),
        ({"RATELIMIT_STORAGE_URI": "memory://"}, "RATELIMIT_STORAGE_URI"),
        ({"RATELIMIT_STORAGE_URI": "MEMORY://"}, "RATELIMIT_STORAGE_URI"),
        ({"RATELIMIT_STORAGE_URI": "Memory://"}, "RATELIMIT_STORAGE_URI"),
        ({"RATELIMIT_STORAGE_URI": ""}, "RATELIMIT_STORAGE_URI"),
        ({"RATELIMIT_ENABLED": False}, "RATELIMIT_ENABLED"),
        ({"FORCE_HTTPS": False}, "FORCE_HTTPS"),
        (
            {"SQLALCHEMY_DATABASE_URI": "sqlite:///x.sqlite3", "ALLOW_SQLITE_IN_PRODUCTION": False},
            "ALLOW_SQLITE_IN_PRODUCTION",
        ),
    ],
)
def test_production_refuses_unsafe_configuration(migrated, tmp_path, overrides, message):
    config = make_config(migrated, tmp_path, **SAFE_PRODUCTION)
    with pytest.raises(UnsafeConfigError, match=message):
        create_app({**config, **overrides})


@pytest.mark.parametrize(
    "overrides",
    [
        {"SECRET_KEY": "0123456789abcdefghijklmnopqrstuv"},  # 32 characters, 32 different
        {"BASE_URL": "https://tryggt.example.se/kurs"},
        {"BASE_URL": "https://tryggt.example.se:8443"},
        {"RATELIMIT_STORAGE_URI": "rediss://redis.example.se:6380/0"},
        {"MAIL_SENDER": "no-reply@kommun.se"},
        {"MAIL_SENDER": '"Tryggt uppdrag, Kommunen" <tryggt@region.example.se>'},
    ],
)
def test_production_accepts_what_is_safe_however_written(migrated, tmp_path, overrides):
    config = make_config(migrated, tmp_path, **SAFE_PRODUCTION)
    assert create_app({**config, **overrides})


def test_production_with_safe_configuration_starts(migrated, tmp_path):
    app = create_app(make_config(migrated, tmp_path, **SAFE_PRODUCTION))
    assert app.config["APP_ENV"] == "production"


def test_behind_a_tls_proxy_production_may_leave_https_to_the_proxy(migrated, tmp_path):
    config = {**SAFE_PRODUCTION, "FORCE_HTTPS": False, "TRUSTED_PROXIES": 1}
    assert create_app(make_config(migrated, tmp_path, **config)).config["TRUSTED_PROXIES"] == 1


def test_production_on_postgresql_needs_no_sqlite_permission(migrated, tmp_path):
    config = {
        **SAFE_PRODUCTION,
        "ALLOW_SQLITE_IN_PRODUCTION": False,
        "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@db.example.se/tryggt",
    }
    assert create_app(make_config(migrated, tmp_path, **config))


def test_without_app_env_the_app_insists_on_production(monkeypatch):
    monkeypatch.delenv("APP_ENV", raising=False)
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(UnsafeConfigError, match="SECRET_KEY"):
        create_app()


def test_development_is_opt_in(monkeypatch):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    app = create_app()
    assert app.config["SECRET_KEY"] == DEV_SECRET_KEY
    assert app.config["MAIL_BACKEND"] == "outbox"


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.delenv("DATABASE_URL", raising=False)
    app = create_app()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///")
    assert Path(uri.removeprefix("sqlite:///")).parent == Path(app.instance_path)


def test_configuration_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.se")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///:memory:"
    assert app.config["MAIL_SERVER"] == "smtp.example.se"
    assert app.config["MAIL_PORT"] == 2525


def test_behind_a_proxy_the_visitor_address_is_used(migrated, tmp_path):
    app = create_app(make_config(migrated, tmp_path, TRUSTED_PROXIES=1))

    @app.get("/whoami")
    def whoami():
        return f"{request.remote_addr} {request.scheme}"

    response = app.test_client().get(
        "/whoami", headers={"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    )
    assert response.get_data(as_text=True) == "203.0.113.9 https"
