"""Estimated time of a step, computed from its text rather than typed by hand.

A reader of plain Swedish reads about 180 words a minute on a screen. Each
reflection question is given 1.5 minutes of thought and each checklist item
a quarter of a minute. The total is rounded up to whole minutes; a step must
land between MIN_MINUTES and MAX_MINUTES.
"""

from __future__ import annotations

import math
import re

WORDS_PER_MINUTE = 180
MINUTES_PER_QUESTION = 1.5
MINUTES_PER_CHECKLIST_ITEM = 0.25
MIN_MINUTES = 5
MAX_MINUTES = 10

_WORD = re.compile(r"[\w’'-]+", re.UNICODE)


def count_words(text: str) -> int:
    """Return the number of words in text (Markdown punctuation ignored)."""
    return len(_WORD.findall(text))


def estimate_minutes(words: int, questions: int, checklist_items: int) -> int:
    """Return the estimated whole minutes for a step."""
    total = (
        words / WORDS_PER_MINUTE
        + questions * MINUTES_PER_QUESTION
        + checklist_items * MINUTES_PER_CHECKLIST_ITEM
    )
    return math.ceil(round(total, 6))
