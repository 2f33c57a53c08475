"""Forms of the officials pages: the list's search, an official's details and the action buttons."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    RadioField,
    SearchField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
)
from wtforms.validators import DataRequired, Email, InputRequired, Length

from course_app.forms import Form
from course_app.models import AssignmentRole, Extent
from course_app.security_unit.labels import EXTENT_LABELS, ROLE_LABELS
from course_app.security_unit.officials import ACTIVE, DEACTIVATED, Filters

NAME_LENGTH = 200
EMAIL_LENGTH = 254
# Each language named in itself, as on the language switch.
LANGUAGES = {"sv": "Svenska", "en": "English"}


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _lower(value):
    return value.lower() if isinstance(value, str) else value


class SeatFilterForm(Form):
    """Filters by an assignment's party, body, role and extent, sent by GET; the choices of
    party and body are the organisation's, set per request."""

    class Meta:
        csrf = False

    party = SelectField(_l("Party"), choices=[], default="")
    body = SelectField(_l("Body"), choices=[], default="")
    role = SelectField(_l("Role"), choices=[], default="")
    extent = SelectField(_l("Extent"), choices=[], default="")

    def set_choices(self, parties, bodies) -> None:
        """Offer the organisation's parties and bodies and the fixed roles and extents."""
        anyone = SelectChoice("", _l("Any"))
        self.party.choices = [anyone, *(SelectChoice(str(i), name) for i, name in parties)]
        self.body.choices = [anyone, *(SelectChoice(str(i), name) for i, name in bodies)]
        self.role.choices = [
            anyone,
            *(SelectChoice(r.value, ROLE_LABELS[r]) for r in AssignmentRole),
        ]
        self.extent.choices = [anyone, *(SelectChoice(e.value, EXTENT_LABELS[e]) for e in Extent)]

    def seat_filters(self, **more) -> Filters:
        """Return the filters the form asks for; a value that is not a choice is ignored."""
        party, body = _chosen(self.party), _chosen(self.body)
        role, extent = _chosen(self.role), _chosen(self.extent)
        return Filters(
            party_id=int(party) if party else None,
            body_id=int(body) if body else None,
            role=AssignmentRole(role) if role else None,
            extent=Extent(extent) if extent else None,
            **more,
        )


def _chosen(field):
    return field.data if field.data and not field.errors else None


class OfficialsFilterForm(SeatFilterForm):
    """The officials list's search and filters."""

    q = SearchField(_l("Name or e-mail address"), filters=[_strip])
    status = SelectField(_l("Status"), choices=[], default="")
    submit = SubmitField(_l("Show officials"))

    def set_choices(self, parties, bodies) -> None:
        """Offer the seat filters' choices and the statuses."""
        super().set_choices(parties, bodies)
        self.status.choices = [
            SelectChoice("", _l("Any")),
            SelectChoice(ACTIVE, _l("Active")),
            SelectChoice(DEACTIVATED, _l("Deactivated")),
        ]

    def filters(self, max_query: int) -> Filters:
        """Return the search and filters the form asks for (the search cut to max_query)."""
        return self.seat_filters(q=(self.q.data or "")[:max_query], status=_chosen(self.status))


class OfficialForm(Form):
    """An official's name, e-mail address and language."""

    name = StringField(
        _l("Name"),
        filters=[_strip],
        validators=[
            DataRequired(message=_l("Enter the official’s name")),
            Length(max=NAME_LENGTH, message=_l("Use at most %(max)d characters", max=NAME_LENGTH)),
        ],
    )
    email = EmailField(
        _l("E-mail address"),
        filters=[_strip, _lower],
        validators=[
            DataRequired(message=_l("Enter the official’s e-mail address")),
            Length(
                max=EMAIL_LENGTH, message=_l("Use at most %(max)d characters", max=EMAIL_LENGTH)
            ),
            # No DNS look-up, but no internationalised local part or empty one either.
            Email(
                message=_l("Enter an e-mail address like name@example.se"),
                allow_smtputf8=False,
                allow_empty_local=False,
            ),
        ],
    )
    locale = RadioField(
        _l("Language"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGES.items()],
        validators=[InputRequired(message=_l("Choose the official’s language"))],
    )
    submit = SubmitField(_l("Save the official’s details"))


class DeactivateForm(Form):
    """Deactivation, confirmed by a tick."""

    confirm = BooleanField(
        _l("Yes, deactivate this account and sign the official out everywhere"),
        validators=[
            DataRequired(
                message=_l("Tick the box to confirm that the account is to be deactivated")
            )
        ],
    )
    submit = SubmitField(_l("Deactivate the account"))
