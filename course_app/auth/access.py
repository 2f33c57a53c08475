"""Who may open a page: permissions on top of being signed in."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps

from flask import abort
from flask_login import current_user, login_required

from course_app.models import Permission


def permission_required(permission: Permission) -> Callable:
    """Let only signed-in users holding permission through; others get 403 (or sign-in)."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.has_permission(permission):
                abort(403)
            return view(*args, **kwargs)

        return login_required(wrapped)

    return decorator
