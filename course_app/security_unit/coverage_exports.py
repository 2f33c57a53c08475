"""The coverage report's downloads: CSV that any spreadsheet splits right, and XLSX with typed
cells, column widths, a frozen header row and a filter.

The same two tables in both: the summary (one row per group, with a column naming the kind of
group) and the list of those who have not completed everything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.utils import get_column_letter

from course_app.security_unit.coverage import DIMENSIONS, Coverage
from course_app.training.periods import period_label

# A cell that a spreadsheet would read as a formula starts with one of these.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
KINDS = {"party": _l("Party"), "body": _l("Body"), "role": _l("Role"), "extent": _l("Extent")}
WIDEST = 60  # characters: a longer text wraps in the spreadsheet instead
MEASURED_ROWS = 500  # the column widths are read from the first rows


@dataclass(frozen=True)
class Table:
    """A sheet's rows (text, numbers and dates) and the index of its heading row."""

    name: str
    rows: list[list]
    heading: int


def tables(
    report: Coverage, titles: dict[str, str], filters: list[str], label: Callable
) -> tuple[Table, Table]:
    """Return the summary and the list of who has not completed, as the downloads hold them."""
    summary = [
        [_("Mandate period"), period_label(report.election_year)],
        [_("As of"), report.as_of],
        *([_("The list is filtered"), line] for line in filters),
        [],
    ]
    heading = len(summary)
    modules = [titles.get(m, m) for m in report.module_ids]
    summary.append([_("Breakdown"), _("Group"), _("Officials"), _("Completed all"), *modules])
    groups = [(_("Total"), _("All officials"), report.total)]
    for dimension in DIMENSIONS:
        kind = str(KINDS[dimension])
        groups += [(kind, label(dimension, g), g) for g in report.breakdowns[dimension]]
    for kind, name, group in groups:
        completed = [group.modules[m].completed for m in report.module_ids]
        summary.append([kind, name, group.officials, group.all_done, *completed])
    people = [[_("Name"), _("E-mail address"), _("Missing")]]
    named: dict[tuple[str, ...], str] = {}  # a few patterns of missing modules, many people
    for person in report.missing:
        if person.missing not in named:
            named[person.missing] = ", ".join(titles.get(m, m) for m in person.missing)
        people.append([person.name, person.email, named[person.missing]])
    return Table(_("Summary"), summary, heading), Table(_("Not completed"), people, 0)


def as_csv(sheets: Sequence[Table]) -> str:
    """Return the tables as CSV for Excel: UTF-8 with a byte order mark, semicolons, every text
    quoted (a comma in a module's name never splits a cell) and no text read as a formula."""
    out = io.StringIO()
    out.write("\ufeff")  # Excel reads UTF-8 (Å, Ä, Ö) only with a byte order mark
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n", quoting=csv.QUOTE_NONNUMERIC)
    for number, sheet in enumerate(sheets):
        if number:
            writer.writerow([])
        writer.writerows([_csv_cell(v) for v in row] for row in sheet.rows)
    return out.getvalue()


def _csv_cell(value):
    """Return a value as CSV holds it: a day in ISO form, a formula-like text behind a quote."""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # CSV has no cell types: the apostrophe is what keeps it text
    return value


def as_xlsx(sheets: Sequence[Table]) -> bytes:
    """Return the tables as an XLSX workbook: text cells typed as text (never a formula, with
    no apostrophe shown), days as dates, fitted widths, the heading row frozen and filtered."""
    # Write-only: rows stream to the file instead of being kept as cell objects (50,000 rows).
    workbook = Workbook(write_only=True)
    for table in sheets:
        sheet = workbook.create_sheet(table.name[:31])
        if table.rows:
            _lay_out(sheet, table)
        for row in table.rows:
            sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _lay_out(sheet, table: Table) -> None:
    """Set the sheet's column widths, freeze its heading row and filter the table under it."""
    columns = max(len(row) for row in table.rows)
    for index, width in enumerate(_widths(table.rows, columns), start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{table.heading + 2}"
    last = f"{get_column_letter(columns)}{len(table.rows)}"
    sheet.auto_filter.ref = f"A{table.heading + 1}:{last}"


def _xlsx_cell(sheet, value):
    """Return a value as the sheet holds it: a text that looks like a formula as a text cell."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"  # openpyxl would store it as a formula
        return cell
    return value


def _widths(rows: list[list], columns: int) -> list[int]:
    """Return each column's width in characters, from the widest of the first rows."""
    widths = [8] * columns
    for row in rows[:MEASURED_ROWS]:
        for index, value in enumerate(row):
            text = value.isoformat() if isinstance(value, date) else str(value)
            widths[index] = min(max(widths[index], len(text) + 2), WIDEST)
    return widths
