"""Where the app's own log lines go when nothing else (gunicorn, a test) has said so."""

from __future__ import annotations

import logging
import re

from flask import Flask
from gunicorn.glogging import Logger as GunicornLogger

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# A link's token, in a path, a query or a Referer header: a sign-in link (or invitation), and
# the link that confirms a new e-mail address.
_TOKEN = re.compile(r"(/sign-in/link/|/my-data/new-email/)[^/?#\s\"]+")


def redact(text: str) -> str:
    """Return text with every link token (sign-in, new address) replaced by [redacted]."""
    return _TOKEN.sub(r"\1[redacted]", text)


class RedactingLogger(GunicornLogger):
    """Gunicorn's logger, writing access lines without sign-in link tokens."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        return {
            key: redact(value) if isinstance(value, str) else value for key, value in atoms.items()
        }


class RedactingFilter(logging.Filter):
    """Take sign-in link tokens out of a record (the development server's request lines)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            args = record.args if isinstance(record.args, tuple) else (record.args,)
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in args)
        record.msg = redact(record.msg) if isinstance(record.msg, str) else record.msg
        return True


def init_app(app: Flask) -> None:
    """Let the app's INFO lines (security events, mail) through, to stderr unless handled."""
    werkzeug = logging.getLogger("werkzeug")
    if not any(isinstance(f, RedactingFilter) for f in werkzeug.filters):
        werkzeug.addFilter(RedactingFilter())
    for name in ("course_app", "tryggt"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)
        if not app.testing and not logging.getLogger().handlers and not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter(FORMAT))
            logger.addHandler(handler)
