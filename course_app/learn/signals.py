"""What learn/ does when someone signs in: keep what they did as a guest in this browser."""

from __future__ import annotations

from flask import Flask, g
from flask_login import user_logged_in

from course_app.learn.progress import GuestProgress, UserProgress
from course_app.learn.services import current_catalog


def adopt_guest_progress(app: Flask, user, **extra) -> None:
    """Carry the guest's progress from the session before sign-in over to the account."""
    previous = g.pop("session_before_sign_in", None)
    if not previous:
        return
    progress = UserProgress(user.id, organisation_id=user.organisation_id)
    progress.lock()
    progress.adopt(GuestProgress(previous), current_catalog().modules)


def init_app(app: Flask) -> None:
    """Listen for sign-ins to this app."""
    user_logged_in.connect(adopt_guest_progress, app)
