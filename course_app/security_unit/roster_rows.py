"""One row of a roster file read into an assignment, every problem with its column.

Pure: no Flask, no database (see roster_csv.py).
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from course_app.models.roster import NAME_LENGTH, AssignmentRole, Extent
from course_app.security_unit import roster_dates
from course_app.security_unit.roster_columns import EXTENTS, LANGUAGES, ROLES, normal
from course_app.security_unit.roster_emails import check_email
from course_app.security_unit.roster_files import Cell
from course_app.security_unit.roster_header import Header
from course_app.security_unit.roster_problems import Problem, problem, shown

# "?" is what a save in a code page without the letter leaves of it ("Güneş" → "Güne?"), and
# U+FFFD what a decoder that met bytes it could not read leaves.
DAMAGED = ("?", "\ufffd")


@dataclass(frozen=True)
class RosterRow:
    """One assignment read from the file; party and body are names as written (trimmed)."""

    line: int
    first_name: str
    last_name: str
    email: str
    party: str | None
    body: str | None
    role: AssignmentRole
    extent: Extent
    starts_on: date
    ends_on: date | None  # None: until further notice
    language: str | None  # "sv", "en", or None when the file does not say

    @property
    def full_name(self) -> str:
        """Return the first and last name as one."""
        return " ".join(part for part in (self.first_name, self.last_name) if part)


def _split_name(full: str) -> tuple[str, str]:
    """Split one name into first and last: "Öberg, Åsa" or "Åsa Öberg" (last word is last)."""
    if full.count(",") == 1:
        last, first = (part.strip() for part in full.split(","))
        if first and last:
            return first, last
    first, _, last = full.rpartition(" ")
    return (first, last) if first else (full, "")


@dataclass
class RowReader:
    """Reads one record's values, collecting its problems."""

    line: int
    cells: tuple[Cell, ...]
    header: Header
    delimiter: str
    smtputf8: bool
    problems: list[Problem] = field(default_factory=list)
    identity: tuple[str, str] | None = None  # (e-mail, full name) when both are valid

    def report(self, name: str, code: str, **params: Any) -> None:
        label = self.header.labels.get(name, "") if name else ""
        self.problems.append(problem(self.line, label, code, **params))

    def cell(self, name: str) -> Cell | None:
        """Return the field's cell (text trimmed), None when the file has no such column."""
        position = self.header.index.get(name)
        if position is None:
            return None
        value = self.cells[position] if position < len(self.cells) else ""
        return value if isinstance(value, date) else value.strip()

    def raw(self, name: str) -> str | None:
        """Return the field's trimmed text, "" when empty, None when the file has no column."""
        value = self.cell(name)
        return value.isoformat() if isinstance(value, date) else value

    def text(self, name: str, required: bool = False) -> str | None:
        """Return a name, party or body: single-spaced, at most NAME_LENGTH characters."""
        value = self.raw(name)
        if value is None:
            return None
        if any(unicodedata.category(char) == "Cc" for char in value):
            self.report(name, "control_character")
            return None
        value = " ".join(value.split())
        if len(value) > NAME_LENGTH:
            self.report(name, "too_long", limit=NAME_LENGTH, length=len(value))
            return None
        if any(mark in value for mark in DAMAGED):
            self.report(name, "damaged_text", value=shown(value))
            return None
        if required and not value:
            self.report(name, "missing_value")
            return None
        return value

    def names(self) -> tuple[str, str] | None:
        """Return the first and last name, from their own columns or from one Namn."""
        if self.header.split_names:
            first, last = self.text("first_name", True), self.text("last_name", True)
        else:
            full = self.text("name", True)
            first, last = _split_name(full) if full else (None, None)
        if first is None or last is None:
            return None
        if len(f"{first} {last}") > NAME_LENGTH:
            column = "last_name" if self.header.split_names else "name"
            self.report(column, "too_long", limit=NAME_LENGTH, length=len(f"{first} {last}"))
            return None
        return first, last

    def email(self) -> str | None:
        """Return the e-mail address as it will be stored, if our mail can deliver to it."""
        value = self.raw("email")
        if not value:
            if value is not None:
                self.report("email", "missing_value")
            return None
        checked = check_email(value, self.smtputf8)
        if checked.address is None:
            found = {"characters": checked.characters} if checked.characters else {}
            self.report("email", checked.code, value=shown(value), **found)
        return checked.address

    def choice(self, name: str, words: dict[str, Any], code: str, required: bool = True):
        """Return the value a word in the table stands for (role, extent, language)."""
        value = self.raw(name)
        if not value:
            if value is not None and required:
                self.report(name, "missing_value")
            return None
        if normal(value) not in words:
            self.report(name, code, value=shown(value))
            return None
        return words[normal(value)]

    def date(self, name: str, required: bool = False) -> date | None:
        """Return a date cell's date, or the date written YYYY-MM-DD."""
        value = self.cell(name)
        if isinstance(value, date):
            return value
        if not value:
            if value is not None and required:
                self.report(name, "missing_value")
            return None
        if roster_dates.ISO_DATE.fullmatch(value) or not roster_dates.looks_like_a_date(value):
            if (day := roster_dates.parse_iso(value)) is not None:
                return day
            self.report(name, "not_a_date", value=shown(value))
        else:  # told once for the column (roster_dates.group_formats)
            self.report(name, "date_format", value=value)
        return None

    def check_extra_values(self) -> None:
        """Report values past a CSV file's header: a separator inside an unquoted value."""
        extra = self.cells[len(self.header.cells) :]
        if self.delimiter and any(cell.strip() for cell in extra):
            self.report("", "extra_values", separator=self.delimiter)

    def check_body(self, role: AssignmentRole | None, body: str | None) -> bool:
        """Check that only a political secretary, and every one, has an empty body.

        body is "" when empty and None when unreadable or not in the file; return False if the
        file has no body column but this row needs one.
        """
        if role == AssignmentRole.POLITISK_SEKRETERARE:
            if body:
                self.report("body", "secretary_with_body", value=shown(body))
        elif role is not None and "body" not in self.header.index:
            return False
        elif role is not None and body == "":
            self.report("body", "body_missing")
        return True


def read_row(row: RowReader) -> tuple[RosterRow | None, bool]:
    """Return the row's assignment (None if it has problems), and whether it needs a body column."""
    names, email = row.names(), row.email()
    if names is not None and email is not None:
        row.identity = (email, " ".join(part for part in names if part))
    party, body = row.text("party") or None, row.text("body")
    role = row.choice("role", ROLES, "unknown_role")
    extent = row.choice("extent", EXTENTS, "unknown_extent")
    starts_on, ends_on = row.date("starts_on", required=True), row.date("ends_on")
    language = row.choice("language", LANGUAGES, "unknown_language", required=False)
    has_body_column = row.check_body(role, body)
    body = body or None
    if starts_on and ends_on and ends_on < starts_on:
        row.report("ends_on", "end_before_start", value=str(ends_on), start=str(starts_on))
    row.check_extra_values()
    if row.problems or None in (names, email, role, extent, starts_on) or not has_body_column:
        return None, not has_body_column
    first, last = names
    values = (email, party, body, role, extent, starts_on, ends_on, language)
    return RosterRow(row.line, first, last, *values), False
