"""The roster upload, and the choices on its preview: what the file holds, what ends."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField, RadioField, SelectChoice, SelectMultipleField, SubmitField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

from course_app.forms import Form
from course_app.security_unit.roster_summary import PARTIAL, WHOLE


class RosterUploadForm(Form):
    roster = FileField(
        _l("Roster file (CSV or Excel workbook)"),
        validators=[FileRequired(message=_l("Choose the roster file, CSV or Excel workbook"))],
    )
    submit = SubmitField(_l("Upload and preview"))


class ChecklistField(SelectMultipleField):
    """Checkboxes; any subset of the choices is valid."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RosterConfirmForm(Form):
    """The preview's choices; sent again, with confirmed set, from the confirmation page."""

    digest = HiddenField()
    # No default: a file of three people must not end everyone else's assignments by a slip.
    scope = RadioField(
        _l("What does the file hold?"),
        choices=[
            SelectChoice(WHOLE, _l("The whole roster: the assignments it does not list end")),
            SelectChoice(PARTIAL, _l("Only additions and changes: no assignment ends")),
        ],
        validators=[
            InputRequired(
                message=_l("Choose whether the file is the whole roster or only additions")
            )
        ],
        invalid_choice_message=_l("Choose one of the two answers"),
    )
    end = ChecklistField(_l("Assignments that the file does not list"), coerce=int)
    language = RadioField(
        _l("Language of the invitations"),
        choices=[SelectChoice("sv", "Svenska"), SelectChoice("en", "English")],
        default="sv",
    )
    confirmed = HiddenField()
    submit = SubmitField(_l("Continue"))
