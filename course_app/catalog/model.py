"""Frozen dataclasses for the course: modules of three steps, in every language."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from course_app.catalog.quiz import Quiz

CONTACTS = "contacts"


@dataclass(frozen=True)
class Item:
    """A reflection question or checklist item with a stable id."""

    id: str
    text: str


@dataclass(frozen=True)
class BodyPart:
    """A piece of a step's body: sanitised HTML, or a placeholder filled in per organisation."""

    kind: str
    html: str = ""


@dataclass(frozen=True)
class Source:
    """A source or further reading; url is None for a local document such as own guidelines."""

    text: str
    url: str | None = None


@dataclass(frozen=True)
class StepText:
    """One step in one language."""

    title: str
    body: tuple[BodyPart, ...]
    questions: tuple[Item, ...]
    checklist: tuple[Item, ...]
    words: int
    minutes: int

    @property
    def body_html(self) -> str:
        """Return the body's HTML without its placeholders."""
        return "".join(part.html for part in self.body)

    @functools.cached_property
    def shows_contacts(self) -> bool:
        """Return True if the body has the local contacts box (worked out once per process)."""
        return any(part.kind == CONTACTS for part in self.body)


@dataclass(frozen=True)
class Step:
    """A step of a module: stable id, position, content version and its texts."""

    id: str
    number: int
    version: str
    texts: Mapping[str, StepText]

    def text(self, lang: str) -> StepText:
        """Return the text in lang, or in the first language if lang is missing."""
        return self.texts.get(lang) or next(iter(self.texts.values()))

    @property
    def question_ids(self) -> tuple[str, ...]:
        """Return the ids of the reflection questions (the same in every language)."""
        return tuple(q.id for q in next(iter(self.texts.values())).questions)

    @property
    def checklist_ids(self) -> frozenset[str]:
        """Return the ids of the checklist items (the same in every language)."""
        return frozenset(i.id for i in next(iter(self.texts.values())).checklist)


@dataclass(frozen=True)
class ModuleText:
    """A module's title, summary and introduction in one language."""

    title: str
    summary: str
    intro_html: str
    sources: tuple[Source, ...] = ()


@dataclass(frozen=True)
class Module:
    """A module: exactly three steps."""

    id: str
    order: int
    version: str
    texts: Mapping[str, ModuleText]
    steps: tuple[Step, ...]
    quiz: Quiz | None = None

    def text(self, lang: str) -> ModuleText:
        """Return the text in lang, or in the first language if lang is missing."""
        return self.texts.get(lang) or next(iter(self.texts.values()))

    def step(self, number: int) -> Step | None:
        """Return step number (1-based), or None if there is no such step."""
        if 1 <= number <= len(self.steps):
            return self.steps[number - 1]
        return None

    def step_with_id(self, step_id: str | None) -> Step | None:
        """Return the step with that id, or None."""
        return next((s for s in self.steps if s.id == step_id), None)

    def steps_done(self, done_step_ids) -> bool:
        """Return True if every step's id is among done_step_ids."""
        return all(step.id in done_step_ids for step in self.steps)

    def is_complete(self, done_step_ids, check_passed: bool) -> bool:
        """Return True if every step is done and the knowledge check, if any, is passed."""
        return self.steps_done(done_step_ids) and (self.quiz is None or check_passed)

    def minutes(self, lang: str) -> int:
        """Return the estimated minutes of the whole module in lang."""
        return sum(step.text(lang).minutes for step in self.steps)


@dataclass(frozen=True)
class Catalog:
    """All modules, in course order."""

    modules: tuple[Module, ...]

    def module(self, module_id: str) -> Module | None:
        """Return the module with that id, or None."""
        return next((m for m in self.modules if m.id == module_id), None)
