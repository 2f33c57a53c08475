"""`flask doctor`: check the configuration, the database, Redis, SMTP and the course content.

It runs without the app loading, so it can say what stops the app from starting. One line per
check: "ok <what>: <detail>" or "problem <what>: <detail>"; the exit status is 1 on a problem.
"""

from __future__ import annotations

import smtplib
import sys
from collections.abc import Callable

import click
from flask import Flask

from course_app import config
from course_app.catalog import ContentError, load_catalog

Check = tuple[bool, str]


def _configuration(cfg: dict) -> Check:
    problems = config.production_problems(cfg)
    if problems:
        return False, "; ".join(problems)
    return True, f"APP_ENV={cfg['APP_ENV']}"


def _content(cfg: dict) -> Check:
    try:
        catalog = load_catalog(
            cfg["CONTENT_DIR"], cfg["QUIZ_DIR"], cfg["LANGUAGES"], lambda *args: "#"
        )
    except (ContentError, OSError) as error:
        return False, str(error).splitlines()[0] if str(error) else type(error).__name__
    return True, f"{len(catalog.modules)} modules from {cfg['CONTENT_DIR']}"


def _database(cfg: dict) -> Check:
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy import create_engine
    from sqlalchemy.engine import make_url

    url = make_url(cfg["SQLALCHEMY_DATABASE_URI"])
    head = ScriptDirectory(str(config.PROJECT_ROOT / "migrations")).get_current_head()
    engine = create_engine(url, connect_args=_connect_timeout(url.get_backend_name()))
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
    except Exception as error:  # any failure to connect is the finding
        return False, f"cannot connect to {url.render_as_string()}: {type(error).__name__}"
    finally:
        engine.dispose()
    if current != head:
        return False, f"at revision {current or 'none'}, newest is {head}: run flask db upgrade"
    return True, f"{url.get_backend_name()} at the newest revision ({head})"


def _connect_timeout(backend: str) -> dict:
    return {"connect_timeout": 5} if backend == "postgresql" else {}


def _redis(cfg: dict) -> Check:
    uri = cfg["RATELIMIT_STORAGE_URI"]
    if not uri.startswith(("redis://", "rediss://")):
        return True, f"rate limits kept in {uri.split(':')[0]} (one process only)"
    import redis

    try:
        redis.Redis.from_url(uri, socket_timeout=3, socket_connect_timeout=3).ping()
    except redis.RedisError as error:
        return False, f"rate-limit storage unreachable: {type(error).__name__}"
    return True, "rate-limit storage answers"


def _smtp(cfg: dict) -> Check:
    if cfg["MAIL_BACKEND"] != "smtp":
        return True, f"mail written to {cfg['MAIL_OUTBOX_DIR']} (development)"
    server = f"{cfg['MAIL_SERVER']}:{cfg['MAIL_PORT']}"
    smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    try:
        with smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=5) as smtp:
            code, _ = smtp.ehlo()
    except (OSError, smtplib.SMTPException) as error:
        return False, f"mail server {server} unreachable: {type(error).__name__}"
    if code != 250:
        return False, f"mail server {server} answered EHLO with {code}"
    return True, f"mail server {server} answers"


CHECKS: list[tuple[str, Callable[[dict], Check]]] = [
    ("configuration", _configuration),
    ("content", _content),
    ("database", _database),
    ("redis", _redis),
    ("smtp", _smtp),
]


def run_checks(cfg: dict) -> list[tuple[str, bool, str]]:
    """Run every check on cfg; return (name, ok, detail) for each."""
    return [(name, *check(cfg)) for name, check in CHECKS]


@click.command("doctor")
def doctor_command() -> None:
    """Check the configuration, database, Redis, SMTP and content; one line each."""
    cfg = dict(config.DEFAULTS)
    cfg.update(config.from_environment(Flask("course_app").instance_path))
    results = run_checks(cfg)
    for name, ok, detail in results:
        click.echo(f"{'ok' if ok else 'problem'} {name}: {detail}")
    sys.exit(0 if all(ok for _, ok, _ in results) else 1)
