"""A problem found in a roster file, as a code and parameters (roster_messages.py words it)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

SHOWN_VALUE_LENGTH = 60


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: line 0 and column "" for the whole file."""

    line: int
    column: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


def problem(line: int, column: str, code: str, /, **params: Any) -> Problem:
    """Return a problem whose parameters cannot be changed."""
    return Problem(line, column, code, MappingProxyType(params))


def shown(value: str) -> str:
    """Return a value short enough to quote in a message."""
    if len(value) <= SHOWN_VALUE_LENGTH:
        return value
    return value[: SHOWN_VALUE_LENGTH - 1] + "…"
