"""Forms of the party group pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from course_app.forms import Form
from course_app.models.groups import SHARED_NOTES_MAX


class NewDiscussionForm(Form):
    module_id = SelectField(_l("Module"), choices=[], validators=[InputRequired()])
    step = SelectField(_l("Questions from"), choices=[], default="")
    held_on = DateField(
        _l("Day of the meeting"),
        validators=[InputRequired(message=_l("Enter the day as yyyy-mm-dd, e.g. 2026-12-03"))],
    )


class AttendanceForm(Form):
    present = SelectMultipleField(
        _l("Who took part"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
    )


class SharedNotesForm(Form):
    notes = TextAreaField(
        _l("The group’s notes"),
        validators=[
            Length(
                max=SHARED_NOTES_MAX,
                message=_l("Write at most %(max)d characters.", max=SHARED_NOTES_MAX),
            )
        ],
    )
    revision = HiddenField()
