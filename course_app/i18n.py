"""Locale selection and locale-aware formatting."""

from __future__ import annotations

import functools
import weakref
from datetime import date, datetime

from babel import Locale
from babel import dates as babel_dates
from flask import Flask, current_app, request, session
from flask_babel import format_decimal, get_locale, get_translations, to_user_timezone
from flask_babel import gettext as _
from flask_login import current_user
from jinja2 import pass_context
from markupsafe import Markup

from course_app.extensions import babel
from course_app.training.periods import period_label

SESSION_KEY = "locale"


def select_locale() -> Locale:
    """Return the user's choice, then the browser's preference, then Swedish."""
    languages = current_app.config["LANGUAGES"]
    chosen = None
    if current_user and current_user.is_authenticated:
        chosen = current_user.locale
    chosen = chosen or session.get(SESSION_KEY)
    if chosen in languages:
        return _locale(chosen)
    return _locale(request.accept_languages.best_match(languages) or languages[0])


@functools.cache
def _locale(language: str) -> Locale:
    """Return the language's Locale, made once: Flask-Babel would parse its code per request."""
    return Locale.parse(language)


def current_lang() -> str:
    """Return the language of the current request ('sv' or 'en')."""
    return str(get_locale().language)


# Per catalog (a catalog is loaded once per process and language), its texts without variables.
_FIXED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def _template_gettext() -> dict:
    """Give a template the translations of its render once, not looked up again per string.

    The same as Flask-Babel's newstyle gettext and ngettext (autoescaped, always formatted),
    bound to the catalog in force when the template is rendered (force_locale included).
    """
    translations = get_translations()
    fixed = _FIXED.setdefault(translations, {})

    @pass_context
    def gettext(context, string, **variables):
        if not variables and context.eval_ctx.autoescape:
            # A text without variables is the same on every page: translated once per catalog.
            found = fixed.get(string)
            if found is None:
                found = fixed[string] = Markup(translations.ugettext(string)) % variables
            return found
        text = translations.ugettext(string)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    @pass_context
    def ngettext(context, singular, plural, num, **variables):
        variables.setdefault("num", num)
        text = translations.ungettext(singular, plural, num)
        return (Markup(text) if context.eval_ctx.autoescape else text) % variables

    # "_" too, the same function: Jinja's alias for it would look "gettext" up on every call.
    return {"gettext": gettext, "_": gettext, "ngettext": ngettext}


# English as written in Sweden: 23 November 2026, 20:06 (not the US order or a 12-hour clock).
FORMAT_LOCALES = {"sv": "sv_SE", "en": "en_GB"}


def _format_locale() -> str:
    return FORMAT_LOCALES.get(current_lang(), current_lang())


def format_day(value) -> str:
    """Return a date (or a moment's date in Stockholm) the one way the app writes dates."""
    if isinstance(value, datetime):
        value = to_user_timezone(value).date()
    return _long_date(value, _format_locale())


@functools.lru_cache(maxsize=4096)
def _long_date(day: date, locale: str) -> str:
    """Return day written out in locale: the same text every time, so formatted once."""
    return babel_dates.format_date(day, "long", locale=locale)


def format_moment(value: datetime) -> str:
    """Return a moment the one way the app writes it: the date, then the time in Stockholm."""
    local = to_user_timezone(value)
    time = babel_dates.format_time(local, "HH:mm", locale=_format_locale())
    return _("%(date)s at %(time)s", date=format_day(value), time=time)


def init_app(app: Flask) -> None:
    """Set up Flask-Babel and the template helpers for dates and numbers."""
    babel.init_app(app, locale_selector=select_locale)
    app.jinja_env.globals["current_lang"] = current_lang
    app.jinja_env.globals["period_label"] = period_label
    app.context_processor(_template_gettext)
    # One format for dates and one for moments, in each language.
    app.jinja_env.filters["datetime"] = format_moment
    app.jinja_env.filters["date"] = format_day
    app.jinja_env.filters["number"] = format_decimal
