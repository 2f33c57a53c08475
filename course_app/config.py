"""Configuration from the environment, with safe defaults for development."""

from __future__ import annotations

import os
from datetime import timedelta
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import urlsplit

from email_validator import EmailNotValidError, validate_email
from flask.cli import NoAppException

DEV_SECRET_KEY = "dev-only-not-secret"
# A production SECRET_KEY has at least this many different characters.
SECRET_KEY_DISTINCT = 10
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class UnsafeConfigError(NoAppException, RuntimeError):
    """Raised when the production configuration would be unsafe to run.

    A NoAppException, so that a `flask` command says so in one line instead of a traceback.
    """

    def __init__(self, message: str):
        super().__init__(
            f"unsafe configuration: {message}. For development set APP_ENV=development "
            "(make run does); for production see docs/production.md."
        )


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def from_environment(instance_path: str) -> dict:
    """Return the configuration read from environment variables."""
    # Safe unless told otherwise: development (the built-in secret, mail to a folder) is opt-in.
    env = os.environ.get("APP_ENV", "production")
    production = env == "production"
    return {
        "APP_ENV": env,
        "DEBUG": _env_bool("FLASK_DEBUG", False),
        "SECRET_KEY": os.environ.get("SECRET_KEY", "" if production else DEV_SECRET_KEY),
        "SQLALCHEMY_DATABASE_URI": os.environ.get(
            "DATABASE_URL", f"sqlite:///{Path(instance_path) / 'tryggt.sqlite3'}"
        ),
        "CONTENT_DIR": os.environ.get("CONTENT_DIR", str(PROJECT_ROOT / "content")),
        "QUIZ_DIR": os.environ.get("QUIZ_DIR", str(PROJECT_ROOT / "quizzes")),
        # Sign-in links are e-mailed; "outbox" writes them to instance/outbox/ instead.
        "MAIL_BACKEND": os.environ.get("MAIL_BACKEND", "smtp" if production else "outbox"),
        "MAIL_OUTBOX_DIR": os.environ.get("MAIL_OUTBOX_DIR", str(Path(instance_path) / "outbox")),
        "MAIL_SERVER": os.environ.get("MAIL_SERVER", "localhost"),
        "MAIL_PORT": int(os.environ.get("MAIL_PORT", "25")),
        "MAIL_USERNAME": os.environ.get("MAIL_USERNAME", ""),
        "MAIL_PASSWORD": os.environ.get("MAIL_PASSWORD", ""),
        "MAIL_USE_TLS": _env_bool("MAIL_USE_TLS", False),
        "MAIL_USE_SSL": _env_bool("MAIL_USE_SSL", False),
        # Whether the SMTP server takes addresses with letters outside ASCII before the @
        # (SMTPUTF8, RFC 6531); without it the roster import refuses such addresses.
        "MAIL_SMTPUTF8": _env_bool("MAIL_SMTPUTF8", False),
        "MAIL_SENDER": os.environ.get("MAIL_SENDER", "Tryggt uppdrag <no-reply@localhost>"),
        # Queued mail is sent by `flask mail deliver`; in development also right after the request.
        "MAIL_DELIVER_AFTER_REQUEST": _env_bool("MAIL_DELIVER_AFTER_REQUEST", env == "development"),
        "MAIL_MAX_ATTEMPTS": int(os.environ.get("MAIL_MAX_ATTEMPTS", "8")),
        "INVITATION_DAYS": int(os.environ.get("INVITATION_DAYS", "14")),
        # Reminders go out this many days before a period's deadline, and once after it.
        "REMINDER_DAYS_BEFORE": [
            int(days) for days in os.environ.get("REMINDER_DAYS_BEFORE", "30,7").split(",")
        ],
        "REMINDER_LINK_DAYS": int(os.environ.get("REMINDER_LINK_DAYS", "7")),
        # Links in e-mails are built from this address, never from the request's Host header.
        "BASE_URL": os.environ.get("BASE_URL", "http://127.0.0.1:5000"),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_ENABLED": _env_bool("RATELIMIT_ENABLED", True),
        "SESSION_COOKIE_SECURE": production,
        "REMEMBER_COOKIE_SECURE": production,
        "FORCE_HTTPS": _env_bool("FORCE_HTTPS", production),
        # How many reverse proxies in front of the app set X-Forwarded-For and -Proto.
        "TRUSTED_PROXIES": int(os.environ.get("TRUSTED_PROXIES", "0")),
        # Production runs on PostgreSQL; SQLite only when a single small installation says so.
        "ALLOW_SQLITE_IN_PRODUCTION": _env_bool("ALLOW_SQLITE_IN_PRODUCTION", False),
        # A deleted account's completions and assignments are kept this long as evidence of
        # training, then erased by `flask maintenance run`.
        "DELETED_ACCOUNT_RETENTION_DAYS": int(
            os.environ.get("DELETED_ACCOUNT_RETENTION_DAYS", "730")
        ),
        # Audit records are kept this long, then deleted by `flask audit prune` (or maintenance).
        "AUDIT_RETENTION_DAYS": int(os.environ.get("AUDIT_RETENTION_DAYS", "730")),
        # A sign-in lasts this long at most, and ends sooner after this long without a request.
        "SESSION_MAX_HOURS": float(os.environ.get("SESSION_MAX_HOURS", "12")),
        "SESSION_IDLE_MINUTES": float(os.environ.get("SESSION_IDLE_MINUTES", "120")),
    }


# A roster of 20,000 rows, as a region or a national host has, is about 2.3 MB of CSV.
ROSTER_MAX_BYTES = 3 * 1024 * 1024

DEFAULTS = {
    # hide_parameters: a database error's message must not carry what was typed (a note) to the log.
    # No pre-ping on every checkout: extensions.ping_after_idle tests a connection that has been
    # idle a while, and one in steady use goes straight to work.
    "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True},
    "DB_PING_AFTER_IDLE_SECONDS": 10,
    "MAX_CONTENT_LENGTH": 256 * 1024,
    # Endpoints that may receive a file larger than MAX_CONTENT_LENGTH (spooled to disk).
    "UPLOAD_LIMITS": {"security_unit.upload_roster": ROSTER_MAX_BYTES + 64 * 1024},
    "MAX_FORM_MEMORY_SIZE": 256 * 1024,
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "tryggt_session",
    "REMEMBER_COOKIE_HTTPONLY": True,
    "REMEMBER_COOKIE_SAMESITE": "Lax",
    "PERMANENT_SESSION_LIFETIME": timedelta(hours=12),
    # The cookie is written when the session changes (auth/sessions.py touches it once a
    # minute at most), not signed and sent again with every response.
    "SESSION_REFRESH_EACH_REQUEST": False,
    # A form's token lasts as long as its session (12 h at most, 2 h idle; auth/sessions.py):
    # a shorter limit would turn a long note into a refused form before the session ends.
    "WTF_CSRF_TIME_LIMIT": None,
    "BABEL_DEFAULT_LOCALE": "sv",
    "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
    "LANGUAGES": ("sv", "en"),
    "SIGNIN_LINK_MINUTES": 15,
    "ROSTER_MAX_BYTES": ROSTER_MAX_BYTES,
    # Failed sign-ins per IP address; successes never count (a town hall shares one address).
    "SIGNIN_RATE_LIMIT": "20 per minute;100 per hour",
    # Failed sign-ins for one address from one IP address, and for one address from anywhere.
    "SIGNIN_ADDRESS_IP_LIMIT": "5 per minute;20 per hour",
    "SIGNIN_ADDRESS_LIMIT": "60 per hour",
    # Sign-in links asked for per IP address. No limit per e-mail address refuses a request:
    # machines asking for someone's links could then keep the owner from one.
    "LINK_REQUEST_LIMIT": "30 per minute;200 per hour",
    # Against filling an inbox: while an address's last link is unused and younger than this,
    # a new request sends nothing (that link, in the inbox, still has most of its time to run).
    "LINK_RESEND_MINUTES": 5,
    # Retry-After and the X-RateLimit headers.
    "RATELIMIT_HEADERS_ENABLED": True,
    "NOTE_MAX_LENGTH": 5000,
}


def production_problems(config: dict) -> list[str]:
    """Return what makes a production configuration unsafe, one sentence each."""
    if config.get("APP_ENV") != "production":
        return []
    problems = []
    if _weak_secret(str(config.get("SECRET_KEY") or "")):
        problems.append(
            "SECRET_KEY must be set to a random value of 32 characters or more, "
            f"with at least {SECRET_KEY_DISTINCT} different characters"
        )
    if config.get("DEBUG"):
        problems.append("debug mode must be off in production")
    if config.get("MAIL_BACKEND") != "smtp":
        problems.append("MAIL_BACKEND must be 'smtp' in production")
    if not _real_sender(str(config.get("MAIL_SENDER") or "")):
        problems.append(
            "MAIL_SENDER must be an address at a real domain in production, not localhost "
            "(e.g. Tryggt uppdrag <no-reply@kommun.se>)"
        )
    base = urlsplit(str(config.get("BASE_URL", "")))
    if base.scheme != "https" or not base.hostname:
        problems.append(
            "BASE_URL must be the site's https:// address, host included, in production"
        )
    storage = urlsplit(str(config.get("RATELIMIT_STORAGE_URI", ""))).scheme
    if storage in ("", "memory"):  # urlsplit lowers the scheme: MEMORY:// too
        problems.append(
            "RATELIMIT_STORAGE_URI must be shared storage such as redis:// in production"
        )
    if not config.get("RATELIMIT_ENABLED", True):
        problems.append("RATELIMIT_ENABLED must not be turned off in production")
    if not config.get("FORCE_HTTPS") and not config.get("TRUSTED_PROXIES"):
        problems.append(
            "FORCE_HTTPS may be off in production only behind a TLS proxy (set TRUSTED_PROXIES)"
        )
    uri = str(config.get("SQLALCHEMY_DATABASE_URI", ""))
    if uri.startswith("sqlite") and not config.get("ALLOW_SQLITE_IN_PRODUCTION"):
        problems.append(
            "DATABASE_URL must be PostgreSQL in production "
            "(or set ALLOW_SQLITE_IN_PRODUCTION=1 for a single small installation)"
        )
    return problems


def _weak_secret(key: str) -> bool:
    """Return True for a key too short or too uniform to be random ("x" * 40, "changeme" …).

    A key made as docs/production.md says (secrets.token_urlsafe(48)) has about 40 different
    characters; even 32 random hex digits have fewer than ten about once in 10,000 draws.
    """
    return key == DEV_SECRET_KEY or len(key) < 32 or len(set(key)) < SECRET_KEY_DISTINCT


def _real_sender(sender: str) -> bool:
    """Return True for a sender whose address is at a domain mail servers accept.

    Not localhost, a name without a dot or a special-use name (.local, .test …), which servers
    and spam filters refuse or score; email-validator decides, without a network look-up.
    """
    try:
        validate_email(parseaddr(sender)[1], check_deliverability=False)
    except EmailNotValidError:
        return False
    return True


def check_production(config: dict) -> None:
    """Raise UnsafeConfigError if a production configuration is unsafe."""
    problems = production_problems(config)
    if problems:
        raise UnsafeConfigError("; ".join(problems))
