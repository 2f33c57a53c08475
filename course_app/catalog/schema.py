"""Problems found in course files, and the schema check shared by content and quizzes."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

ID_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
# Learner state keeps ids in columns of this length.
ID_MAX_LENGTH = 64
_KIND_NAMES = {
    str: "text",
    int: "a whole number",
    list: "a list",
    dict: "a mapping",
    bool: "true or false",
}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a content file."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


class ContentError(Exception):
    """Raised when the course content is malformed; lists every problem found."""

    def __init__(self, problems: Sequence[Problem]):
        self.problems = tuple(problems)
        super().__init__("\n".join(str(p) for p in self.problems))


def check_mapping(
    path: Path,
    data,
    schema: dict,
    problems: list[Problem],
    optional: Iterable[str] = (),
    where: str = "",
    line: int = 1,
) -> bool:
    """Check that data has exactly the schema's keys with the right kinds; report what is not.

    line is where to point when data is not a mapping (a list entry carries no line).
    """
    line = getattr(data, "line", line)
    if not isinstance(data, dict):
        problems.append(Problem(path, line, f"{where}must be a mapping of keys to values"))
        return False
    ok = True
    for key, key_line in getattr(data, "duplicates", []):
        problems.append(Problem(path, key_line, f"{where}the key '{key}' is given twice"))
        ok = False
    for key in data:
        if key not in schema:
            problems.append(Problem(path, data.line_of(key), f"{where}unknown key '{key}'"))
            ok = False
    for key, kind in schema.items():
        value = data.get(key)
        blank = isinstance(value, str) and not value.strip()
        if value is None or blank:
            if key not in optional:
                message = f"'{key}' is empty" if blank else f"missing required key '{key}'"
                problems.append(Problem(path, data.line_of(key), f"{where}{message}"))
                ok = False
        elif not isinstance(value, kind) or (isinstance(value, bool) and kind is not bool):
            message = f"{where}'{key}' must be {_KIND_NAMES[kind]}"
            problems.append(Problem(path, data.line_of(key), message))
            ok = False
    if ok and "id" in schema and not valid_id(data["id"]):
        message = (
            f"{where}the id {data['id']!r} must be lowercase letters, digits and hyphens,"
            f" at most {ID_MAX_LENGTH} characters"
        )
        problems.append(Problem(path, data.line_of("id"), message))
        ok = False
    return ok


def valid_id(value: str) -> bool:
    """Return True if value can serve as a stable id."""
    return len(value) <= ID_MAX_LENGTH and ID_PATTERN.fullmatch(value) is not None
