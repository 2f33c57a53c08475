"""Invitations: a single-use sign-in link, valid for days, e-mailed in the official's language."""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update

from course_app.auth.services import create_signin_token
from course_app.extensions import db
from course_app.mail import queue_mail
from course_app.models import Organisation, SignInToken, User
from course_app.models.base import utcnow
from course_app.security import external_url


def invite(user: User, organisation: Organisation, default_locale: str = "sv") -> None:
    """Queue an invitation to user; earlier invitations stop working. Flushes, never commits."""
    db.session.execute(
        update(SignInToken)
        .where(
            SignInToken.user_id == user.id,
            SignInToken.purpose == "invitation",
            SignInToken.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    days = current_app.config["INVITATION_DAYS"]
    token = create_signin_token(user, days * 24 * 60, purpose="invitation")
    with force_locale(user.locale or default_locale):
        link = external_url("auth.use_link", token=token)
        subject = _("You are invited to Tryggt uppdrag")
        body = render_template(
            "security_unit/email/invitation.txt",
            link=link,
            days=days,
            name=user.name,
            organisation=organisation.name,
        )
    queue_mail(user.email, subject, body)
