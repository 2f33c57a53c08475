"""The warnings that a check gives its answers away by the length of the right option."""

import shutil
from pathlib import Path
from types import MappingProxyType

from click.testing import CliRunner

from course_app.catalog.check import content_cli
from course_app.catalog.quiz import Option, Question, Quiz
from course_app.catalog.quiz_lint import (
    correct_is_longest,
    correct_is_shortest,
    longest_correct_share,
    shortest_correct_share,
)

FIXTURES = Path(__file__).parent / "fixtures"


def option(option_id: str, text: str, correct: bool = False) -> Option:
    texts = MappingProxyType({"sv": text, "en": text})
    return Option(option_id, correct, texts, texts)


def question(*options: Option, multiple: bool = False) -> Question:
    return Question("f", multiple, MappingProxyType({"sv": "?", "en": "?"}), options)


def test_only_a_strictly_longest_correct_option_counts():
    assert correct_is_longest(question(option("a", "long one", True), option("b", "short")), "sv")
    assert not correct_is_longest(question(option("a", "same", True), option("b", "four")), "sv")
    assert not correct_is_longest(question(option("a", "ok", True), option("b", "longer")), "sv")


def test_only_a_strictly_shortest_correct_option_counts():
    assert correct_is_shortest(question(option("a", "ok", True), option("b", "longer")), "sv")
    assert not correct_is_shortest(question(option("a", "same", True), option("b", "four")), "sv")
    middle = question(option("a", "middle", True), option("b", "s"), option("c", "longest"))
    assert not correct_is_shortest(middle, "sv") and not correct_is_longest(middle, "sv")


def test_the_shares_count_single_choice_questions_only():
    longest = question(option("a", "long answer", True), option("b", "short"))
    shorter = question(option("a", "ok", True), option("b", "longer"))
    several = question(
        option("a", "long answer", True), option("b", "x", True), option("c", "y"), multiple=True
    )
    quiz = Quiz("m", "v", 80, (longest, longest, shorter, several))
    assert longest_correct_share(quiz, "sv") == (2, 3)
    assert shortest_correct_share(quiz, "sv") == (1, 3)


def check_with(tmp_path, monkeypatch, case: str):
    shutil.copytree(FIXTURES / "good", tmp_path, dirs_exist_ok=True)
    shutil.copytree(FIXTURES / "warning" / case, tmp_path, dirs_exist_ok=True)
    monkeypatch.chdir(tmp_path)
    return CliRunner().invoke(
        content_cli, ["check", "--content", "content", "--quizzes", "quizzes"]
    )


def test_a_check_whose_right_answer_is_the_shortest_in_over_a_third_warns_but_passes(
    tmp_path, monkeypatch
):
    result = check_with(tmp_path, monkeypatch, "shortest-correct")
    assert result.exit_code == 0
    assert result.stderr.splitlines() == [
        "quizzes/prov.yaml:1: warning: the correct option is the shortest in 3 of 7 single-choice"
        " questions (en); write the right option as fully as the wrong ones"
    ]
    assert "OK: 1 modules, no problems found." in result.stdout


def test_a_third_is_still_allowed(tmp_path, monkeypatch):
    result = check_with(tmp_path, monkeypatch, "shortest-correct")
    path = tmp_path / "quizzes" / "prov.yaml"
    text = path.read_text(encoding="utf-8")
    # Two of seven is under a third: fraga-4's right option gets its full length back.
    start = text.index("  - id: fraga-4")
    path.write_text(text[:start] + text[start:].replace('en: "One"', 'en: "Answer one"', 1))
    result = CliRunner().invoke(
        content_cli, ["check", "--content", "content", "--quizzes", "quizzes"]
    )
    assert result.exit_code == 0 and result.stderr == ""
