"""The security unit's blueprint, shared by its pages (contacts, roster, requirements)."""

from __future__ import annotations

from flask import Blueprint

from course_app.auth.access import permission_required
from course_app.models import Permission

bp = Blueprint("security_unit", __name__, url_prefix="/security-unit", template_folder="templates")

# Every page of this area is for the security unit of the user's own organisation.
unit_required = permission_required(Permission.SECURITY_UNIT)
