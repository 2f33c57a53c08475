"""Knowledge checks: every quiz file is whole, and scoring follows the pass mark in the file."""

import dataclasses
import shutil
from pathlib import Path

import pytest

from course_app.catalog import load_catalog
from course_app.config import PROJECT_ROOT

LANGUAGES = ("sv", "en")
FIXTURE = Path(__file__).parent / "fixtures" / "good"


@pytest.fixture(scope="module")
def catalog():
    return load_catalog(PROJECT_ROOT / "content", PROJECT_ROOT / "quizzes", LANGUAGES)


@pytest.fixture(scope="module")
def quiz():
    return load_catalog(FIXTURE / "content", FIXTURE / "quizzes").module("prov").quiz


def right(quiz, wrong: int = 0) -> dict:
    answers = {q.id: q.correct_ids for q in quiz.questions}
    for question in quiz.questions[:wrong]:
        answers[question.id] = frozenset({next(o.id for o in question.options if not o.correct)})
    return answers


def test_every_module_has_a_check_of_five_to_eight_questions(catalog):
    for module in catalog.modules:
        assert module.quiz is not None, module.id
        assert 5 <= len(module.quiz.questions) <= 8
        assert any(q.multiple for q in module.quiz.questions)
        assert module.quiz.pass_mark == 80


def test_every_option_explains_itself_in_every_language(catalog):
    for module in catalog.modules:
        for question in module.quiz.questions:
            assert {o.correct for o in question.options} == {True, False}
            for lang in LANGUAGES:
                assert question.text(lang).strip()
                for option in question.options:
                    assert option.text(lang).strip() and option.explanation(lang).strip()
            assert question.text("sv") != question.text("en")


def test_all_right_passes_and_the_pass_mark_is_inclusive(quiz):
    assert quiz.pass_mark == 80 and len(quiz.questions) == 5
    assert quiz.score(right(quiz)).passed
    four = quiz.score(right(quiz, wrong=1))
    assert (four.correct, four.total, four.percent, four.passed) == (4, 5, 80, True)
    three = quiz.score(right(quiz, wrong=2))
    assert (three.correct, three.percent, three.passed) == (3, 60, False)


def test_pass_mark_comes_from_the_file(quiz):
    strict = dataclasses.replace(quiz, pass_mark=100)
    assert not strict.score(right(quiz, wrong=1)).passed
    assert strict.score(right(quiz)).passed


def test_multiple_choice_needs_exactly_the_right_options(quiz):
    multiple = next(q for q in quiz.questions if q.multiple)
    correct = set(multiple.correct_ids)
    wrong = {o.id for o in multiple.options if not o.correct}
    assert multiple.is_right(correct)
    assert not multiple.is_right(set(sorted(correct)[:1]))
    assert not multiple.is_right(correct | wrong)


def test_unanswered_question_counts_as_wrong(quiz):
    answers = right(quiz)
    del answers[quiz.questions[0].id]
    assert quiz.score(answers).correct == 4


def test_module_version_includes_its_check(catalog, tmp_path):
    shutil.copytree(PROJECT_ROOT / "quizzes", tmp_path / "quizzes")
    path = tmp_path / "quizzes" / "organisation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pass_mark: 80", "pass_mark: 90"))
    changed = load_catalog(PROJECT_ROOT / "content", tmp_path / "quizzes", LANGUAGES)
    assert changed.module("organisation").version != catalog.module("organisation").version
    assert changed.module("organisation").quiz.pass_mark == 90
    steps = [s.version for s in changed.module("organisation").steps]
    assert steps == [s.version for s in catalog.module("organisation").steps]
