"""The main menu of a signed-in user: its links as data, built in one call per page."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask, request
from flask_babel import get_translations
from flask_login import current_user

from course_app.models import Permission


def N_(message: str) -> str:
    """Mark message for extraction (pybabel's default keywords); it is translated when shown."""
    return message


GROUPS = frozenset({Permission.OFFICIAL, Permission.GROUP_CONTACT})
UNIT = frozenset({Permission.SECURITY_UNIT})

# After "The course": (endpoint, label, the permissions of which one shows it (None: any
# signed-in user), whether the link is current on every page of its blueprint).
LINKS = (
    ("learn.my_training", N_("My training"), None, False),
    ("learn.my_notes", N_("My notes"), None, False),
    ("groups.my_groups", N_("My party group"), GROUPS, True),
    ("account.my_data", N_("My data"), None, False),
    ("security_unit.officials", N_("Officials"), UNIT, False),
    ("security_unit.roster", N_("Import the roster"), UNIT, False),
    ("security_unit.requirements", N_("Training requirements"), UNIT, False),
    ("security_unit.coverage", N_("Coverage"), UNIT, False),
    ("security_unit.contacts", N_("Local contacts"), UNIT, False),
    ("security_unit.groups", N_("Party groups"), UNIT, False),
    ("security_unit.certificates", N_("Check a certificate"), UNIT, False),
    ("security_unit.audit_log", N_("Audit log"), UNIT, False),
)


def main_menu(url_for: Callable[..., str]) -> list[tuple[str, str, bool]]:
    """Return the signed-in user's links (address, label, whether current), with url_for the
    template's own."""
    translate = get_translations().ugettext
    endpoint, blueprint = request.endpoint, request.blueprint
    user = current_user._get_current_object()
    # Asked once per group of permissions, not once per link.
    shown = {None: True} | {
        group: any(user.has_permission(p) for p in group) for group in (GROUPS, UNIT)
    }
    return [
        (
            url_for(name),
            translate(label),
            blueprint == name.partition(".")[0] if whole else endpoint == name,
        )
        for name, label, shown_to, whole in LINKS
        if shown[shown_to]
    ]


def init_app(app: Flask) -> None:
    """Give templates main_menu."""
    app.jinja_env.globals["main_menu"] = main_menu
