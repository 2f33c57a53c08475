"""The base of every form in the app: what all text inputs refuse, whatever the form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField
from wtforms.widgets import Select

NUL = "\x00"


class Form(FlaskForm):
    """A Flask-WTF form whose text fields refuse the NUL character.

    No one types a NUL, and PostgreSQL cannot store one: a pasted or forged NUL would end the
    request in an error. The field keeps the rest of what was typed, with an error to fix.
    """

    class Meta(FlaskForm.Meta):
        def render_field(self, field, render_kw):
            """Render a field; a required select says so with aria-required unless it may say so
            with required.

            HTML allows `required` on a single select only when its first option is a placeholder
            with an empty value; our selects start with a real choice, and the server checks the
            answer whatever the browser does (our forms are novalidate).
            """
            if (
                isinstance(field.widget, Select)
                and not field.widget.multiple
                and field.flags.required
                and not _placeholder_first(field)
            ):
                render_kw = {"required": False, "aria-required": "true", **render_kw}
            return super().render_field(field, render_kw)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self:
            if isinstance(field, StringField) and NUL in (field.data or ""):
                field.data = field.data.replace(NUL, "")
                field.raw_data = [field.data]
                field.errors = [*field.errors, _l("Remove the invisible control character (NUL).")]
                valid = False
        return valid


def _placeholder_first(field) -> bool:
    """Return True if the select's first option has an empty value."""
    first = next(iter(field.iter_choices()), None)
    return first is not None and first[0] in ("", None)
