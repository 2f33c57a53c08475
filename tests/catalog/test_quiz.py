"""Knowledge checks: every quiz file is whole, each attempt draws from a pool that covers every
step, and scoring follows the pass mark in the file."""

import dataclasses
import functools
import random
import shutil
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from course_app.catalog import load_catalog
from course_app.config import PROJECT_ROOT

LANGUAGES = ("sv", "en")
FIXTURE = Path(__file__).parent / "fixtures" / "good"


@functools.cache
def real_catalog():
    return load_catalog(PROJECT_ROOT / "content", PROJECT_ROOT / "quizzes", LANGUAGES)


@pytest.fixture(scope="module")
def catalog():
    return real_catalog()


@pytest.fixture(scope="module")
def quiz():
    return load_catalog(FIXTURE / "content", FIXTURE / "quizzes").module("prov").quiz


def right(questions, wrong: int = 0) -> dict:
    answers = {q.id: q.correct_ids for q in questions}
    for question in questions[:wrong]:
        answers[question.id] = frozenset({next(o.id for o in question.options if not o.correct)})
    return answers


def test_every_module_asks_five_to_eight_questions_from_a_pool_half_as_large_again(catalog):
    for module in catalog.modules:
        quiz = module.quiz
        assert quiz is not None, module.id
        assert 5 <= quiz.asked_count <= 8
        assert len(quiz.questions) * 2 >= quiz.asked_count * 3, module.id
        assert {q.step_id for q in quiz.questions} == {s.id for s in module.steps}
        assert any(q.multiple for q in quiz.questions)
        assert quiz.pass_mark == 80


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
    asked = quiz.draw(random.Random(1))
    assert quiz.pass_mark == 80 and len(asked) == quiz.asked_count == 5
    assert quiz.score(right(asked), asked).passed
    four = quiz.score(right(asked, wrong=1), asked)
    assert (four.correct, four.total, four.percent, four.passed) == (4, 5, 80, True)
    three = quiz.score(right(asked, wrong=2), asked)
    assert (three.correct, three.percent, three.passed) == (3, 60, False)


def test_pass_mark_comes_from_the_file(quiz):
    strict = dataclasses.replace(quiz, pass_mark=100)
    assert not strict.score(right(quiz.questions, wrong=1)).passed
    assert strict.score(right(quiz.questions)).passed


def test_multiple_choice_needs_exactly_the_right_options(quiz):
    multiple = next(q for q in quiz.questions if q.multiple)
    correct = set(multiple.correct_ids)
    wrong = {o.id for o in multiple.options if not o.correct}
    assert multiple.is_right(correct)
    assert not multiple.is_right(set(sorted(correct)[:1]))
    assert not multiple.is_right(correct | wrong)


def test_unanswered_question_counts_as_wrong(quiz):
    asked = quiz.draw(random.Random(2))
    answers = right(asked)
    del answers[asked[0].id]
    assert quiz.score(answers, asked).correct == 4


def test_only_the_asked_questions_count(quiz):
    asked = quiz.draw(random.Random(3))
    others = [q for q in quiz.questions if q.id not in {a.id for a in asked}]
    score = quiz.score(right(asked) | right(others, wrong=len(others)), asked)
    assert (score.correct, score.total) == (5, 5)


def test_module_version_includes_its_check(catalog, tmp_path):
    shutil.copytree(PROJECT_ROOT / "quizzes", tmp_path / "quizzes")
    path = tmp_path / "quizzes" / "organisation.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("pass_mark: 80", "pass_mark: 90"))
    changed = load_catalog(PROJECT_ROOT / "content", tmp_path / "quizzes", LANGUAGES)
    assert changed.module("organisation").version != catalog.module("organisation").version
    assert changed.module("organisation").quiz.pass_mark == 90
    steps = [s.version for s in changed.module("organisation").steps]
    assert steps == [s.version for s in catalog.module("organisation").steps]


# --- the draw ---------------------------------------------------------------------------------


def test_a_draw_takes_an_even_share_of_each_step_and_the_rest_from_the_largest(quiz):
    assert quiz.quotas() == {"steg-1": 2, "steg-2": 2, "steg-3": 1}


@given(seed=st.integers(min_value=0, max_value=2**64), module=st.integers(0, 5))
def test_every_draw_asks_the_set_number_covering_every_step(seed, module):
    modules = real_catalog().modules
    course_module = modules[module % len(modules)]
    quiz = course_module.quiz
    asked = [q.id for q in quiz.draw(random.Random(seed))]
    assert len(asked) == len(set(asked)) == quiz.asked_count
    assert {quiz.question(i).step_id for i in asked} == {s.id for s in course_module.steps}
    assert asked == [q.id for q in quiz.questions if q.id in asked]  # in the pool's order


@given(seed=st.integers(min_value=0, max_value=2**64), again=st.integers(min_value=0))
def test_a_retake_never_asks_the_same_questions_as_the_attempt_before(seed, again):
    for course_module in real_catalog().modules:
        quiz = course_module.quiz
        first = {q.id for q in quiz.draw(random.Random(seed))}
        second = quiz.draw(random.Random(again), avoid=first)
        assert {q.id for q in second} != first
        for step, count in quiz.quotas().items():
            fresh = [q for q in quiz.questions if q.step_id == step and q.id not in first]
            new = [q for q in second if q.step_id == step and q.id not in first]
            assert len(new) == min(count, len(fresh)), (course_module.id, step)


def test_draws_with_other_seeds_differ(catalog):
    quiz = catalog.module("om-nagot-hander").quiz
    draws = {tuple(q.id for q in quiz.draw(random.Random(seed))) for seed in range(20)}
    assert len(draws) > 1
