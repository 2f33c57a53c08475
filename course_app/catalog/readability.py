"""LIX, the Swedish readability index, for checking that course text stays plain (pure, no Flask).

LIX = words / sentences + 100 × long words / words, where a long word has more than six
letters. Plain Swedish for a wide public stays at 40 or below.
"""

from __future__ import annotations

import re

MAX_LIX = 40

_WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*", re.UNICODE)
# A sentence ends at . ! ? or : before white space, or at the end of a line that has no
# such mark (headings, list items).
_SENTENCE_END = re.compile(r"[.!?:]+(?=\s|$)")
_MARKDOWN_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")


def lix(markdown: str) -> float:
    """Return the LIX of a Markdown text (link targets and placeholders ignored)."""
    text = _MARKDOWN_LINK.sub(r"\1", markdown).replace("{{ contacts }}", "")
    words = sentences = long_words = 0
    for line in text.splitlines():
        found = _WORD.findall(line)
        if not found:
            continue
        words += len(found)
        long_words += sum(len(w) > 6 for w in found)
        ends = len(_SENTENCE_END.findall(line))
        stripped = line.rstrip(" *_”\"')")
        sentences += ends + (0 if stripped.endswith((".", "!", "?", ":")) else 1)
    if not words:
        return 0.0
    return words / max(sentences, 1) + 100 * long_words / words
