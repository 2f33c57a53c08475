"""The organisation's local contacts, edited by its security unit."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, StringField, SubmitField, TextAreaField, URLField
from wtforms.validators import Email, Length, Optional, Regexp

from course_app.forms import Form
from course_app.models.organisation import (
    CONTACT_FIELDS,
    EMAIL_LENGTH,
    LINE_LENGTH,
    PHONE_LENGTH,
    TEXT_LENGTH,
    URL_LENGTH,
)

FIELDS = CONTACT_FIELDS


def _strip(value):
    return value.strip().replace("\r\n", "\n") if isinstance(value, str) else value


def _too_long(limit: int):
    return Length(max=limit, message=_l("Use at most %(max)d characters", max=limit))


class ContactsForm(Form):
    security_phone = StringField(
        _l("Phone number of the security unit"),
        filters=[_strip],
        validators=[
            Optional(),
            _too_long(PHONE_LENGTH),
            Regexp(
                r"^\+?[0-9][0-9 ()-]{4,}$",
                message=_l("Enter a phone number using digits, spaces, +, - and brackets"),
            ),
        ],
    )
    security_email = EmailField(
        _l("E-mail address of the security unit"),
        filters=[_strip],
        validators=[
            Optional(),
            _too_long(EMAIL_LENGTH),
            Email(message=_l("Enter an e-mail address like name@example.se")),
            # Stricter than the standard: no ?, &, = or quotes, which a mailto link would read
            # as extra recipients or headers.
            Regexp(
                r"^[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+$",
                message=_l("Enter an e-mail address like name@example.se"),
            ),
        ],
    )
    party_contacts = TextAreaField(
        _l("The parties’ security contacts"),
        filters=[_strip],
        validators=[Optional(), _too_long(TEXT_LENGTH)],
    )
    occupational_health = StringField(
        _l("Occupational health service and counselling"),
        filters=[_strip],
        validators=[Optional(), _too_long(LINE_LENGTH)],
    )
    local_routine = TextAreaField(
        _l("Local routine"), filters=[_strip], validators=[Optional(), _too_long(TEXT_LENGTH)]
    )
    guidelines_url = URLField(
        _l("Link to the guidelines against threats and violence"),
        filters=[_strip],
        validators=[
            Optional(),
            _too_long(URL_LENGTH),
            Regexp(r"^https://[^\s]+$", message=_l("Enter an address that starts with https://")),
        ],
    )
    revision = HiddenField()
    submit = SubmitField(_l("Save the contacts"))
