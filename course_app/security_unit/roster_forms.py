"""The roster upload and the confirmation of its preview."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectChoice, SelectMultipleField, SubmitField
from wtforms.widgets import CheckboxInput, ListWidget

from course_app.forms import Form


class RosterUploadForm(Form):
    roster = FileField(
        _l("Roster file (CSV)"),
        validators=[FileRequired(message=_l("Choose a CSV file with the roster"))],
    )
    submit = SubmitField(_l("Upload and preview"))


class ChecklistField(SelectMultipleField):
    """Checkboxes; any subset of the choices is valid."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RosterConfirmForm(Form):
    digest = HiddenField()
    end = ChecklistField(_l("Assignments that the file no longer lists"), coerce=int)
    language = RadioField(
        _l("Language of the invitations"),
        choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")],
        default="sv",
    )
    submit = SubmitField(_l("Import the roster"))
