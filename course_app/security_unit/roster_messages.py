"""What each roster problem says to the security unit, translated (see roster_csv.py)."""

from __future__ import annotations

from collections import defaultdict

from flask_babel import lazy_gettext as _l

# Every message may use %(line)s and %(column)s (where the problem is) and its own parameters.
MESSAGES = {
    # The whole file.
    "too_large": _l("The file is too large: at most %(limit_kib)s KiB can be imported."),
    "binary": _l(
        "The file cannot be read as text. Save it as CSV (in Excel: CSV UTF-8) or as an Excel"
        " workbook (.xlsx) and try again."
    ),
    "old_workbook": _l(
        "This is an older Excel workbook (.xls) or one protected by a password. Save it as an"
        " Excel workbook (.xlsx) without a password, or as CSV UTF-8."
    ),
    "opendocument": _l(
        "This is an OpenDocument spreadsheet (.ods). In LibreOffice, save it as an Excel"
        " workbook (.xlsx) or as CSV."
    ),
    "bad_workbook": _l(
        "The file cannot be read as an Excel workbook: it may be damaged, or another kind of file."
        " Open it in Excel or LibreOffice and save it again as .xlsx or as CSV UTF-8."
    ),
    "workbook_too_large": _l(
        "The workbook is too large once unpacked. Save the roster on its own, as a workbook with"
        " one sheet or as CSV."
    ),
    "too_many_rows": _l(
        "The sheet has more than %(limit)s rows. Delete the empty rows below the roster, or save"
        " it as CSV."
    ),
    "empty": _l("The file is empty."),
    "no_header": _l(
        "The first row has no known column headers. It should name columns such as First name,"
        " Last name, Email, Body, Role, Extent and From."
    ),
    "no_rows": _l("The file has a header row but no officials."),
    "missing_column": _l("The column %(column)s is missing."),
    "missing_name_columns": _l(
        "The names are missing: add the columns %(first)s and %(last)s, or one column %(name)s."
    ),
    "duplicate_column": _l("The column %(column)s appears twice."),
    "unclosed_quote": _l(
        "The file cannot be read from this line on: a quotation mark is probably not closed."
    ),
    # One row.
    "extra_values": _l(
        "The row has more values than the file has columns. Put a value that contains"
        " %(separator)s in quotation marks."
    ),
    "missing_value": _l("This value is missing."),
    "too_long": _l("Too long: at most %(limit)s characters."),
    "control_character": _l(
        "The value contains a line break or another invisible character. Type it again."
    ),
    "bad_email": _l("Not a valid e-mail address: %(value)s."),
    "email_not_ascii": _l(
        "Our mail server cannot deliver to %(value)s: it has letters outside a–z before the @"
        " (%(characters)s). Ask the official for an address without them."
    ),
    "email_look_alike": _l(
        "%(value)s mixes alphabets or has characters that only look like ordinary letters"
        " (%(characters)s), so mail to it would go astray. Type the address again by hand."
    ),
    "damaged_text": _l(
        "%(value)s seems to have lost a letter: “?” or “�” is what a file saved in an encoding"
        " without the letter keeps of it. Type it with its letters, or save the file as CSV"
        " UTF-8 or .xlsx."
    ),
    "unknown_role": _l(
        "Unknown role: %(value)s. Use Member, Substitute, Chair, Vice chair, Second vice chair"
        " or Political secretary."
    ),
    "unknown_extent": _l("Unknown extent: %(value)s. Use Full time, Part time or Spare time."),
    "unknown_language": _l("Unknown language: %(value)s. Use sv or en, or leave it empty."),
    "not_a_date": _l("Not a date: %(value)s. Write it as YYYY-MM-DD, for example 2026-10-15."),
    # Dates in another format: one problem per column and format (roster_dates.py), on the line
    # of the example it shows.
    "date_mdy": _l(
        "Looks like month/day/year: %(value)s (line %(line)s; rows with such dates: %(count)s)."
        " Write each date as year-month-day, here %(iso)s."
    ),
    "date_dmy": _l(
        "Looks like day/month/year: %(value)s (line %(line)s; rows with such dates: %(count)s)."
        " Write each date as year-month-day, here %(iso)s."
    ),
    "date_dmy_or_mdy": _l(
        "Day and month in an order that cannot be told: %(value)s (line %(line)s; rows with such"
        " dates: %(count)s) could be either. Write each date as year-month-day, for example"
        " 2026-10-15."
    ),
    "date_ymd": _l(
        "Year, month and day with other separators or without zeros: %(value)s (line %(line)s;"
        " rows with such dates: %(count)s). Write each date as YYYY-MM-DD, here %(iso)s."
    ),
    "date_compact": _l(
        "Year, month and day without hyphens: %(value)s (line %(line)s; rows with such dates:"
        " %(count)s). Write each date as YYYY-MM-DD, here %(iso)s."
    ),
    "date_short_year": _l(
        "A year in two digits: %(value)s (line %(line)s; rows with such dates: %(count)s). Write"
        " each date with the whole year, as YYYY-MM-DD, for example 2026-10-15."
    ),
    "date_time": _l(
        "A date with a time: %(value)s (line %(line)s; rows with such dates: %(count)s). Write"
        " the date alone, here %(iso)s."
    ),
    "date_number": _l(
        "A number where a date should be: %(value)s (line %(line)s; rows with such numbers:"
        " %(count)s) is how a spreadsheet stores the date %(iso)s in a cell not formatted as a"
        " date. Format the column as dates, or write YYYY-MM-DD."
    ),
    "end_before_start": _l("The end date %(value)s is before the start date %(start)s."),
    "secretary_with_body": _l("A political secretary has no body: leave %(column)s empty."),
    "body_missing": _l("The body is missing. Only a political secretary has none."),
    "different_name": _l(
        "The same e-mail address has another name on line %(first_line)s: %(name)s."
    ),
    "duplicate_row": _l("The same assignment twice: it is also on line %(first_line)s."),
    # Found when the rows are compared with the roster (roster_import.py).
    # The same for an account elsewhere as for one of the unit's own that is not an official's.
    "email_taken": _l(
        "This e-mail address belongs to another account, which cannot hold assignments. Use"
        " another address for this official."
    ),
    "same_seat_twice": _l("The same official, body and role twice: also on line %(line)s."),
}
UNKNOWN = _l("This row cannot be imported.")


def message_for(problem) -> str:
    """Return the problem as a sentence in the current language."""
    message = MESSAGES.get(problem.code, UNKNOWN)
    # A missing parameter shows as nothing rather than breaking the page.
    values = defaultdict(str, {"line": problem.line, "column": problem.column})
    values.update(problem.params)
    return str(message) % values
