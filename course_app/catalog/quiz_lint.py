"""Warnings about knowledge checks that common sense could pass (pure, no Flask).

A check tests the course only if the right answer can't be spotted by its form. The common
give-aways are that the correct option is the longest, or the shortest: a warning, not an error,
when the correct option is the longest in more than half, or the shortest in more than a third,
of a check's single-choice questions, in any language.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from course_app.catalog.model import Catalog
from course_app.catalog.quiz import Question, Quiz
from course_app.catalog.schema import Problem


def _lengths(question: Question, lang: str) -> tuple[list[int], list[int]]:
    """Return the text lengths of the correct options and of the wrong ones."""
    right = [len(o.text(lang)) for o in question.options if o.correct]
    wrong = [len(o.text(lang)) for o in question.options if not o.correct]
    return right, wrong


def correct_is_longest(question: Question, lang: str) -> bool:
    """Return True if the correct option's text is strictly longer than every other option's."""
    right, wrong = _lengths(question, lang)
    return len(right) == 1 and right[0] > max(wrong, default=0)


def correct_is_shortest(question: Question, lang: str) -> bool:
    """Return True if the correct option's text is strictly shorter than every other option's."""
    right, wrong = _lengths(question, lang)
    return len(right) == 1 and bool(wrong) and right[0] < min(wrong)


def longest_correct_share(quiz: Quiz, lang: str) -> tuple[int, int]:
    """Return (questions where the correct option is the longest, single-choice questions)."""
    single = [q for q in quiz.questions if not q.multiple]
    return sum(correct_is_longest(q, lang) for q in single), len(single)


def shortest_correct_share(quiz: Quiz, lang: str) -> tuple[int, int]:
    """Return (questions where the correct option is the shortest, single-choice questions)."""
    single = [q for q in quiz.questions if not q.multiple]
    return sum(correct_is_shortest(q, lang) for q in single), len(single)


def _warnings_of(quiz: Quiz, lang: str) -> list[str]:
    """Return the warnings about one check in one language."""
    messages = []
    longest, single = longest_correct_share(quiz, lang)
    if longest * 2 > single:
        messages.append(
            f"warning: the correct option is the longest in {longest} of {single}"
            f" single-choice questions ({lang}); write wrong options as long as the right one"
        )
    shortest, single = shortest_correct_share(quiz, lang)
    if shortest * 3 > single:
        messages.append(
            f"warning: the correct option is the shortest in {shortest} of {single}"
            f" single-choice questions ({lang}); write the right option as fully as the wrong ones"
        )
    return messages


def quiz_warnings(catalog: Catalog, quiz_dir: Path, languages: Sequence[str]) -> list[Problem]:
    """Return a warning for each check and language where an option's length gives it away."""
    warnings = []
    for module in catalog.modules:
        if module.quiz is None:
            continue
        for lang in languages:
            for message in _warnings_of(module.quiz, lang):
                warnings.append(Problem(quiz_dir / f"{module.id}.yaml", 1, message))
    return warnings
