"""Read a roster file, a CSV file or an Excel workbook as a municipality keeps it, into values.

Pure: no Flask, no database. roster_files.py turns the bytes into rows of cells, and this
module reads the rows. Every problem is collected with the file's line number (the header is
line 1, blank lines count; a sheet's row number) and the column's header as written in the
file, as a code and parameters that roster_messages.py turns into a translated sentence. Bad
input never raises: it gives problems.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from course_app.security_unit import roster_dates
from course_app.security_unit.roster_columns import normal
from course_app.security_unit.roster_files import Record, read_table
from course_app.security_unit.roster_header import Header
from course_app.security_unit.roster_problems import Problem, problem
from course_app.security_unit.roster_rows import RosterRow, RowReader, read_row

__all__ = ["ParsedRoster", "Problem", "RosterRow", "parse_roster"]


@dataclass(frozen=True)
class ParsedRoster:
    """The file's rows without problems, every problem, and how the file was read."""

    rows: tuple[RosterRow, ...]
    problems: tuple[Problem, ...]
    ignored_columns: tuple[str, ...]  # headers of columns that were not used, as written
    encoding: str  # a CSV file's encoding (a Python codec name); "" for a workbook
    delimiter: str
    columns: Mapping[str, str] = field(default_factory=dict, hash=False)  # field → header
    sheet: str = ""  # the workbook's sheet that was read
    unnamed_columns: tuple[int, ...] = ()  # columns (from 1) with values but no header

    def column_label(self, name: str) -> str:
        """Return the header of the field's column as written in the file, or ""."""
        return self.columns.get(name, "")


def _check_names(rows: list[RowReader], problems: list[Problem]) -> None:
    """Report a row that gives an e-mail address another name than an earlier row."""
    first_seen: dict[str, tuple[int, str]] = {}
    for row in rows:
        if row.identity is None:
            continue
        email, full = row.identity
        line, earlier = first_seen.setdefault(email, (row.line, full))
        if normal(earlier) != normal(full):
            column = row.header.labels["first_name" if row.header.split_names else "name"]
            problems.append(
                problem(row.line, column, "different_name", first_line=line, name=earlier)
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
            problems.append(problem(row.line, "", "duplicate_row", first_line=line))
    return kept


def _read_rows(readers: list[RowReader], problems: list[Problem]) -> list[RosterRow]:
    """Read every row after the header, collecting every row's problems."""
    rows, needs_body_column = [], False
    for reader in readers:
        row, needs_body = read_row(reader)
        needs_body_column |= needs_body
        problems += reader.problems
        if row is not None:
            rows.append(row)
    if needs_body_column and readers:
        readers[0].header.missing("body")
        problems.append(readers[0].header.problems.pop())
    _check_names(readers, problems)
    return _check_duplicates(rows, problems)


def _unnamed_columns(records: list[Record], header: Header) -> tuple[int, ...]:
    """Return the columns (from 1) that hold values under no header; unused, like unknown ones."""
    width = min(max((len(cells) for _, cells in records), default=0), len(header.cells))
    return tuple(
        position + 1
        for position in range(width)
        if header.is_unnamed(position)
        and any(position < len(cells) and cells[position] for _, cells in records)
    )


def parse_roster(data: bytes, max_bytes: int, smtputf8: bool = False) -> ParsedRoster:
    """Read a roster file into its rows and every problem found; never raise for bad input.

    smtputf8 says whether the mail server takes addresses with letters outside ASCII.
    """
    table = read_table(data, max_bytes)
    source = (table.encoding, table.delimiter)
    if not table.records:
        return ParsedRoster((), table.problems, (), *source, sheet=table.sheet)
    (_, header_cells), body = table.records[0], list(table.records[1:])
    header = Header.read(header_cells)
    if not header.index:
        no_header = (problem(0, "", "no_header"),)
        return ParsedRoster((), no_header, (), *source, sheet=table.sheet)
    problems = header.problems + list(table.problems)
    if not body and not problems:
        problems.append(problem(0, "", "no_rows"))
    readers = [RowReader(line, cells, header, table.delimiter, smtputf8) for line, cells in body]
    rows = _read_rows(readers, problems)
    problems = roster_dates.group_formats(problems)
    problems.sort(key=lambda item: item.line)
    return ParsedRoster(
        tuple(rows),
        tuple(problems),
        tuple(header.ignored),
        *source,
        MappingProxyType(dict(header.labels)),
        table.sheet,
        _unnamed_columns(body, header),
    )
