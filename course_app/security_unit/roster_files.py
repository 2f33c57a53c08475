"""Read a roster file's bytes into rows of cells: an Excel workbook, or CSV in any encoding.

Pure: no Flask, no database. A workbook is read with openpyxl (read-only, cached values, date
cells as dates); a CSV file is decoded as UTF-8 when it is UTF-8, else with the encoding that
charset-normalizer finds among those Excel saves CSV in. Bad input never raises: it gives a
problem for the whole file (line 0), as roster_csv.py does for rows.
"""

from __future__ import annotations

import codecs
import csv
import io
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time

from charset_normalizer import from_bytes
from openpyxl import load_workbook

from course_app.security_unit.roster_columns import known_headers
from course_app.security_unit.roster_problems import Problem, problem

Cell = str | date  # a workbook's date cells are dates; everything else is text
Record = tuple[int, tuple[Cell, ...]]  # the line (a CSV line, a sheet's row) and its cells

# Excel's "CSV" on Windows, "CSV (MS-DOS)" and "CSV (Macintosh)"; its "CSV UTF-8" is UTF-8.
CSV_ENCODINGS = ("cp1252", "cp850", "mac_roman")
DELIMITERS = ",;"
SNIFF_LINES = 20
ZIP_MAGIC = b"PK\x03\x04"  # an .xlsx workbook (or another zip file)
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an .xls workbook, or a password-protected one
OPENDOCUMENT = b"application/vnd.oasis.opendocument"
MAX_COLUMNS = 100
MAX_ROWS = 20_000
UNPACKED_PER_BYTE = 20  # a workbook may unpack to this many times the upload limit


@dataclass(frozen=True)
class Table:
    """A file's non-blank rows of cells and how the file was read."""

    records: tuple[Record, ...]
    problems: tuple[Problem, ...] = ()
    encoding: str = ""  # the Python codec a CSV file was decoded with
    delimiter: str = ""  # a CSV file's separator
    sheet: str = ""  # the title of the workbook's sheet that was read


def _failed(code: str, encoding: str = "", **params) -> Table:
    return Table((), (problem(0, "", code, **params),), encoding)


def read_table(data: bytes, max_bytes: int) -> Table:
    """Return the file's rows of cells, or a problem saying why it cannot be read."""
    if len(data) > max_bytes:
        return _failed("too_large", limit=max_bytes, limit_kib=max_bytes // 1024)
    if data.startswith(ZIP_MAGIC):
        return _read_workbook(data, max_bytes)
    if data.startswith(OLE_MAGIC):
        return _failed("old_workbook")
    return _read_csv(data)


# --- Excel workbooks ---------------------------------------------------------------------------


def _zip_problem(data: bytes, max_bytes: int) -> str | None:
    """Return why the zip file cannot be read as a workbook, or None if it may be one."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if "mimetype" in archive.namelist():
                if archive.read("mimetype").startswith(OPENDOCUMENT):
                    return "opendocument"
            # Each entry's declared size: zipfile reads no more than that from it.
            if sum(info.file_size for info in archive.infolist()) > max_bytes * UNPACKED_PER_BYTE:
                return "workbook_too_large"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError):
        return "bad_workbook"
    return None


def _cell(value: object) -> Cell:
    """Return a workbook cell's value as text, or as a date for a date cell."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        if value.time() == time():
            return value.date()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, date):
        return value
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _is_blank(cells: tuple[Cell, ...]) -> bool:
    return not any(isinstance(cell, date) or cell.strip() for cell in cells)


def _sheet_records(sheet) -> tuple[list[Record], list[Problem]]:
    rows = sheet.iter_rows(min_row=1, max_row=MAX_ROWS, max_col=MAX_COLUMNS, values_only=True)
    records = []
    for line, values in enumerate(rows, start=1):
        cells = tuple(_cell(value) for value in values)
        if not _is_blank(cells):
            records.append((line, cells))
    too_many = (sheet.max_row or 0) > MAX_ROWS
    return records, [problem(0, "", "too_many_rows", limit=MAX_ROWS)] if too_many else []


def _read_workbook(data: bytes, max_bytes: int) -> Table:
    """Read the sheet that the workbook opens on: its cached values, dates as dates."""
    code = _zip_problem(data, max_bytes)
    if code is not None:
        return _failed(code)
    try:
        with warnings.catch_warnings():
            # openpyxl warns about styles, extensions and validations it skips; none hold data.
            warnings.simplefilter("ignore")
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheet = workbook.active
                records, problems = _sheet_records(sheet)
                title = sheet.title
            finally:
                workbook.close()
    # A damaged workbook can fail in any of openpyxl's layers (zip, XML, styles, a chart sheet
    # where a worksheet should be); to the unit each means the same: it cannot be read.
    except Exception:
        return _failed("bad_workbook")
    if not records:
        return Table((), (problem(0, "", "empty"),), sheet=title)
    return Table(tuple(records), tuple(problems), sheet=title)


# --- CSV files ---------------------------------------------------------------------------------


def _header_score(text: str) -> int:
    """Return how many known headers the first non-blank line has, read with either separator."""
    first = next((line for line in text.splitlines() if line.strip(DELIMITERS + " \t")), "")
    return max(known_headers(next(csv.reader([first], delimiter=d), [])) for d in DELIMITERS)


def _decode(data: bytes) -> tuple[str | None, str]:
    """Return the text and its encoding: UTF-8 (with or without BOM), else the detector's."""
    if b"\x00" in data:  # UTF-16 ("Unicode text") or not text at all
        return None, ""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8) :].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError:
            return None, ""
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    matches = list(from_bytes(data, cp_isolation=list(CSV_ENCODINGS)))
    if not matches:
        return None, ""
    # The detector ranks by plausibility; among its candidates, the one that reads the headers
    # (Förnamn, Från) wins: few letters outside a–z can make it prefer a wrong code page.
    texts = [(str(match), match.encoding) for match in matches]
    return max(texts, key=lambda pair: _header_score(pair[0]))


def _delimiter(lines: list[str]) -> str:
    """Return the separator: the sniffer's, unless the other one reads more known headers."""
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines[:SNIFF_LINES]), DELIMITERS).delimiter
    except csv.Error:
        sniffed = None
    # Names like "Öberg, Åsa" in a semicolon file can make the sniffer guess a comma.
    header = {d: next(csv.reader([lines[0]], delimiter=d), []) for d in DELIMITERS}
    known = {d: (known_headers(header[d]), d == sniffed, lines[0].count(d)) for d in DELIMITERS}
    return max(DELIMITERS, key=known.__getitem__)


def _records(text: str, delimiter: str, problems: list[Problem]) -> Iterator[Record]:
    """Yield each non-blank record with the physical line it starts on."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    last = 0
    try:
        for cells in reader:
            start, last = last + 1, reader.line_num
            if any(cell.strip() for cell in cells):
                yield start, tuple(cells)
    except csv.Error:  # a field past the csv module's size limit: an unclosed quote
        problems.append(problem(last + 1, "", "unclosed_quote"))


def _read_csv(data: bytes) -> Table:
    text, encoding = _decode(data)
    if text is None:
        return _failed("binary")
    lines = [line for line in text.splitlines() if line.strip(DELIMITERS + " \t")]
    if not lines:
        return _failed("empty", encoding)
    delimiter = _delimiter(lines)
    problems: list[Problem] = []
    records = tuple(_records(text, delimiter, problems))
    if not records:
        return Table((), (problem(0, "", "empty"),), encoding, delimiter)
    return Table(records, tuple(problems), encoding, delimiter)
