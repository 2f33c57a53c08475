"""Load quizzes/<module>.yaml, one knowledge check per module, checking every rule."""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import MappingProxyType

import yaml

from course_app.catalog.model import Module
from course_app.catalog.quiz import DEFAULT_PASS_MARK, Option, Question, Quiz
from course_app.catalog.schema import Problem, check_mapping
from course_app.catalog.yamlsource import error_line, load_yaml

QUIZ_KEYS = {"module": str, "pass_mark": int, "ask": int, "questions": list}
QUESTION_KEYS = {"id": str, "type": str, "step": str, "text": dict, "options": list}
OPTION_KEYS = {"id": str, "text": dict, "feedback": dict, "correct": bool}
QUESTION_TYPES = ("single", "multiple")
# How many questions an attempt asks; the pool holds at least one and a half times as many.
ASK = (5, 8)
OPTIONS = (2, 6)


class _Reader:
    """Reads one quiz file, reporting each problem with its line."""

    def __init__(
        self,
        path: Path,
        languages: Sequence[str],
        problems: list[Problem],
        step_ids: Mapping[str, frozenset[str]],
    ):
        self.path, self.languages, self.problems = path, tuple(languages), problems
        self.step_ids = step_ids
        self.module_steps: frozenset[str] | None = None
        self.ok = True

    def report(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.path, line, message))
        self.ok = False

    def translated(self, data, key: str, where: str) -> dict[str, str]:
        texts = data[key]
        for lang in self.languages:
            value = texts.get(lang)
            if not isinstance(value, str) or not value.strip():
                self.report(data.line_of(key), f"{where}'{key}' has no text in '{lang}'")
        for lang in texts:
            if lang not in self.languages:
                self.report(texts.line_of(lang), f"{where}'{key}' has an unknown language '{lang}'")
        return {lang: str(texts.get(lang, "")).strip() for lang in self.languages}

    def option(self, data, where: str, number: int, line: int) -> Option | None:
        optional, numbered = ("correct",), f"{where}option {number}: "
        if not check_mapping(self.path, data, OPTION_KEYS, self.problems, optional, numbered, line):
            self.ok = False
            return None
        where = f"{where}option '{data['id']}': "
        return Option(
            data["id"],
            bool(data.get("correct")),
            MappingProxyType(self.translated(data, "text", where)),
            MappingProxyType(self.translated(data, "feedback", where)),
        )

    def question(self, data, number: int, line: int) -> Question | None:
        where = f"question {number}: "
        if not check_mapping(self.path, data, QUESTION_KEYS, self.problems, (), where, line):
            self.ok = False
            return None
        where = f"question '{data['id']}': "
        step = data["step"]
        if self.module_steps is not None and step not in self.module_steps:
            self.report(data.line_of("step"), f"{where}the module has no step '{step}'")
        line = data.line_of("options")
        options = [self.option(o, where, n, line) for n, o in enumerate(data["options"], start=1)]
        if data["type"] not in QUESTION_TYPES:
            self.report(data.line_of("type"), f"{where}'type' must be single or multiple")
        if None in options or not self._answer_key(data, options, where):
            return None
        text = MappingProxyType(self.translated(data, "text", where))
        multiple = data["type"] == "multiple"
        return Question(data["id"], multiple, text, tuple(options), step)

    def _answer_key(self, data, options: list[Option], where: str) -> bool:
        line = data.line_of("options")
        low, high = OPTIONS
        ids = [o.id for o in options]
        correct = sum(o.correct for o in options)
        if not low <= len(options) <= high:
            self.report(line, f"{where}a question has {low} to {high} options, not {len(options)}")
        elif len(set(ids)) != len(ids):
            self.report(line, f"{where}two options have the same id")
        elif data["type"] == "single" and correct != 1:
            self.report(line, f"{where}a single-choice question needs exactly one correct option")
        elif data["type"] == "multiple" and not 0 < correct < len(options):
            message = f"{where}a multiple-choice question needs right and wrong options"
            self.report(line, message)
        else:
            return True
        return False

    def quiz(self, data, version: str) -> Quiz | None:
        if not check_mapping(self.path, data, QUIZ_KEYS, self.problems, ("pass_mark",)):
            return None
        self.module_steps = self.step_ids.get(data["module"])
        pass_mark = data.get("pass_mark", DEFAULT_PASS_MARK)
        if not 1 <= pass_mark <= 100:
            self.report(data.line_of("pass_mark"), "'pass_mark' must be a percentage from 1 to 100")
        low, high = ASK
        if not low <= data["ask"] <= high:
            self.report(
                data.line_of("ask"), f"a check asks {low} to {high} questions, not {data['ask']}"
            )
        line = data.line_of("questions")
        questions = [self.question(q, n, line) for n, q in enumerate(data["questions"], start=1)]
        ids = [q.id for q in questions if q is not None]
        for dup in sorted({i for i in ids if ids.count(i) > 1}):
            self.report(line, f"the question id '{dup}' is used twice")
        if not self.ok or None in questions:
            return None
        quiz = Quiz(data["module"], version, pass_mark, tuple(questions), data["ask"])
        self._pool(quiz, line)
        return quiz if self.ok else None

    def _pool(self, quiz: Quiz, line: int) -> None:
        """Check that every draw asks about every step and that two draws can differ."""
        pool, asked = len(quiz.questions), quiz.asked_count
        need = (asked * 3 + 1) // 2
        if pool < need:
            message = f"the pool holds {pool} questions, but a check that asks {asked} needs"
            self.report(line, f"{message} at least {need} (one and a half times as many)")
        taught = {q.step_id for q in quiz.questions}
        for step in sorted((self.module_steps or frozenset()) - taught):
            self.report(line, f"the step '{step}' has no question: every draw asks about each step")
        for step, count in quiz.quotas().items():
            if sum(q.step_id == step for q in quiz.questions) <= count:
                message = f"the step '{step}' has no more questions than every draw asks ({count})"
                self.report(line, f"{message}: add one, so that two draws can differ")


def load_quiz(
    path: Path,
    languages: Sequence[str],
    problems: list[Problem],
    step_ids: Mapping[str, frozenset[str]] | None = None,
) -> Quiz | None:
    """Parse and check one quiz file; report problems and return None if it is broken.

    step_ids maps module ids to their step ids, to check each question's `step`.
    """
    raw = path.read_bytes()
    try:
        data = load_yaml(raw.decode("utf-8"))
    except UnicodeDecodeError:
        problems.append(Problem(path, 1, "the file is not UTF-8 text"))
        return None
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or exc
        problems.append(Problem(path, error_line(exc), f"the file is not valid YAML: {problem}"))
        return None
    reader = _Reader(path, languages, problems, step_ids or {})
    return reader.quiz(data, hashlib.sha256(raw).hexdigest()[:16])


def attach_quizzes(
    folder: Path,
    modules: list[Module],
    declared: set[str],
    languages: Sequence[str],
    problems: list[Problem],
) -> list[Module]:
    """Return modules with their checks from folder; report every problem.

    Every module needs a check: without one it would be complete on its steps alone.

    declared holds every module id found in content/, including modules with problems, so
    that a check is not reported as orphaned because its module failed to load.
    """
    if not folder.is_dir():
        problems.append(Problem(folder, 1, "the quizzes folder is missing"))
        return modules
    quizzes: dict[str, Quiz] = {}
    known = {m.id for m in modules}
    step_ids = {m.id: frozenset(s.id for s in m.steps) for m in modules}
    for path in sorted(p for p in folder.iterdir() if not p.name.startswith(".")):
        if path.suffix != ".yaml" or not path.is_file():
            problems.append(Problem(path, 1, "the quizzes folder holds only <module>.yaml files"))
            continue
        quiz = load_quiz(path, languages, problems, step_ids)
        if quiz is None:
            continue
        if quiz.module_id not in declared:
            problems.append(Problem(path, 1, f"there is no module '{quiz.module_id}'"))
        elif path.stem != quiz.module_id:
            message = f"the file must be named after its module: {quiz.module_id}.yaml"
            problems.append(Problem(path, 1, message))
        elif quiz.module_id in known:
            quizzes[quiz.module_id] = quiz
    for module in modules:
        if module.id not in quizzes and not any(p.path.parent == folder for p in problems):
            message = f"the module '{module.id}' has no knowledge check: add {module.id}.yaml"
            problems.append(Problem(folder / f"{module.id}.yaml", 1, message))
    return [_with_quiz(m, quizzes.get(m.id)) for m in modules]


def _with_quiz(module: Module, quiz: Quiz | None) -> Module:
    if quiz is None:
        return module
    version = hashlib.sha256(f"{module.version}:{quiz.version}".encode()).hexdigest()[:16]
    return dataclasses.replace(module, quiz=quiz, version=version)
