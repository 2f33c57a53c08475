"""Where the app's own log lines go when nothing else (gunicorn, a test) has said so."""

from __future__ import annotations

import logging

from flask import Flask

FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


def init_app(app: Flask) -> None:
    """Let the app's INFO lines (security events, mail) through, to stderr unless handled."""
    for name in ("course_app", "tryggt"):
        logger = logging.getLogger(name)
        if logger.level == logging.NOTSET:
            logger.setLevel(logging.INFO)
        if not app.testing and not logging.getLogger().handlers and not logger.handlers:
            handler = logging.StreamHandler()
            handler.setFormatter(logging.Formatter(FORMAT))
            logger.addHandler(handler)
