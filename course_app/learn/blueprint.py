"""The course pages' blueprint, and what its views share: the visitor's progress store."""

from __future__ import annotations

from flask import Blueprint, flash, request, session
from flask_babel import gettext as _
from flask_login import current_user

from course_app.catalog import Module
from course_app.learn.progress import progress_for
from course_app.learn.services import current_lang

bp = Blueprint("learn", __name__, template_folder="templates")


def current_progress():
    """Return the visitor's progress store, counting only this period's work where required."""
    progress = progress_for(current_user, session)
    if current_user.is_authenticated and request.method == "POST":
        progress.lock()
    return progress


def flash_completed(mod: Module) -> None:
    """Say that the visitor has just completed the module."""
    title = mod.text(current_lang()).title
    flash(_("You have completed the module “%(title)s”.", title=title), "success")
