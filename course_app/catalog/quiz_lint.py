"""Warnings about knowledge checks that common sense could pass (pure, no Flask).

A check tests the course only if the right answer can't be spotted by its form. The most
common give-away is that the correct option is the longest: a warning, not an error, when
that holds in more than half of a check's single-choice questions, in any language.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from course_app.catalog.model import Catalog
from course_app.catalog.quiz import Question, Quiz
from course_app.catalog.schema import Problem


def correct_is_longest(question: Question, lang: str) -> bool:
    """Return True if the correct option's text is strictly longer than every other option's."""
    right = [len(o.text(lang)) for o in question.options if o.correct]
    wrong = [len(o.text(lang)) for o in question.options if not o.correct]
    return len(right) == 1 and right[0] > max(wrong, default=0)


def longest_correct_share(quiz: Quiz, lang: str) -> tuple[int, int]:
    """Return (questions where the correct option is the longest, single-choice questions)."""
    single = [q for q in quiz.questions if not q.multiple]
    return sum(correct_is_longest(q, lang) for q in single), len(single)


def quiz_warnings(catalog: Catalog, quiz_dir: Path, languages: Sequence[str]) -> list[Problem]:
    """Return a warning for each check and language where the longest option gives it away."""
    warnings = []
    for module in catalog.modules:
        if module.quiz is None:
            continue
        for lang in languages:
            longest, single = longest_correct_share(module.quiz, lang)
            if longest * 2 > single:
                message = (
                    f"warning: the correct option is the longest in {longest} of {single}"
                    f" single-choice questions ({lang}); write wrong options as long as the"
                    " right one"
                )
                warnings.append(Problem(quiz_dir / f"{module.id}.yaml", 1, message))
    return warnings
