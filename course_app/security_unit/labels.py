"""The roster's words as the security unit reads them: roles and extents, translated."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from course_app.models import AssignmentRole, Extent

ROLE_LABELS = {
    AssignmentRole.ORDINARIE: _l("Member"),
    AssignmentRole.ERSATTARE: _l("Substitute"),
    AssignmentRole.ORDFORANDE: _l("Chair"),
    AssignmentRole.VICE_ORDFORANDE: _l("Vice chair"),
    AssignmentRole.ANDRE_VICE_ORDFORANDE: _l("Second vice chair"),
    AssignmentRole.POLITISK_SEKRETERARE: _l("Political secretary"),
}

EXTENT_LABELS = {
    Extent.HELTID: _l("Full time"),
    Extent.DELTID: _l("Part time (a substantial part of full time)"),
    Extent.FRITID: _l("Spare time"),
}
