"""A module's knowledge check and how an attempt is scored (pure, no Flask)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

DEFAULT_PASS_MARK = 80


@dataclass(frozen=True)
class Option:
    """One answer option, with its text and the feedback that explains it, per language."""

    id: str
    correct: bool
    texts: Mapping[str, str]
    feedback: Mapping[str, str]

    def text(self, lang: str) -> str:
        """Return the option's text in lang."""
        return self.texts[lang]

    def explanation(self, lang: str) -> str:
        """Return the feedback on the option in lang."""
        return self.feedback[lang]


@dataclass(frozen=True)
class Question:
    """A single- or multiple-choice question."""

    id: str
    multiple: bool
    texts: Mapping[str, str]
    options: tuple[Option, ...]
    # The id of the step in the module that teaches the answer; the result page links to it.
    step_id: str | None = None

    def text(self, lang: str) -> str:
        """Return the question's text in lang."""
        return self.texts[lang]

    @property
    def correct_ids(self) -> frozenset[str]:
        """Return the ids of the correct options."""
        return frozenset(o.id for o in self.options if o.correct)

    def is_right(self, chosen: frozenset[str] | set[str]) -> bool:
        """Return True if exactly the correct options were chosen."""
        return frozenset(chosen) == self.correct_ids


@dataclass(frozen=True)
class Score:
    """The outcome of one attempt."""

    correct: int
    total: int
    passed: bool

    @property
    def percent(self) -> int:
        """Return the share of right answers, rounded down to a whole percent."""
        return self.correct * 100 // self.total if self.total else 0


@dataclass(frozen=True)
class Quiz:
    """The knowledge check of one module."""

    module_id: str
    version: str
    pass_mark: int
    questions: tuple[Question, ...]

    def score(self, answers: Mapping[str, set[str] | frozenset[str]]) -> Score:
        """Score answers (question id -> chosen option ids); a question is right or wrong."""
        correct = sum(q.is_right(answers.get(q.id, frozenset())) for q in self.questions)
        total = len(self.questions)
        return Score(correct, total, correct * 100 >= self.pass_mark * total)

    def question(self, question_id: str) -> Question | None:
        """Return the question with that id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)
