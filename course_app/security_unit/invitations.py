"""Invitations: a single-use sign-in link, valid for days, e-mailed in the official's language."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import insert, update

from course_app.auth.services import new_token
from course_app.extensions import db
from course_app.mail import queue_mails
from course_app.models import Organisation, SignInToken
from course_app.models.base import utcnow
from course_app.security import external_url


class Invitee(Protocol):
    """What an invitation needs of an account: a User, or a row of its columns."""

    id: int
    email: str
    name: str
    locale: str | None


def invite(user: Invitee, organisation: Organisation, default_locale: str = "sv") -> None:
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
    invite_new([user], organisation, default_locale)


def invite_new(users: Sequence[Invitee], organisation: Organisation, default_locale: str) -> None:
    """Queue an invitation to each of users, who have none yet, in two statements for all."""
    days = current_app.config["INVITATION_DAYS"]
    expires_at = utcnow() + timedelta(days=days)
    tokens, messages = [], []
    for user in users:
        token, token_hash = new_token()
        tokens.append(
            {
                "user_id": user.id,
                "token_hash": token_hash,
                "expires_at": expires_at,
                "purpose": "invitation",
            }
        )
        messages.append(_message(user, token, organisation, days, default_locale))
    if tokens:
        db.session.execute(insert(SignInToken), tokens)
    queue_mails(messages)


def _message(user: Invitee, token: str, organisation: Organisation, days: int, default: str):
    """Return the invitation's address, subject and body, in the user's language."""
    with force_locale(user.locale or default):
        body = render_template(
            "security_unit/email/invitation.txt",
            link=external_url("auth.use_link", token=token),
            days=days,
            name=user.name,
            organisation=organisation.name,
        )
        return user.email, _("You are invited to Tryggt uppdrag"), body
