"""A bare Flask + Jinja page of about the size of a course page: the yardstick for bench/pages.py.

Served by gunicorn like the app: `gunicorn -w 2 'bench.bare:create_app()'`, with BARE_BYTES
set to the size in bytes that the page should have.
"""

from __future__ import annotations

import os

from flask import Flask, render_template_string

PAGE = """<!doctype html>
<html lang="sv">
<head><meta charset="utf-8"><title>{{ title }}</title></head>
<body>
<h1>{{ title }}</h1>
{% for paragraph in paragraphs %}<p>{{ paragraph }}</p>
{% endfor %}
</body>
</html>
"""
SENTENCE = "Ett förtroendevalt uppdrag ska gå att utföra tryggt, också när samtalet blir hårt. "


def _paragraphs(size: int) -> list[str]:
    """Return paragraphs that, rendered in PAGE, come to about size bytes."""
    paragraph = SENTENCE * 3
    count = max(1, size // (len(paragraph.encode()) + 8))
    return [f"{number}. {paragraph}" for number in range(count)]


def create_app() -> Flask:
    """Create the bare app: one page, rendered from a template on every request."""
    app = Flask(__name__)
    paragraphs = _paragraphs(int(os.environ.get("BARE_BYTES", "11000")))

    @app.get("/")
    def page():
        return render_template_string(PAGE, title="Tryggt uppdrag", paragraphs=paragraphs)

    return app
