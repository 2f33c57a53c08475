"""A module's knowledge check, how an attempt draws its questions and is scored (pure, no Flask)."""

from __future__ import annotations

import random
from collections.abc import Collection, Iterable, Mapping, Sequence
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
    """The knowledge check of one module: a pool of questions, of which each attempt asks some."""

    module_id: str
    version: str
    pass_mark: int
    questions: tuple[Question, ...]
    # How many questions an attempt asks; None: all of them.
    ask: int | None = None

    @property
    def asked_count(self) -> int:
        """Return how many questions an attempt asks."""
        return len(self.questions) if self.ask is None else self.ask

    def quotas(self) -> dict[str | None, int]:
        """Return how many questions a draw takes from each step, in the order of the pool.

        Every step gets an even share; what is left over goes to the steps with most questions.
        """
        sizes: dict[str | None, int] = {}
        for question in self.questions:
            sizes[question.step_id] = sizes.get(question.step_id, 0) + 1
        share, left = divmod(self.asked_count, len(sizes) or 1)
        largest = sorted(sizes, key=lambda step: -sizes[step])[:left]
        return {step: share + (step in largest) for step in sizes}

    def draw(
        self, rng: random.Random, avoid: Collection[str] = frozenset()
    ) -> tuple[Question, ...]:
        """Draw an attempt's questions: each step's share, those not in avoid first, pool order.

        avoid holds the questions of the learner's previous attempt, so that a retake differs.
        """
        chosen: set[str] = set()
        for step, count in self.quotas().items():
            ids = [q.id for q in self.questions if q.step_id == step]
            rng.shuffle(ids)
            ids.sort(key=lambda question_id: question_id in avoid)
            chosen.update(ids[:count])
        return self.questions_with(chosen)

    def questions_with(self, ids: Iterable[str]) -> tuple[Question, ...]:
        """Return the questions of the pool whose id is in ids, in the pool's order."""
        wanted = set(ids)
        return tuple(q for q in self.questions if q.id in wanted)

    def score(
        self,
        answers: Mapping[str, set[str] | frozenset[str]],
        asked: Sequence[Question] | None = None,
    ) -> Score:
        """Score answers (question id -> chosen option ids) to the asked questions (default all)."""
        asked = self.questions if asked is None else asked
        correct = sum(q.is_right(answers.get(q.id, frozenset())) for q in asked)
        total = len(asked)
        return Score(correct, total, correct * 100 >= self.pass_mark * total)

    def question(self, question_id: str) -> Question | None:
        """Return the question with that id, or None."""
        return next((q for q in self.questions if q.id == question_id), None)
