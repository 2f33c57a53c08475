"""Sign in with a password or an e-mailed link; sign out; choose the language."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user
from sqlalchemy import select

from course_app import audit, security_log
from course_app.auth import links, services, sessions
from course_app.auth.forms import (
    LanguageForm,
    LinkConfirmForm,
    LinkRequestForm,
    LoginForm,
    LogoutForm,
    ResendForm,
    ResumeForm,
)
from course_app.extensions import db, limiter
from course_app.i18n import SESSION_KEY as LOCALE_KEY
from course_app.i18n import current_lang
from course_app.models import User
from course_app.models.base import utcnow
from course_app.security import safe_next

bp = Blueprint("auth", __name__, template_folder="templates")


def _config(name: str):
    return lambda: current_app.config[name]


def _failed(response) -> bool:
    """A refused sign-in (400) failed; only failures count towards the limits.

    Thirty officials signing in from the town hall's one address must all get in.
    """
    return response.status_code >= 400


def _address() -> str:
    return services.normalise_email(request.form.get("email", ""))[:254]


def _address_key() -> str:
    return "address:" + _address()


def _address_and_ip_key() -> str:
    return f"address-ip:{_address()}:{get_remote_address()}"


def _failure_limits(view):
    """Limit failed sign-ins per IP (strict), per address and IP, and per address (a ceiling).

    Someone guessing from one machine is stopped by the first two long before the address's
    ceiling, so the owner can still sign in from their own machine. Every password form
    (/sign-in, /sign-in/continue) draws on the same budgets: the limits are shared by scope,
    not counted per form.
    """
    limits = (
        ("SIGNIN_RATE_LIMIT", "sign-in-ip", get_remote_address),
        ("SIGNIN_ADDRESS_IP_LIMIT", "sign-in-address-ip", _address_and_ip_key),
        ("SIGNIN_ADDRESS_LIMIT", "sign-in-address", _address_key),
    )
    for name, scope, key in limits:
        view = limiter.shared_limit(
            _config(name), scope, methods=["POST"], key_func=key, deduct_when=_failed
        )(view)
    return view


def _sign_in(user: User, next_url: str | None, method: str):
    """Start a new session for user, keep the language, and commit what sign-in carried over.

    Any sign-in voids the user's other open sign-in links and invitations (not a change of
    address waiting for its owner: they sign in to confirm it), and is the account's last.

    What the visitor did as a guest is handed to Flask-Login's user_logged_in receivers
    (learn/ adopts the guest's progress) through g.session_before_sign_in.
    """
    locale = session.get(LOCALE_KEY)
    if locale:
        user.locale = locale  # the latest explicit choice wins
    g.session_before_sign_in = dict(session)
    session.clear()
    login_user(user)
    sessions.start()
    services.void_open_tokens(user.id, services.SIGN_IN)
    user.last_signed_in_at = utcnow()
    audit.record("sign_in.success", user.organisation_id, actor_id=user.id, method=method)
    db.session.commit()
    session.permanent = True
    if locale:
        session[LOCALE_KEY] = locale
    flash(_("You are signed in."), "success")
    return _redirect_next(next_url)


def _refused(method: str, user: User | None) -> None:
    """Put a refused sign-in on record (the organisation's, when the account is known)."""
    db.session.rollback()
    audit.record(
        "sign_in.failure",
        user.organisation_id if user else None,
        subject_id=user.id if user else None,
        method=method,
        address=security_log.address_hash(_address()) if method == "password" else None,
    )
    db.session.commit()


def _refused_password() -> None:
    # Deactivated accounts too: their organisation should see tries to use them.
    _refused("password", db.session.scalar(select(User).where(User.email == _address())))


def _redirect_next(target: str | None):
    return redirect(safe_next(target) or url_for("learn.overview"))


@bp.route("/sign-in", methods=["GET", "POST"])
@_failure_limits
def login():
    """Sign in with e-mail address and password."""
    if current_user.is_authenticated:
        return _redirect_next(request.args.get("next"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            return _sign_in(user, form.next.data, "password")
        _refused_password()
        form.password.errors.append(_("The e-mail address or the password is wrong"))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.post("/sign-in/continue")
@_failure_limits
def resume():
    """Sign in again after the session ended, then offer to send the kept form again."""
    form = ResumeForm()
    carried = sessions.carried_in(request.form)
    resume_to = safe_next(form.resume_to.data)
    if form.validate_on_submit() and resume_to:
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            _sign_in(user, None, "password")
            # The sign-in began a new session: the form below needs a token of the new one.
            g.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
            session.pop("_flashes", None)
            flash(_("You are signed in again. Nothing has been saved yet."), "info")
            return render_template(
                "auth/resend.html", form=ResendForm(), carried=carried, resume_to=resume_to
            )
        _refused_password()
        form.password.errors.append(_("The e-mail address or the password is wrong"))
    return sessions.session_ended_page(carried, resume_to or "", form, 400)


@bp.route("/sign-in/link", methods=["GET", "POST"])
@limiter.limit(_config("LINK_REQUEST_LIMIT"), methods=["POST"])
def request_link():
    """Ask for a single-use sign-in link; the mail worker sends it if the address has an account.

    The request does the same work for every address (one row stored, see links.py), so
    neither the page nor the time it takes tells whether an address has an account. No limit
    per address refuses a request: other machines asking for someone's links must not keep the
    owner from one. The worker sends an address a new link at most every LINK_RESEND_MINUTES.
    """
    form = LinkRequestForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("auth/request_link.html", form=form), status
    links.request_link(form.email.data, safe_next(form.next.data) or "", current_lang())
    security_log.event("link.requested", address=security_log.address_hash(form.email.data))
    db.session.commit()
    return render_template("auth/link_sent.html", email=form.email.data)


@bp.route("/sign-in/link/<token>", methods=["GET", "POST"])
@limiter.limit(_config("SIGNIN_RATE_LIMIT"), methods=["POST"], deduct_when=_failed)
def use_link(token: str):
    """Confirm, then use a sign-in link; a GET alone never uses it up."""
    form = LinkConfirmForm()
    if form.validate_on_submit():
        used = services.consume_token(token)
        if used is not None:
            method = "invitation" if used.purpose == "invitation" else "link"
            return _sign_in(used.user, request.args.get("next"), method)
        _refused("link", services.token_owner(token))
    elif request.method == "GET":
        found = services.find_valid_token(token)
        if found is not None:
            return render_template("auth/use_link.html", form=form, email=found.user.email)
    return render_template("auth/link_invalid.html"), 410 if request.method == "GET" else 400


@bp.post("/sign-out")
def logout():
    """Sign out: end this session everywhere it was copied, keeping the language."""
    if LogoutForm().validate_on_submit():
        locale = session.get(LOCALE_KEY)
        if current_user.is_authenticated:
            locale = locale or current_user.locale
            current_user.record.session_version += 1
            db.session.commit()
            security_log.event("sign_out", user=current_user.id)
        sessions.end_keeping_language(locale)
        flash(_("You are signed out."), "success")
    return redirect(url_for("learn.overview"))


@bp.post("/language")
def set_language():
    """Remember the chosen language, for the session and for a signed-in user."""
    form = LanguageForm()
    if form.validate_on_submit():
        session[LOCALE_KEY] = form.lang.data
        if current_user.is_authenticated:
            current_user.record.locale = form.lang.data
            db.session.commit()
    return _redirect_next(form.next.data)
