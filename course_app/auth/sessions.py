"""How long a sign-in lasts: an absolute lifetime from sign-in, and a shorter idle timeout.

When either has passed, the visitor is signed out before the request is handled. A form sent
at that moment is not handled as a guest's (a note would be lost): the visitor gets the
sign-in page with what they wrote, and after signing in a button sends it again.
"""

from __future__ import annotations

import time

from flask import Flask, current_app, g, render_template, request, session
from flask_login import logout_user

from course_app import security_log
from course_app.auth.forms import ResumeForm
from course_app.i18n import SESSION_KEY as LOCALE_KEY
from course_app.security import safe_next

SIGNED_IN_AT = "signed_in_at"
SEEN_AT = "seen_at"
CARRY = "carry:"
# Rewrite the cookie for activity at most this often (seconds).
TOUCH_EVERY = 60


def start(now: float | None = None) -> None:
    """Record the sign-in's start in the (new) session."""
    now = now or time.time()
    session[SIGNED_IN_AT] = session[SEEN_AT] = int(now)


def _ended(now: float) -> bool:
    cfg = current_app.config
    signed_in_at = session.setdefault(SIGNED_IN_AT, int(now))
    seen_at = session.setdefault(SEEN_AT, int(now))
    too_old = now - signed_in_at > cfg["SESSION_MAX_HOURS"] * 3600
    idle = now - seen_at > cfg["SESSION_IDLE_MINUTES"] * 60
    return too_old or idle


def check_session():
    """Sign the visitor out when the sign-in is too old or idle; keep a form they sent."""
    if "_user_id" not in session or request.endpoint == "static":
        return None
    now = time.time()
    if not _ended(now):
        if now - session[SEEN_AT] >= TOUCH_EVERY:
            session[SEEN_AT] = int(now)
        return None
    user_id = session.get("_user_id", "").split(":")[0]
    logout_user()
    session.pop(SIGNED_IN_AT, None)
    session.pop(SEEN_AT, None)
    security_log.event("session.ended", user=user_id)
    g.session_ended = True
    if request.method == "POST" and not (request.endpoint or "").startswith("auth."):
        return session_ended_page(_carried_from(request.form), request.path)
    return None


def end_keeping_language(locale: str | None) -> None:
    """Sign out and forget the session, keeping only the chosen language."""
    logout_user()
    session.clear()
    if locale:
        session[LOCALE_KEY] = locale


def _carried_from(form) -> list[tuple[str, str]]:
    return [(k, v) for k in form for v in form.getlist(k) if k != "csrf_token"]


def carried_in(form) -> list[tuple[str, str]]:
    """Return the (name, value) pairs a sign-in form carries for the form sent before it."""
    return [
        (k.removeprefix(CARRY), v) for k in form if k.startswith(CARRY) for v in form.getlist(k)
    ]


def session_ended_page(carried: list[tuple[str, str]], resume_to: str, form=None, status=401):
    """Return the sign-in page that keeps what the visitor wrote."""
    form = form or ResumeForm(formdata=None)
    form.resume_to.data = safe_next(resume_to) or ""
    return (
        render_template(
            "auth/session_ended.html",
            form=form,
            carried=carried,
            typed=[v for _, v in carried if " " in v.strip() or "\n" in v],
            carry_prefix=CARRY,
        ),
        status,
    )


def init_app(app: Flask) -> None:
    """Check each signed-in request's age; after the CSRF check, so a kept form was genuine."""
    app.before_request(check_session)
