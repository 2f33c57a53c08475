"""A roster file's header row: which column holds which field, and which columns go unused.

Pure: no Flask. The headers come from the one table in roster_columns.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from course_app.security_unit.roster_columns import FIELDS, HEADERS, REQUIRED, header_key
from course_app.security_unit.roster_problems import Problem, problem


@dataclass
class Header:
    """Where each known field is, its header as written, and what the file leaves out."""

    cells: tuple
    index: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    language: str = "sv"
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def read(cls, cells: tuple) -> Header:
        """Map the header row's cells to fields, reporting duplicate and missing columns."""
        header = cls(cells)
        votes = []
        for position, cell in enumerate(cells):
            label = (cell.isoformat() if isinstance(cell, date) else cell).strip()
            name, lang = FIELDS.get(header_key(label), (None, None))
            if name is None:
                if label:
                    header.ignored.append(label)
            elif name in header.index:
                header.problems.append(problem(0, "", "duplicate_column", column=label))
            else:
                header.index[name], header.labels[name] = position, label
                votes.append(lang)
        header.language = "en" if votes.count("en") > votes.count("sv") else "sv"
        header._choose_names()
        header._check_required()
        return header

    @property
    def split_names(self) -> bool:
        """Return True if names come as first and last name, False for one Namn column."""
        return "first_name" in self.index and "last_name" in self.index

    def is_unnamed(self, position: int) -> bool:
        """Return True if the column at position has no header (or lies past the header)."""
        if position >= len(self.cells):
            return True
        cell = self.cells[position]
        return not isinstance(cell, date) and not cell.strip()

    def name_of(self, name: str) -> str:
        """Return the field's header as written, or its usual name in the file's language."""
        swedish, english = HEADERS[name]
        return self.labels.get(name) or (swedish if self.language == "sv" else english)[0]

    def _choose_names(self) -> None:
        """Use first and last name when both are there, else one Namn; ignore the others."""
        if "name" not in self.index:
            return
        unused = ("name",) if self.split_names else ("first_name", "last_name")
        for name in unused:
            if name in self.index:
                self.ignored.append(self.labels.pop(name))
                del self.index[name]

    def _check_required(self) -> None:
        if not self.index:
            return
        if not self.split_names and "name" not in self.index:
            if "first_name" in self.index or "last_name" in self.index:
                missing = "last_name" if "first_name" in self.index else "first_name"
                self.missing(missing)
            else:
                first, last, full = (self.name_of(n) for n in ("first_name", "last_name", "name"))
                self.problems.append(
                    problem(0, "", "missing_name_columns", first=first, last=last, name=full)
                )
        for name in REQUIRED:
            if name not in self.index:
                self.missing(name)

    def missing(self, name: str) -> None:
        """Report that the file has no column for the field."""
        self.problems.append(problem(0, "", "missing_column", column=self.name_of(name)))
