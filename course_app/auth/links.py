"""Sign-in links by e-mail: asked for in a request, made and queued by the mail worker.

The request stores a LinkRequest whatever the address. The worker (`flask mail deliver`, or
right after the request in development) turns each into a link and an e-mail when the address
belongs to an active account, and otherwise just deletes it.
"""

from __future__ import annotations

from contextlib import nullcontext
from datetime import datetime, timedelta

from flask import Flask, current_app, g, has_request_context, render_template
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import delete, exists, select

from course_app import security_log
from course_app.auth import services
from course_app.extensions import db
from course_app.mail import queue_mail
from course_app.models import LinkRequest, SignInToken, User
from course_app.models.base import utcnow
from course_app.security import external_url


def request_link(email: str, next_url: str, locale: str) -> None:
    """Store a request for a link to email (flushed, not committed)."""
    db.session.add(
        LinkRequest(email=services.normalise_email(email), next_url=next_url, locale=locale)
    )
    db.session.flush()
    g.mail_queued = True


def expand_pending(limit: int = 100) -> int:
    """Turn waiting link requests into links and queued e-mails; commit; return how many mails.

    A new link voids the account's earlier open links (invitations stay valid). An account
    whose last link is still open and younger than LINK_RESEND_MINUTES gets none.
    """
    if not db.session().in_transaction():
        db.session.connection(execution_options={"sqlite_begin_immediate": True})
    requests = db.session.scalars(
        select(LinkRequest).order_by(LinkRequest.id).limit(limit).with_for_update(skip_locked=True)
    ).all()
    queued = 0
    context = (
        nullcontext()
        if has_request_context()
        else current_app.test_request_context(base_url=current_app.config["BASE_URL"])
    )
    resend = timedelta(minutes=current_app.config["LINK_RESEND_MINUTES"])
    with context:
        for pending in requests:
            user = services.find_user(pending.email)
            if user is None:
                continue
            if _open_link_since(user.id, utcnow() - resend):
                # The link sent a moment ago still works: however often anyone asks, the inbox
                # gets one mail per LINK_RESEND_MINUTES and the owner's link stays valid.
                security_log.event("link.not_resent", user=user.id, ip="-", endpoint="mail-worker")
                continue
            services.void_open_tokens(user.id, ("link",))
            _queue_link(user, pending)
            queued += 1
            security_log.event("link.sent", user=user.id, ip="-", endpoint="mail-worker")
    if requests:
        db.session.execute(delete(LinkRequest).where(LinkRequest.id.in_([r.id for r in requests])))
    db.session.commit()
    return queued


def _open_link_since(user_id: int, since: datetime) -> bool:
    """Return True if the user has an unused, unexpired sign-in link made since then."""
    stmt = select(
        exists().where(
            SignInToken.user_id == user_id,
            SignInToken.purpose == "link",
            SignInToken.used_at.is_(None),
            SignInToken.expires_at > utcnow(),
            SignInToken.created_at >= since,
        )
    )
    return bool(db.session.scalar(stmt))


def _queue_link(user: User, pending: LinkRequest) -> None:
    minutes = current_app.config["SIGNIN_LINK_MINUTES"]
    token = services.create_signin_token(user, minutes)
    with force_locale(user.locale or pending.locale):
        link = external_url("auth.use_link", token=token, next=pending.next_url or None)
        subject = _("Your sign-in link for Tryggt uppdrag")
        body = render_template("auth/email_link.txt", link=link, minutes=minutes)
    queue_mail(user.email, subject, body)


def init_app(app: Flask) -> None:
    """Let the mail worker make the links asked for before it sends what is queued."""
    app.extensions.setdefault("mail_producers", []).append(expand_pending)
