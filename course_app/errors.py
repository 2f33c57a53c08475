"""Friendly, translated error pages."""

from __future__ import annotations

import logging
import time
from urllib.parse import urlsplit

from flask import Flask, render_template, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException

from course_app import security_log
from course_app.extensions import db, is_busy, limiter

log = logging.getLogger(__name__)

PAGES = {
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
}


def _user_id() -> int | None:
    return current_user.id if current_user.is_authenticated else None


def _http_error(error: HTTPException):
    template = PAGES.get(error.code or 500, "errors/generic.html")
    extra = {}
    if error.code == 403:
        security_log.event("access_refused", user=_user_id())
    elif error.code == 429:
        security_log.event("rate_limited", user=_user_id())
        extra["wait"] = _seconds_to_wait()
    return render_template(template, error=error, **extra), error.code


def _seconds_to_wait() -> int:
    """Return how long until the limit that was hit lets the next attempt through.

    Whole seconds rounded down, as Flask-Limiter writes the Retry-After header a moment later,
    so that the page and the header say the same (rounding half up, the page said one more).
    """
    limit = limiter.current_limit
    if limit is None:
        return 60
    return max(1, int(limit.reset_at - time.time()))


def _typed_here() -> list[str]:
    """Return the texts (with a space or a line break) of a form sent from this site.

    Shown read-only on the refusal so that nothing typed is lost. Only for a request whose
    Origin (or Referer) is this site: another site cannot put its text on our page.
    """
    source = request.headers.get("Origin") or request.headers.get("Referer") or ""
    if urlsplit(source).netloc != request.host:
        return []
    return [
        value
        for name, value in request.form.items(multi=True)
        if "password" not in name and (" " in value.strip() or "\n" in value)
    ]


def _csrf_error(error: CSRFError):
    return render_template("errors/csrf.html", typed=_typed_here()), 400


BUSY_SECONDS = 5


def _busy_error(error: OperationalError):
    """Say that nothing was saved because others were saving, and show what was typed."""
    if not is_busy(error):
        raise error  # any other database failure is a server error, logged as one
    db.session.rollback()
    cause = getattr(error.orig, "sqlite_errorname", None) or getattr(error.orig, "sqlstate", "")
    log.warning("database busy: %s %s (%s)", request.method, request.endpoint, cause)
    page = render_template("errors/busy.html", typed=_typed_here())
    return page, 503, {"Retry-After": str(BUSY_SECONDS)}


def _server_error(error: Exception):
    db.session.rollback()
    return render_template("errors/500.html"), 500


def init_app(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(OperationalError, _busy_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
