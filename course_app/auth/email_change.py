"""A change of an account's e-mail address, which the account's owner confirms.

Whoever reads an account's address can sign in as its owner (links.py), so a new address is the
owner's to accept. Someone else (the security unit) may ask for one: a link goes to the new
address and a notice to the current one. The link signs no one in. It works only for the
owner, signed in as they are today; then the address changes and every session of the account
ends. The one exception, an account never signed in to, holds nothing of its owner's yet: the
security unit corrects its address directly (security_unit/officials.py).

Writes flush; the view commits.
"""

from __future__ import annotations

from flask import current_app, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select

from course_app.auth import services
from course_app.extensions import db
from course_app.mail import queue_mail
from course_app.models import SignInToken, User
from course_app.models.base import utcnow
from course_app.security import external_url


def pending(user_id: int) -> SignInToken | None:
    """Return the user's change of address waiting for confirmation, or None."""
    stmt = select(SignInToken).where(
        SignInToken.user_id == user_id,
        SignInToken.purpose == services.EMAIL_CHANGE,
        SignInToken.used_at.is_(None),
        SignInToken.expires_at > utcnow(),
    )
    return db.session.scalars(stmt.order_by(SignInToken.id.desc())).first()


def request_change(user: User, new_email: str, organisation: str) -> None:
    """Queue a confirmation link to new_email and a notice to the user's address; flush.

    An earlier request stops working: only the latest address can be confirmed.
    """
    new_email = services.normalise_email(new_email)
    services.void_open_tokens(user.id, (services.EMAIL_CHANGE,))
    days = current_app.config["INVITATION_DAYS"]
    token = services.create_signin_token(
        user, days * 24 * 60, purpose=services.EMAIL_CHANGE, new_email=new_email
    )
    values = {"name": user.name, "organisation": organisation, "days": days, "new": new_email}
    with force_locale(user.locale or "sv"):
        link = external_url("account.confirm_email", token=token)
        queue_mail(
            new_email,
            _("Confirm your new e-mail address for Tryggt uppdrag"),
            render_template("auth/email_change_confirm.txt", link=link, **values),
        )
        queue_mail(
            user.email,
            _("A new e-mail address has been given for your account"),
            render_template("auth/email_change_notice.txt", old=user.email, **values),
        )


def apply_change(user: User, new_email: str) -> None:
    """Give user the new address, end every session and every open link of theirs; flush.

    The links went to the old address; the sessions may have begun with it.
    """
    user.email = services.normalise_email(new_email)
    user.session_version += 1
    services.void_open_tokens(user.id)
    db.session.flush()
