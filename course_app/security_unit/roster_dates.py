"""Dates in a roster file: ISO dates, and what the others look like, told once per column.

Pure: no Flask. A file saved with another date format has it in every row; so a cell that
looks like a known format gives a "date_format" problem, and group_formats() turns those of
one column into one problem per format that names it and shows how to write the first one.
"""

from __future__ import annotations

import re
from datetime import date, timedelta

from course_app.security_unit.roster_problems import Problem, problem, shown

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DAY_MONTH_YEAR = re.compile(r"([0-9]{1,2})([./-])([0-9]{1,2})\2([0-9]{4})")
YEAR_MONTH_DAY = re.compile(r"([0-9]{4})([./-])([0-9]{1,2})\2([0-9]{1,2})")
SHORT_YEAR = re.compile(r"[0-9]{1,2}([./-])[0-9]{1,2}\1[0-9]{2}|[0-9]{6}")
COMPACT = re.compile(r"([0-9]{4})([0-9]{2})([0-9]{2})")
WITH_TIME = re.compile(r"([0-9]{4}-[0-9]{2}-[0-9]{2})[ T][0-9]{1,2}:[0-9]{2}(:[0-9]{2})?")
SERIAL = re.compile(r"[0-9]{5}")  # the day number a spreadsheet stores, 1899-12-30 being 0
SERIAL_EPOCH = date(1899, 12, 30)
SERIAL_RANGE = range(20_000, 80_000)  # 1954 to 2119

# The formats told apart; each has its own message, "date_" + its name.
DMY, MDY, DMY_OR_MDY = "dmy", "mdy", "dmy_or_mdy"
YMD, COMPACT_YMD, SHORT, TIME, NUMBER = "ymd", "compact", "short_year", "time", "number"


def parse_iso(value: str) -> date | None:
    """Return the date written YYYY-MM-DD, or None."""
    if not ISO_DATE.fullmatch(value):
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


def looks_like_a_date(value: str) -> bool:
    """Return True if value is a date in a format other than ISO, or a date and time."""
    patterns = (DAY_MONTH_YEAR, YEAR_MONTH_DAY, SHORT_YEAR, COMPACT, WITH_TIME)
    if any(pattern.fullmatch(value) for pattern in patterns):
        return True
    return bool(SERIAL.fullmatch(value)) and int(value) in SERIAL_RANGE


def _format_of(value: str) -> str:
    """Return the format of one value (DMY_OR_MDY for both numbers at most 12)."""
    if match := DAY_MONTH_YEAR.fullmatch(value):
        first, second = int(match[1]), int(match[3])
        return DMY if first > 12 else MDY if second > 12 else DMY_OR_MDY
    if YEAR_MONTH_DAY.fullmatch(value):
        return YMD
    if WITH_TIME.fullmatch(value):
        return TIME
    if COMPACT.fullmatch(value):
        return COMPACT_YMD
    if SERIAL.fullmatch(value):
        return NUMBER
    return SHORT


def _column_formats(values: list[str]) -> dict[str, str]:
    """Return each value's format, day/month and month/day decided for the column as a whole."""
    formats = {value: _format_of(value) for value in values}
    orders = {f for f in formats.values() if f in (DMY, MDY, DMY_OR_MDY)}
    # 15/10 says day first for the whole column, 10/15 month first; both, or neither: unknown.
    order = (orders - {DMY_OR_MDY}).pop() if len(orders - {DMY_OR_MDY}) == 1 else DMY_OR_MDY
    return {value: order if f in (DMY, MDY, DMY_OR_MDY) else f for value, f in formats.items()}


def _as_date(value: str, kind: str) -> date | None:
    """Return the date value stands for in its format, or None if it is none."""
    try:
        if kind in (DMY, MDY):
            first, _, second, year = DAY_MONTH_YEAR.fullmatch(value).groups()
            day, month = (first, second) if kind == DMY else (second, first)
            return date(int(year), int(month), int(day))
        if kind == YMD:
            year, _, month, day = YEAR_MONTH_DAY.fullmatch(value).groups()
            return date(int(year), int(month), int(day))
        if kind == COMPACT_YMD:
            return date(*(int(part) for part in COMPACT.fullmatch(value).groups()))
        if kind == TIME:
            return date.fromisoformat(WITH_TIME.fullmatch(value)[1])
        if kind == NUMBER:
            return SERIAL_EPOCH + timedelta(days=int(value))
    except ValueError:
        return None
    return None


def group_formats(problems: list[Problem]) -> list[Problem]:
    """Replace the "date_format" problems of each column by one per format found in it."""
    cells: dict[str, list[Problem]] = {}
    others = []
    for item in problems:
        if item.code == "date_format":
            cells.setdefault(item.column, []).append(item)
        else:
            others.append(item)
    for column, found in cells.items():
        formats = _column_formats([item.params["value"] for item in found])
        for kind in dict.fromkeys(formats[item.params["value"]] for item in found):
            of_kind = [item for item in found if formats[item.params["value"]] == kind]
            others.append(_told_once(column, kind, of_kind))
    return others


def _told_once(column: str, kind: str, found: list[Problem]) -> Problem:
    """Return the one problem for the cells of one column in one format."""
    pairs = [(item, _as_date(item.params["value"], kind)) for item in found]
    item, example = next(((item, day) for item, day in pairs if day), (found[0], None))
    return problem(
        item.line,
        column,
        f"date_{kind}",
        value=shown(item.params["value"]),
        count=len(found),
        iso=example.isoformat() if example else "",
    )
