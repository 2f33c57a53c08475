"""Page addresses for templates: each built once per process, not on every page.

A page names a dozen addresses (the menu, the style sheets, the steps), and werkzeug builds each
from the URL map on every call. An address made only of its route's own parts (a module id, a
step number, a file name) is the same on every request under the same script root, so it is
kept. Anything else is built as usual: query arguments (a search, a next page), anchors,
external addresses, and endpoints relative to the current blueprint.
"""

from __future__ import annotations

from flask import Flask, has_request_context, request, url_for
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter, ValidationError

# At most this many addresses are kept: the course's pages and files come to a few hundred.
KEPT = 4096
# The largest id the database holds (PostgreSQL's integer): a larger one names nothing.
LARGEST_ID = 2**31 - 1


class DatabaseInt(IntegerConverter):
    """`<int:...>` in every route: a number beyond the database's integers names nothing (404).

    Without the bound, such a number reaches the database, where SQLite cannot take it (500).
    """

    def __init__(self, map, fixed_digits=0, min=None, max=LARGEST_ID, signed=False) -> None:
        super().__init__(map, fixed_digits, min, max, signed)

    def to_python(self, value: str) -> int:
        """Return the number, or raise NotFound if it is beyond the bound.

        NotFound rather than werkzeug's ValidationError: where one address has a GET rule and a
        POST rule (the roster preview), a failed conversion would answer 405 to one of them.
        """
        try:
            return super().to_python(value)
        except ValidationError:
            raise NotFound() from None


def init_converters(app: Flask) -> None:
    """Bound every route's int to the database's integers; call before any route is added."""
    app.url_map.converters["int"] = DatabaseInt


def init_app(app: Flask) -> None:
    """Give templates a url_for that keeps route-only addresses; call after every blueprint."""
    found: dict[str, set[str]] = {}
    for rule in app.url_map.iter_rules():
        found.setdefault(rule.endpoint, set()).update(rule.arguments)
    route_parts = {endpoint: frozenset(names) for endpoint, names in found.items()}

    kept: dict[tuple, str] = {}

    def page_url(endpoint: str, **values) -> str:
        if not has_request_context():  # a message rendered by a command
            return url_for(endpoint, **values)
        key = (request.script_root, endpoint, *values.items())
        try:
            return kept[key]
        except (KeyError, TypeError):  # not kept yet, or a value that is not hashable
            pass
        address = url_for(endpoint, **values)
        if (
            len(kept) < KEPT
            and endpoint in route_parts  # not one relative to the current blueprint
            and values.keys() <= route_parts[endpoint]
            and all(type(value) in (str, int) for value in values.values())
        ):
            kept[key] = address
        return address

    app.jinja_env.globals["url_for"] = page_url
