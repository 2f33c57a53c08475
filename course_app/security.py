"""Response headers, safe redirects and the sign-in manager."""

from __future__ import annotations

import functools
import re
from urllib.parse import quote, urlsplit

from flask import Flask, Response, current_app, request, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import bindparam, select
from sqlalchemy.orm import contains_eager

from course_app.extensions import db, login_manager, talisman
from course_app.models import Organisation, User

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self'",
    "font-src": "'self'",
    "form-action": "'self'",
    "object-src": "'none'",
    "base-uri": "'none'",
    "frame-ancestors": "'none'",
}


def safe_next(target: str | None) -> str | None:
    """Return target if it is a path on this site, else None."""
    if not target or any(ord(c) < 32 or c == "\\" for c in target):
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def external_url(endpoint: str, **values) -> str:
    """Return an absolute URL on the configured BASE_URL, whatever Host the request named."""
    return current_app.config["BASE_URL"].rstrip("/") + url_for(endpoint, **values)


def _no_store_when_signed_in(response: Response) -> Response:
    endpoint = request.endpoint or ""
    if endpoint == "static":
        return response  # the same for everyone; no need to load the user
    if endpoint.startswith("auth.") or current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    return response


@functools.cache
def _user_with_permissions():
    """Return the query for a user with permissions, organisation and its contacts: one round trip.

    Every page asks for the permissions (the menu) and the organisation; the contacts are one
    row that the step pages and the contacts page show, so they come in the same join. Built
    once per process; the user's id is bound at execution.
    """
    return (
        select(User)
        .join(User.organisation)
        .outerjoin(User.permissions)
        .options(
            contains_eager(User.organisation).joinedload(Organisation.contacts),
            contains_eager(User.permissions),
        )
        .where(User.id == bindparam("user_id"))
    )


def _load_user(session_id: str) -> User | None:
    user_id, _, version = session_id.partition(":")
    if not (user_id.isdigit() and version.isdigit()):
        return None
    found = db.session.scalars(_user_with_permissions(), {"user_id": int(user_id)})
    user = found.unique().one_or_none()
    if user is None or user.session_version != int(version):
        return None
    return user


def mailto_href(address: str) -> str:
    """Return a mailto: link that can only ever address the one recipient.

    Characters that would start headers (?cc=, &bcc=) or other parts are percent-encoded.
    """
    return "mailto:" + quote(address.strip(), safe="@.+-_")


def tel_href(number: str) -> str:
    """Return a tel: link of the number's digits (and a leading +) only."""
    digits = re.sub(r"[^0-9]", "", number)
    return "tel:" + ("+" if number.strip().startswith("+") else "") + digits


def init_app(app: Flask) -> None:
    """Set security headers on every response and configure sign-in."""
    app.add_template_filter(mailto_href, "mailto_href")
    app.add_template_filter(tel_href, "tel_href")
    talisman.init_app(
        app,
        content_security_policy=CSP,
        force_https=app.config["FORCE_HTTPS"],
        strict_transport_security=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        session_cookie_http_only=True,
        frame_options="DENY",
        referrer_policy="strict-origin-when-cross-origin",
        x_content_type_options=True,
    )
    app.after_request(_no_store_when_signed_in)
    login_manager.user_loader(_load_user)
    login_manager.login_view = "auth.login"
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"
