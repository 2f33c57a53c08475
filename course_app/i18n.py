"""Locale selection and locale-aware formatting."""

from __future__ import annotations

from flask import Flask, current_app, request, session
from flask_babel import format_date, format_datetime, format_decimal, get_locale, get_translations
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from course_app.extensions import babel

SESSION_KEY = "locale"


def select_locale() -> str:
    """Return the user's choice, then the browser's preference, then Swedish."""
    languages = current_app.config["LANGUAGES"]
    chosen = None
    if current_user and current_user.is_authenticated:
        chosen = current_user.locale
    chosen = chosen or session.get(SESSION_KEY)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def current_lang() -> str:
    """Return the language of the current request ('sv' or 'en')."""
    return str(get_locale().language)


def _template_gettext() -> dict:
    """Give a template the translations of its render once, not looked up again per string.

    The same as Flask-Babel's newstyle gettext and ngettext (autoescaped, always formatted),
    bound to the catalog in force when the template is rendered (force_locale included).
    """
    translations = get_translations()

    @pass_context
    def gettext(context, string, **variables):
        text = translations.ugettext(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    return {"gettext": gettext, "ngettext": ngettext}


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the template helpers for dates and numbers."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_lang"] = current_lang
    app.context_processor(_template_gettext)
    app.jinja_env.filters["datetime"] = lambda value, fmt="medium": format_datetime(value, fmt)
    app.jinja_env.filters["date"] = lambda value, fmt="long": format_date(value, fmt)
    app.jinja_env.filters["number"] = format_decimal
