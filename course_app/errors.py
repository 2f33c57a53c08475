"""Friendly, translated error pages."""

from __future__ import annotations

from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from course_app.extensions import db

PAGES = {
    403: "errors/403.html",
    404: "errors/404.html",
    413: "errors/413.html",
    429: "errors/429.html",
}


def _http_error(error: HTTPException):
    template = PAGES.get(error.code or 500, "errors/generic.html")
    return render_template(template, error=error), error.code


def _csrf_error(error: CSRFError):
    return render_template("errors/csrf.html"), 400


def _server_error(error: Exception):
    db.session.rollback()
    return render_template("errors/500.html"), 500


def init_app(app: Flask) -> None:
    """Register the error pages."""
    app.register_error_handler(CSRFError, _csrf_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(500, _server_error)
