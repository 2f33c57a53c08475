"""`flask doctor` says, one line each, whether the installation can run; and a `flask` command
without a safe configuration says why in one line."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from course_app.doctor import doctor_command

PROJECT = Path(__file__).resolve().parent.parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def doctor_env(migrated, monkeypatch, tmp_path):
    """A good development configuration on the suite's migrated database."""
    for name in ("SECRET_KEY", "MAIL_BACKEND", "CONTENT_DIR", "QUIZ_DIR"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("APP_ENV", "development")
    monkeypatch.setenv("DATABASE_URL", migrated)
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "memory://")
    monkeypatch.setenv("MAIL_OUTBOX_DIR", str(tmp_path / "outbox"))
    return monkeypatch


def _doctor() -> tuple[int, list[str]]:
    result = CliRunner().invoke(doctor_command)
    return result.exit_code, result.output.splitlines()


def _line(lines: list[str], name: str) -> str:
    return next(line for line in lines if line.split(" ", 2)[1] == f"{name}:")


def test_a_good_development_installation_passes(doctor_env):
    code, lines = _doctor()
    assert code == 0, lines
    assert [line.split(" ", 1)[0] for line in lines] == ["ok"] * 5
    assert "6 modules" in _line(lines, "content")


def test_a_database_not_migrated_to_the_newest_revision_is_a_problem(doctor_env, tmp_path):
    doctor_env.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    code, lines = _doctor()
    assert code == 1
    assert _line(lines, "database").startswith("problem database: at revision none")


def test_unreachable_redis_and_smtp_are_problems(doctor_env):
    doctor_env.setenv("RATELIMIT_STORAGE_URI", f"redis://127.0.0.1:{_free_port()}/0")
    doctor_env.setenv("MAIL_BACKEND", "smtp")
    doctor_env.setenv("MAIL_SERVER", "127.0.0.1")
    doctor_env.setenv("MAIL_PORT", str(_free_port()))
    code, lines = _doctor()
    assert code == 1
    assert _line(lines, "redis").startswith("problem redis: rate-limit storage unreachable")
    assert _line(lines, "smtp").startswith("problem smtp: mail server 127.0.0.1:")


def test_broken_content_is_a_problem(doctor_env, tmp_path):
    doctor_env.setenv("CONTENT_DIR", str(tmp_path / "no-such-folder"))
    code, lines = _doctor()
    assert code == 1
    assert _line(lines, "content").startswith("problem content:")


def test_an_unsafe_production_configuration_is_listed(doctor_env):
    doctor_env.setenv("APP_ENV", "production")
    code, lines = _doctor()
    assert code == 1
    line = _line(lines, "configuration")
    assert "SECRET_KEY" in line and "FORCE_HTTPS" not in line
    assert "ALLOW_SQLITE_IN_PRODUCTION" in line or migrated_is_postgres()


def test_doctor_refuses_what_the_app_refuses(doctor_env):
    doctor_env.setenv("APP_ENV", "production")
    doctor_env.setenv("SECRET_KEY", "ab" * 20)
    doctor_env.setenv("BASE_URL", "https://")
    doctor_env.setenv("RATELIMIT_STORAGE_URI", "MEMORY://")
    code, lines = _doctor()
    assert code == 1
    line = _line(lines, "configuration")
    assert all(name in line for name in ("SECRET_KEY", "BASE_URL", "RATELIMIT_STORAGE_URI"))


def test_doctor_refuses_a_sender_at_localhost(doctor_env):
    doctor_env.setenv("APP_ENV", "production")
    doctor_env.setenv("MAIL_SENDER", "Tryggt uppdrag <no-reply@localhost>")
    code, lines = _doctor()
    assert code == 1
    assert "MAIL_SENDER must be an address at a real domain" in _line(lines, "configuration")
    doctor_env.setenv("MAIL_SENDER", "Tryggt uppdrag <no-reply@kommun.se>")
    assert "MAIL_SENDER" not in _line(_doctor()[1], "configuration")


def migrated_is_postgres() -> bool:
    return os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql")


def _flask(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"APP_ENV", "SECRET_KEY"}}
    env["FLASK_APP"] = "course_app"
    flask = Path(sys.executable).with_name("flask")
    return subprocess.run(
        [str(flask), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120
    )


def test_without_app_env_a_flask_command_says_why_in_one_line(tmp_path):
    result = _flask("users", "create", "--help", cwd=tmp_path)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    # The reason, then click's note that the app's command could not be found.
    assert len(errors) <= 2
    assert "unsafe configuration: SECRET_KEY" in errors[0]
    assert "APP_ENV=development" in errors[0]


def test_in_the_project_folder_flaskenv_makes_development_the_default():
    result = _flask("--help", cwd=PROJECT)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    for command in ("users", "org", "mail", "content", "doctor"):
        assert f"  {command} " in result.stdout
