"""Plain Swedish: every Swedish step reads at LIX 40 or below."""

import frontmatter
import pytest

from course_app.catalog.readability import MAX_LIX, lix
from course_app.config import PROJECT_ROOT

STEPS = sorted((PROJECT_ROOT / "content").glob("*/step-*.sv.md"))


def test_lix_counts_words_per_sentence_and_long_words():
    # 8 words, 2 sentences, 2 words of more than six letters: 8 / 2 + 100 * 2 / 8 = 29.
    assert lix("Ring polisen när något händer. Spara alltid meddelandet.") == pytest.approx(29)


def test_headings_and_list_items_end_sentences_and_link_targets_are_not_words():
    text = "## Rubrik\n\n- en sak\n- [två saker](../modul/step-1.sv.md)\n"
    # 5 words in 3 sentences, no long word.
    assert lix(text) == pytest.approx(5 / 3)


@pytest.mark.parametrize("path", STEPS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_swedish_step_is_plain(path):
    body = frontmatter.load(path).content
    assert lix(body) <= MAX_LIX
