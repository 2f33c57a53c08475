"""Sign-in forms."""

from __future__ import annotations

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import EmailField, HiddenField, PasswordField, SubmitField
from wtforms.validators import DataRequired, Email, Length, ValidationError

from course_app.forms import Form


class _EmailMixin:
    email = EmailField(
        _l("E-mail address"),
        validators=[
            DataRequired(message=_l("Enter your e-mail address")),
            Length(max=254, message=_l("The e-mail address is too long")),
            Email(message=_l("Enter an e-mail address like name@example.se")),
        ],
    )
    next = HiddenField()


class LoginForm(_EmailMixin, Form):
    password = PasswordField(
        _l("Password"),
        validators=[
            DataRequired(message=_l("Enter your password")),
            Length(max=1024, message=_l("The password is too long")),
        ],
    )
    submit = SubmitField(_l("Sign in"))


class ResumeForm(LoginForm):
    """Sign in again after the session ended, carrying the form that was sent (see sessions.py)."""

    resume_to = HiddenField()


class ResendForm(Form):
    """Send again, signed in, the form that arrived after the session had ended."""

    submit = SubmitField(_l("Send what I wrote"))


class LinkRequestForm(_EmailMixin, Form):
    submit = SubmitField(_l("Send me a sign-in link"))


class LinkConfirmForm(Form):
    submit = SubmitField(_l("Sign in"))


class LogoutForm(Form):
    submit = SubmitField(_l("Sign out"))


class LanguageForm(Form):
    lang = HiddenField()
    next = HiddenField()

    def validate_lang(self, field) -> None:
        if field.data not in current_app.config["LANGUAGES"]:
            raise ValidationError(_l("Choose Swedish or English"))
