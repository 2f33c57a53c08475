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
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from course_app.auth import services
from course_app.auth.forms import (
    LanguageForm,
    LinkConfirmForm,
    LinkRequestForm,
    LoginForm,
    LogoutForm,
)
from course_app.extensions import db, limiter
from course_app.i18n import SESSION_KEY as LOCALE_KEY
from course_app.i18n import current_lang
from course_app.mail import queue_mail
from course_app.models import User
from course_app.security import external_url, safe_next

bp = Blueprint("auth", __name__, template_folder="templates")


def _signin_limit() -> str:
    return current_app.config["SIGNIN_RATE_LIMIT"]


def _email_key() -> str:
    """Count attempts per address too, so one address cannot be tried from many machines."""
    return "email:" + services.normalise_email(request.form.get("email", ""))[:254]


def _sign_in(user: User, next_url: str | None):
    """Start a new session for user, keep the language, and commit what sign-in carried over.

    What the visitor did as a guest is handed to Flask-Login's user_logged_in receivers
    (learn/ adopts the guest's progress) through g.session_before_sign_in.
    """
    locale = session.get(LOCALE_KEY)
    if locale:
        user.locale = locale  # the latest explicit choice wins
    g.session_before_sign_in = dict(session)
    session.clear()
    login_user(user)
    db.session.commit()
    session.permanent = True
    if locale:
        session[LOCALE_KEY] = locale
    flash(_("You are signed in."), "success")
    return _redirect_next(next_url)


def _redirect_next(target: str | None):
    return redirect(safe_next(target) or url_for("learn.overview"))


@bp.route("/sign-in", methods=["GET", "POST"])
@limiter.limit(_signin_limit, methods=["POST"])
@limiter.limit(_signin_limit, methods=["POST"], key_func=_email_key)
def login():
    """Sign in with e-mail address and password."""
    if current_user.is_authenticated:
        return _redirect_next(request.args.get("next"))
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = services.authenticate(form.email.data, form.password.data)
        if user is not None:
            return _sign_in(user, form.next.data)
        form.password.errors.append(_("The e-mail address or the password is wrong"))
    status = 400 if form.errors else 200
    return render_template("auth/login.html", form=form), status


@bp.route("/sign-in/link", methods=["GET", "POST"])
@limiter.limit(_signin_limit, methods=["POST"])
@limiter.limit(_signin_limit, methods=["POST"], key_func=_email_key)
def request_link():
    """Queue a single-use sign-in link to the address, if it belongs to a user."""
    form = LinkRequestForm(next=request.args.get("next", ""))
    if not form.validate_on_submit():
        status = 400 if form.errors else 200
        return render_template("auth/request_link.html", form=form), status
    user = services.find_user(form.email.data)
    if user is not None:
        token = services.create_signin_token(user, current_app.config["SIGNIN_LINK_MINUTES"])
        _queue_link(user, token, form.next.data)
    # The token and its e-mail are committed together; the page never waits for the mail server.
    db.session.commit()
    return render_template("auth/link_sent.html", email=form.email.data)


def _queue_link(user: User, token: str, next_url: str | None) -> None:
    minutes = current_app.config["SIGNIN_LINK_MINUTES"]
    with force_locale(user.locale or current_lang()):
        link = external_url("auth.use_link", token=token, next=safe_next(next_url))
        subject = _("Your sign-in link for Tryggt uppdrag")
        body = render_template("auth/email_link.txt", link=link, minutes=minutes)
    queue_mail(user.email, subject, body)


@bp.route("/sign-in/link/<token>", methods=["GET", "POST"])
@limiter.limit(_signin_limit, methods=["POST"])
def use_link(token: str):
    """Confirm, then use a sign-in link; a GET alone never uses it up."""
    form = LinkConfirmForm()
    if form.validate_on_submit():
        user = services.consume_token(token)
        if user is not None:
            return _sign_in(user, request.args.get("next"))
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
            current_user.session_version += 1
            db.session.commit()
        logout_user()
        session.clear()
        if locale:
            session[LOCALE_KEY] = locale
        flash(_("You are signed out."), "success")
    return redirect(url_for("learn.overview"))


@bp.post("/language")
def set_language():
    """Remember the chosen language, for the session and for a signed-in user."""
    form = LanguageForm()
    if form.validate_on_submit():
        session[LOCALE_KEY] = form.lang.data
        if current_user.is_authenticated:
            current_user.locale = form.lang.data
            db.session.commit()
    return _redirect_next(form.next.data)
