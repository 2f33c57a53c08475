"""The step form: private notes on the reflection questions, and the checklist."""

from __future__ import annotations

import functools
import random
from collections.abc import Sequence

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from course_app.catalog import Question, StepText
from course_app.forms import Form


class ChecklistField(SelectMultipleField):
    """A list of checkboxes."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StepForm(Form):
    checklist = ChecklistField(_l("Checklist"))
    save = SubmitField(_l("Save"))
    done = SubmitField(_l("Save and mark the step as done"))
    undo = SubmitField(_l("Save and mark the step as not done"))

    def note_fields(self):
        """Return the note fields, in question order."""
        return [self[name] for name in self.note_names]


def note_field_name(question_id: str) -> str:
    """Return the form field name of a question's note."""
    return f"note-{question_id}"


def step_form(text: StepText, with_notes: bool, max_length: int, **kwargs) -> StepForm:
    """Build the form for a step, with a note field per question if the visitor may keep notes."""
    questions = tuple((q.id, q.text) for q in text.questions) if with_notes else ()
    form = _step_form_class(questions, max_length)(**kwargs)
    form.checklist.choices = [(item.id, item.text) for item in text.checklist]
    return form


@functools.lru_cache(maxsize=256)
def _step_form_class(questions: tuple[tuple[str, str], ...], max_length: int) -> type[StepForm]:
    """Return the form class for these (question id, text) pairs; made once per process."""

    class _StepForm(StepForm):
        note_names: list[str] = []

    for question_id, question_text in questions:
        name = note_field_name(question_id)
        field = TextAreaField(
            question_text,
            validators=[
                Length(
                    max=max_length,
                    message=_l("A note can be at most %(max)d characters long", max=max_length),
                )
            ],
        )
        setattr(_StepForm, name, field)
        _StepForm.note_names = [*_StepForm.note_names, name]
    return _StepForm


class DeleteNotesForm(Form):
    confirm = BooleanField(
        _l("Yes, delete all my notes"),
        validators=[
            DataRequired(message=_l("Tick the box to confirm that you want to delete your notes"))
        ],
    )
    submit = SubmitField(_l("Delete my notes"))


class CheckForm(Form):
    """A knowledge check: one field per drawn question, and the signed draw they came from."""

    draw = HiddenField()
    submit = SubmitField(_l("Send my answers"))
    question_names: list[str] = []

    def question_fields(self):
        """Return the question fields, in order."""
        return [self[name] for name in self.question_names]

    def answers(self) -> dict[str, frozenset[str]]:
        """Return the chosen option ids by question id."""
        chosen = {}
        for name in self.question_names:
            data = self[name].data
            values = data if isinstance(data, list) else [data] if data else []
            chosen[name.removeprefix("q-")] = frozenset(values)
        return chosen


def check_form(questions: Sequence[Question], lang: str, **kwargs) -> CheckForm:
    """Build the form for the drawn questions of a knowledge check, in lang."""

    class _CheckForm(CheckForm):
        pass

    names = []
    for number, question in enumerate(questions, start=1):
        message = _l("Answer question %(number)d", number=number)
        kind = ChecklistField if question.multiple else RadioField
        choices = [SelectChoice(o.id, o.text(lang)) for o in question.options]
        field = kind(question.text(lang), choices=choices, validators=[InputRequired(message)])
        setattr(_CheckForm, f"q-{question.id}", field)
        names.append(f"q-{question.id}")
    _CheckForm.question_names = names
    return _CheckForm(**kwargs)


def order_options(form: CheckForm, questions: Sequence[Question], lang: str, token: str) -> None:
    """Order each question's options by the draw's token, so the right one is not always first.

    The same form shown again (after an error or a stale submit) keeps its order.
    """
    for question in questions:
        options = list(question.options)
        random.Random(f"{token}:{question.id}").shuffle(options)
        form[f"q-{question.id}"].choices = [SelectChoice(o.id, o.text(lang)) for o in options]
