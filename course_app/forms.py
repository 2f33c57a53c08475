"""The base of every form in the app: what all text inputs refuse, whatever the form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField

NUL = "\x00"


class Form(FlaskForm):
    """A Flask-WTF form whose text fields refuse the NUL character.

    No one types a NUL, and PostgreSQL cannot store one: a pasted or forged NUL would end the
    request in an error. The field keeps the rest of what was typed, with an error to fix.
    """

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField) and NUL in (field.data or ""):
                field.data = field.data.replace(NUL, "")
                field.raw_data = [field.data]
                field.errors = [*field.errors, _l("Remove the invisible control character (NUL).")]
                valid = False
        return valid
