"""A knowledge check's draw: which questions one form asks, signed so that it can't be changed.

Each check form carries its draw in a hidden field: the drawn questions, a token that tells the
attempt apart (an attempt is stored once per token) and the token of the learner's latest
attempt when the form was made. The field is signed with the app's secret key (itsdangerous, as
Flask signs its session): a learner can't swap in questions they like, send a draw again under
a new token once its answers have been marked, or keep a form whose questions have changed.
"""

from __future__ import annotations

import random
import re
import secrets
from collections.abc import Collection
from dataclasses import dataclass

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from course_app.catalog import Question, Quiz

SALT = "knowledge-check-draw"
TOKEN = re.compile(r"[A-Za-z0-9_-]{16,64}")


@dataclass(frozen=True)
class Draw:
    """The questions one check form asks, the attempt's token, and the attempt before it."""

    token: str
    questions: tuple[Question, ...]
    # The token of the learner's latest attempt when the form was made, where the store keeps
    # only the latest (a guest's session); "" where every token is kept (the database).
    after: str = ""


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=SALT)


def draw_random() -> random.Random:
    """Return the source of chance for a new draw.

    QUIZ_DRAW_SEED in the app's config fixes it (for tests); unset, it is seeded by the OS.
    """
    return random.Random(current_app.config.get("QUIZ_DRAW_SEED"))


def new_draw(quiz: Quiz, avoid: Collection[str], after: str = "") -> Draw:
    """Draw a new form's questions, those of the learner's last attempt (avoid) last."""
    return Draw(secrets.token_urlsafe(24), quiz.draw(draw_random(), avoid), after)


def sign(draw: Draw, quiz: Quiz) -> str:
    """Return the draw as the signed value of the form's hidden field."""
    ids = [q.id for q in draw.questions]
    data = {"m": quiz.module_id, "v": quiz.version, "t": draw.token, "q": ids, "a": draw.after}
    return _serializer().dumps(data)


def read_draw(value: str | None, quiz: Quiz) -> Draw | None:
    """Return the draw a form was given; None if it was changed or made for other questions."""
    try:
        data = _serializer().loads(value or "")
    except BadSignature:
        return None
    made_for = (quiz.module_id, quiz.version)
    if not isinstance(data, dict) or (data.get("m"), data.get("v")) != made_for:
        return None
    ids, token = list(data.get("q") or []), str(data.get("t") or "")
    questions = quiz.questions_with(ids)
    if not questions or len(questions) != len(ids) or not TOKEN.fullmatch(token):
        return None
    return Draw(token, questions, str(data.get("a") or ""))
