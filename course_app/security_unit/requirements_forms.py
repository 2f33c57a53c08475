"""The form on which the security unit sets what training is required, of whom, by when."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import DateField, RadioField, SelectChoice, SelectField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from course_app.forms import Form
from course_app.i18n import format_day
from course_app.models import Audience
from course_app.security_unit.labels import EXTENT_LABELS, ROLE_LABELS
from course_app.security_unit.roster_forms import ChecklistField
from course_app.training.periods import term_for

AUDIENCE_LABELS = {
    Audience.ALL: _l("All officials"),
    Audience.KL_18A: _l(
        "Officials covered by kommunallagen 4 kap. 18 a § (full time and a substantial part"
        " of full time)"
    ),
    Audience.SELECTED: _l("Officials with the roles or extents I choose"),
}

ENTER_DATE = _l("Enter a date as YYYY-MM-DD, for example 2027-04-13")


class RequirementForm(Form):
    """Set election_year.choices and module_ids.choices before validating or rendering."""

    election_year = SelectField(
        _l("Mandate period"),
        coerce=int,
        validators=[InputRequired(message=_l("Choose a mandate period"))],
        invalid_choice_message=_l("Choose one of the mandate periods in the list"),
    )
    module_ids = ChecklistField(
        _l("Modules"),
        invalid_choice_message=_l("Choose only modules that are in the course"),
    )
    audience = RadioField(
        _l("For whom"),
        choices=[
            SelectChoice(audience.value, label) for audience, label in AUDIENCE_LABELS.items()
        ],
        default=Audience.ALL.value,
        validators=[InputRequired(message=_l("Choose for whom the modules are required"))],
        invalid_choice_message=_l("Choose one of the options in the list"),
    )
    roles = ChecklistField(
        _l("Roles"),
        choices=[SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()],
        invalid_choice_message=_l("Choose only roles in the list"),
    )
    extents = ChecklistField(
        _l("Extents"),
        choices=[SelectChoice(extent.value, label) for extent, label in EXTENT_LABELS.items()],
        invalid_choice_message=_l("Choose only extents in the list"),
    )
    counts_from = DateField(
        _l("Completions count from"),
        validators=[InputRequired(message=ENTER_DATE)],
        invalid_value_message=ENTER_DATE,
    )
    deadline = DateField(
        _l("Deadline"),
        validators=[InputRequired(message=ENTER_DATE)],
        invalid_value_message=ENTER_DATE,
    )
    submit = SubmitField(_l("Save the requirement"))

    def validate_module_ids(self, field) -> None:
        """Ask for at least one module (a `required` attribute on each checkbox would mislead)."""
        if not field.data:
            raise ValidationError(_l("Choose at least one module"))

    def validate_roles(self, field) -> None:
        """Ask for a role or an extent when the requirement is for chosen officials."""
        if self.audience.data == Audience.SELECTED.value and not (
            self.roles.data or self.extents.data
        ):
            raise ValidationError(_l("Choose at least one role or extent"))

    def validate_deadline(self, field) -> None:
        """Keep the deadline after the first day that counts and within the chosen period."""
        if field.data is None or self.counts_from.data is None:
            return
        if field.data <= self.counts_from.data:
            raise ValidationError(
                _l("The deadline must be after the date from which completions count")
            )
        if self.election_year.errors or self.election_year.data is None:
            return
        term = term_for(self.election_year.data)
        first_day = term.starts_on.replace(month=1, day=1)
        if not first_day <= field.data <= term.ends_on:
            raise ValidationError(
                _(
                    "The deadline must fall within the period %(period)s: from %(first)s to"
                    " %(last)s",
                    period=term.label,
                    first=format_day(first_day),
                    last=format_day(term.ends_on),
                )
            )
