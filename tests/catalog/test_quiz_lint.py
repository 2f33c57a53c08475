"""The warning that a check gives its answers away by the length of the right option."""

from types import MappingProxyType

from course_app.catalog.quiz import Option, Question, Quiz
from course_app.catalog.quiz_lint import correct_is_longest, longest_correct_share


def option(option_id: str, text: str, correct: bool = False) -> Option:
    texts = MappingProxyType({"sv": text, "en": text})
    return Option(option_id, correct, texts, texts)


def question(*options: Option, multiple: bool = False) -> Question:
    return Question("f", multiple, MappingProxyType({"sv": "?", "en": "?"}), options)


def test_only_a_strictly_longest_correct_option_counts():
    assert correct_is_longest(question(option("a", "long one", True), option("b", "short")), "sv")
    assert not correct_is_longest(question(option("a", "same", True), option("b", "four")), "sv")
    assert not correct_is_longest(question(option("a", "ok", True), option("b", "longer")), "sv")


def test_the_share_counts_single_choice_questions_only():
    longest = question(option("a", "long answer", True), option("b", "short"))
    shorter = question(option("a", "ok", True), option("b", "longer"))
    several = question(
        option("a", "long answer", True), option("b", "x", True), option("c", "y"), multiple=True
    )
    quiz = Quiz("m", "v", 80, (longest, longest, shorter, several))
    assert longest_correct_share(quiz, "sv") == (2, 3)
