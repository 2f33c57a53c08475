"""The app factory and its configuration."""

from pathlib import Path

import pytest

from course_app import create_app
from course_app.config import DEV_SECRET_KEY, UnsafeConfigError
from tests.conftest import make_config

STRONG_KEY = "k" * 48


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY"),
        ({"SECRET_KEY": DEV_SECRET_KEY}, "SECRET_KEY"),
        ({"SECRET_KEY": "short"}, "SECRET_KEY"),
        ({"SECRET_KEY": STRONG_KEY, "DEBUG": True}, "debug"),
        ({"SECRET_KEY": STRONG_KEY, "MAIL_BACKEND": "outbox"}, "MAIL_BACKEND"),
    ],
)
def test_production_refuses_unsafe_configuration(migrated, tmp_path, overrides, message):
    config = make_config(migrated, tmp_path, APP_ENV="production", MAIL_BACKEND="smtp")
    with pytest.raises(UnsafeConfigError, match=message):
        create_app({**config, **overrides})


def test_production_environment_without_secret_refuses_to_start(monkeypatch):
    monkeypatch.setenv("APP_ENV", "production")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    with pytest.raises(UnsafeConfigError, match="SECRET_KEY"):
        create_app()


def test_production_with_safe_configuration_starts(migrated, tmp_path):
    config = make_config(migrated, tmp_path, APP_ENV="production", MAIL_BACKEND="smtp")
    app = create_app({**config, "SECRET_KEY": STRONG_KEY})
    assert app.config["APP_ENV"] == "production"


def test_default_database_is_sqlite_under_instance(monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("APP_ENV", raising=False)
    app = create_app()
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    assert uri.startswith("sqlite:///")
    assert Path(uri.removeprefix("sqlite:///")).parent == Path(app.instance_path)


def test_configuration_comes_from_the_environment(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "sqlite:///:memory:")
    monkeypatch.setenv("MAIL_SERVER", "smtp.example.se")
    monkeypatch.setenv("MAIL_PORT", "2525")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    app = create_app()
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "sqlite:///:memory:"
    assert app.config["MAIL_SERVER"] == "smtp.example.se"
    assert app.config["MAIL_PORT"] == 2525
