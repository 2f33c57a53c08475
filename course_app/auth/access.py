"""Who may open a page: roles on top of being signed in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from course_app.models import Role


def role_required(role: Role) -> Callable:
    """Let only signed-in users holding role through; others get 403 (or the sign-in page)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_role(role):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorator
