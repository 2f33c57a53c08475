"""The step form: private notes on the reflection questions, and the checklist."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from course_app.catalog import StepText


class ChecklistField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StepForm(FlaskForm):
    checklist = ChecklistField(_l("Checklist"))
    save = SubmitField(_l("Save"))
    done = SubmitField(_l("Save and mark the step as done"))

    def note_fields(self):
        """Return the note fields, in question order."""
        return [self[name] for name in self.note_names]


def note_field_name(question_id: str) -> str:
    """Return the form field name of a question's note."""
    return f"note-{question_id}"


def step_form(text: StepText, with_notes: bool, max_length: int, **kwargs) -> StepForm:
    """Build the form for a step, with a note field per question if the visitor may keep notes."""

    class _StepForm(StepForm):
        note_names: list[str] = []

    for question in text.questions if with_notes else ():
        name = note_field_name(question.id)
        field = TextAreaField(
            question.text,
            validators=[
                Length(
                    max=max_length,
                    message=_l("A note can be at most %(max)d characters long", max=max_length),
                )
            ],
        )
        setattr(_StepForm, name, field)
        _StepForm.note_names = [*_StepForm.note_names, name]
    form = _StepForm(**kwargs)
    form.checklist.choices = [(item.id, item.text) for item in text.checklist]
    return form


class DeleteNotesForm(FlaskForm):
    confirm = BooleanField(
        _l("Yes, delete all my notes"),
        validators=[
            DataRequired(message=_l("Tick the box to confirm that you want to delete your notes"))
        ],
    )
    submit = SubmitField(_l("Delete my notes"))
