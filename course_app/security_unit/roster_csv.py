"""Read a roster CSV file, as a municipality's system or Excel exports it, into frozen values.

Pure: no Flask, no database. Every problem is collected with the file's line number (the
header is line 1, blank lines count) and the column's header as written in the file, as a
code and parameters that roster_messages.py turns into a translated sentence. Bad input
never raises: it gives problems.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import io
import re
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from types import MappingProxyType
from typing import Any

from email_validator import EmailNotValidError, validate_email

from course_app.models.roster import NAME_LENGTH, AssignmentRole, Extent

DELIMITERS = ",;"
SNIFF_LINES = 20
SHOWN_VALUE_LENGTH = 60
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")

# The headers accepted for each field: (Swedish ones, English ones). The first Swedish and the
# first English header name a missing column in the file's language.
HEADERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "first_name": (("Förnamn",), ("First name",)),
    "last_name": (("Efternamn",), ("Last name",)),
    "name": (("Namn",), ("Name",)),
    "email": (("E-post", "Epost"), ("Email", "E-mail")),
    "party": (("Parti",), ("Party",)),
    "body": (("Organ",), ("Body",)),
    "role": (("Uppdrag",), ("Role",)),
    "extent": (("Omfattning",), ("Extent",)),
    "starts_on": (("Från",), ("From",)),
    "ends_on": (("Till",), ("To",)),
    "language": (("Språk",), ("Language",)),
}
REQUIRED = ("email", "role", "extent", "starts_on")  # and a name: first + last, or one Namn

# The words accepted for each role, extent and language, in any letter case.
ROLE_WORDS = {
    AssignmentRole.ORDINARIE: ("Ordinarie", "Ledamot", "Member"),
    AssignmentRole.ERSATTARE: ("Ersättare", "Substitute", "Deputy"),
    AssignmentRole.ORDFORANDE: ("Ordförande", "Chair"),
    AssignmentRole.VICE_ORDFORANDE: (
        "Vice ordförande",
        "1:e vice ordförande",
        "Vice chair",
        "First vice chair",
    ),
    AssignmentRole.ANDRE_VICE_ORDFORANDE: (
        "Andre vice ordförande",
        "2:e vice ordförande",
        "Second vice chair",
    ),
    AssignmentRole.POLITISK_SEKRETERARE: ("Politisk sekreterare", "Political secretary"),
}
EXTENT_WORDS = {
    Extent.HELTID: ("Heltid", "Full time", "Full-time"),
    Extent.DELTID: ("Deltid", "Part time", "Part-time"),
    Extent.FRITID: ("Fritid", "Spare time", "Leisure"),
}
LANGUAGE_WORDS = {
    "sv": ("sv", "svenska", "Swedish"),
    "en": ("en", "engelska", "English"),
}


def _normal(text: str) -> str:
    """Return text as compared with the tables: trimmed, single-spaced, case-folded."""
    return " ".join(text.split()).casefold()


def _lookup(words: Mapping[Any, tuple[str, ...]]) -> dict[str, Any]:
    return {_normal(word): value for value, names in words.items() for word in names}


ROLES = _lookup(ROLE_WORDS)
EXTENTS = _lookup(EXTENT_WORDS)
LANGUAGES = _lookup(LANGUAGE_WORDS)
_FIELDS = {
    _normal(header): (name, lang)
    for name, by_lang in HEADERS.items()
    for lang, headers in zip(("sv", "en"), by_lang, strict=True)
    for header in headers
}


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


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the file: line 0 and column "" for the whole file."""

    line: int
    column: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ParsedRoster:
    """The file's rows without problems, every problem, and how the file was read."""

    rows: tuple[RosterRow, ...]
    problems: tuple[Problem, ...]
    ignored_columns: tuple[str, ...]
    encoding: str
    delimiter: str
    columns: Mapping[str, str] = field(default_factory=dict, hash=False)  # field → header

    def column_label(self, name: str) -> str:
        """Return the header of the field's column as written in the file, or ""."""
        return self.columns.get(name, "")


def _problem(line: int, column: str, code: str, /, **params: Any) -> Problem:
    return Problem(line, column, code, MappingProxyType(params))


def _failed(code: str, encoding: str = "", delimiter: str = "", **params: Any) -> ParsedRoster:
    return ParsedRoster((), (_problem(0, "", code, **params),), (), encoding, delimiter)


def _shown(value: str) -> str:
    """Return a value short enough to quote in a message."""
    if len(value) <= SHOWN_VALUE_LENGTH:
        return value
    return value[: SHOWN_VALUE_LENGTH - 1] + "…"


def _decode(data: bytes) -> tuple[str | None, str]:
    """Return the text and its encoding: UTF-8 (with or without BOM), else Windows-1252."""
    if b"\x00" in data:
        return None, ""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None, ""
    for encoding in ("utf-8", "cp1252"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return None, ""


def _known_headers(line: str, delimiter: str) -> int:
    cells = next(csv.reader([line], delimiter=delimiter), [])
    return sum(_normal(cell) in _FIELDS for cell in cells)


def _delimiter(lines: list[str]) -> str:
    """Return the separator: the sniffer's, unless the other one reads more known headers."""
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines[:SNIFF_LINES]), DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    # Names like "Öberg, Åsa" in a semicolon file can make the sniffer guess a comma.
    known = {d: (_known_headers(lines[0], d), d == sniffed, lines[0].count(d)) for d in DELIMITERS}
    return max(DELIMITERS, key=known.__getitem__)


def _records(text: str, delimiter: str, problems: list[Problem]) -> Iterator[tuple[int, list]]:
    """Yield each non-blank record with the physical line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start, cells
    except csv.Error:  # a field past the csv module's size limit: an unclosed quote
        problems.append(_problem(last + 1, "", "unclosed_quote"))


@dataclass
class _Header:
    """Where each known field is, its header as written, and what the file leaves out."""

    cells: list[str]
    index: dict[str, int] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    ignored: list[str] = field(default_factory=list)
    language: str = "sv"
    problems: list[Problem] = field(default_factory=list)

    @classmethod
    def read(cls, cells: list[str]) -> _Header:
        """Map the header row's cells to fields, reporting duplicate and missing columns."""
        header = cls(cells)
        languages = []
        for position, cell in enumerate(cells):
            label = cell.strip()
            name, lang = _FIELDS.get(_normal(label), (None, None))
            if name is None:
                if label:
                    header.ignored.append(label)
            elif name in header.index:
                header.problems.append(_problem(0, "", "duplicate_column", column=label))
            else:
                header.index[name], header.labels[name] = position, label
                languages.append(lang)
        header.language = "en" if languages.count("en") > languages.count("sv") else "sv"
        header._choose_names()
        header._check_required()
        return header

    @property
    def split_names(self) -> bool:
        """Return True if names come as first and last name, False for one Namn column."""
        return "first_name" in self.index and "last_name" in self.index

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
                self._missing(missing)
            else:
                first, last, full = (self.name_of(n) for n in ("first_name", "last_name", "name"))
                self.problems.append(
                    _problem(0, "", "missing_name_columns", first=first, last=last, name=full)
                )
        for name in REQUIRED:
            if name not in self.index:
                self._missing(name)

    def _missing(self, name: str) -> None:
        self.problems.append(_problem(0, "", "missing_column", column=self.name_of(name)))


def _split_name(full: str) -> tuple[str, str]:
    """Split one name into first and last: "Öberg, Åsa" or "Åsa Öberg" (last word is last)."""
    if full.count(",") == 1:
        last, first = (part.strip() for part in full.split(","))
        if first and last:
            return first, last
    first, _, last = full.rpartition(" ")
    return (first, last) if first else (full, "")


@dataclass
class _Row:
    """Reads one record's values, collecting its problems."""

    line: int
    cells: list[str]
    header: _Header
    delimiter: str
    problems: list[Problem] = field(default_factory=list)
    identity: tuple[str, str] | None = None  # (e-mail, full name) when both are valid

    def report(self, name: str, code: str, **params: Any) -> None:
        label = self.header.labels.get(name, "") if name else ""
        self.problems.append(_problem(self.line, label, code, **params))

    def raw(self, name: str) -> str | None:
        """Return the field's trimmed value, "" when empty, None when the file has no column."""
        position = self.header.index.get(name)
        if position is None:
            return None
        return self.cells[position].strip() if position < len(self.cells) else ""

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
        """Return the e-mail address in lower case, if it is one."""
        value = self.raw("email")
        if not value:
            if value is not None:
                self.report("email", "missing_value")
            return None
        try:
            validate_email(value, check_deliverability=False)
        except EmailNotValidError:
            self.report("email", "bad_email", value=_shown(value))
            return None
        return value.lower()

    def choice(self, name: str, words: dict[str, Any], code: str, required: bool = True):
        """Return the value a word in the table stands for (role, extent, language)."""
        value = self.raw(name)
        if not value:
            if value is not None and required:
                self.report(name, "missing_value")
            return None
        if _normal(value) not in words:
            self.report(name, code, value=_shown(value))
            return None
        return words[_normal(value)]

    def date(self, name: str, required: bool = False) -> date | None:
        """Return a date written YYYY-MM-DD."""
        value = self.raw(name)
        if not value:
            if value is not None and required:
                self.report(name, "missing_value")
            return None
        try:
            if _ISO_DATE.fullmatch(value):
                return date.fromisoformat(value)
        except ValueError:
            pass
        self.report(name, "not_a_date", value=_shown(value))
        return None

    def check_extra_values(self) -> None:
        """Report values beyond the header's columns: a separator inside an unquoted value."""
        if any(cell.strip() for cell in self.cells[len(self.header.cells) :]):
            self.report("", "extra_values", separator=self.delimiter)

    def check_body(self, role: AssignmentRole | None, body: str | None) -> bool:
        """Check that only a political secretary, and every one, has an empty body.

        body is "" when empty and None when unreadable or not in the file; return False if the
        file has no body column but this row needs one.
        """
        if role == AssignmentRole.POLITISK_SEKRETERARE:
            if body:
                self.report("body", "secretary_with_body", value=_shown(body))
        elif role is not None and "body" not in self.header.index:
            return False
        elif role is not None and body == "":
            self.report("body", "body_missing")
        return True


def _read_row(row: _Row) -> tuple[RosterRow | None, bool]:
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


def _check_names(rows: list[_Row], problems: list[Problem]) -> None:
    """Report a row that gives an e-mail address another name than an earlier row."""
    first_seen: dict[str, tuple[int, str]] = {}
    for row in rows:
        if row.identity is None:
            continue
        email, full = row.identity
        line, earlier = first_seen.setdefault(email, (row.line, full))
        if _normal(earlier) != _normal(full):
            column = row.header.labels["first_name" if row.header.split_names else "name"]
            problems.append(
                _problem(row.line, column, "different_name", first_line=line, name=earlier)
            )


def _check_duplicates(rows: list[RosterRow], problems: list[Problem]) -> list[RosterRow]:
    """Report a row that repeats an earlier one exactly; return the rows without repeats."""
    first_seen: dict[RosterRow, int] = {}
    kept = []
    for row in rows:
        line = first_seen.setdefault(dataclasses.replace(row, line=0), row.line)
        if line == row.line:
            kept.append(row)
        else:
            problems.append(_problem(row.line, "", "duplicate_row", first_line=line))
    return kept


def _read_rows(
    records: list[tuple[int, list]], header: _Header, delimiter: str, problems: list[Problem]
) -> list[RosterRow]:
    """Read every row after the header, collecting every row's problems."""
    readers = [_Row(line, cells, header, delimiter) for line, cells in records]
    rows, needs_body_column = [], False
    for reader in readers:
        row, needs_body = _read_row(reader)
        needs_body_column |= needs_body
        problems += reader.problems
        if row is not None:
            rows.append(row)
    if needs_body_column:
        problems.append(_problem(0, "", "missing_column", column=header.name_of("body")))
    _check_names(readers, problems)
    return _check_duplicates(rows, problems)


def parse_roster(data: bytes, max_bytes: int) -> ParsedRoster:
    """Read a roster file into its rows and every problem found; never raise for bad input."""
    if len(data) > max_bytes:
        return _failed("too_large", limit=max_bytes, limit_kib=max_bytes // 1024)
    text, encoding = _decode(data)
    if text is None:
        return _failed("binary")
    lines = [line for line in text.splitlines() if line.strip(DELIMITERS + " \t")]
    if not lines:
        return _failed("empty", encoding)
    delimiter = _delimiter(lines)
    problems: list[Problem] = []
    records = list(_records(text, delimiter, problems))
    if not records:
        return _failed("empty", encoding, delimiter)
    (_, header_cells), body = records[0], records[1:]
    header = _Header.read(header_cells)
    if not header.index:
        return _failed("no_header", encoding, delimiter)
    problems = header.problems + problems
    if not body and not problems:
        problems.append(_problem(0, "", "no_rows"))
    rows = _read_rows(body, header, delimiter, problems)
    problems.sort(key=lambda problem: problem.line)
    columns = MappingProxyType(dict(header.labels))
    return ParsedRoster(
        tuple(rows), tuple(problems), tuple(header.ignored), encoding, delimiter, columns
    )
