"""Roster files as spreadsheets save them: Excel workbooks, and CSV in every encoding Excel uses."""

import codecs
import io
import zipfile
from datetime import date, datetime

import pytest
from openpyxl import Workbook

from course_app.security_unit.roster_csv import parse_roster
from course_app.security_unit.roster_files import MAX_ROWS, UNPACKED_PER_BYTE
from course_app.security_unit.roster_messages import message_for

LIMIT = 64 * 1024
HEADER = "Förnamn;Efternamn;E-post;Parti;Organ;Uppdrag;Omfattning;Från;Till"
SWEDISH = (
    HEADER,
    "Åsa;Öberg;asa@example.se;Miljöpartiet;Kommunfullmäktige;Ordinarie;Fritid;2026-10-15;",
    "Ärla;Åström-Öhman;arla@example.se;Vänsterpartiet;Miljö- och hälsoskyddsnämnden;"
    "Ersättare;Deltid;2027-01-01;",
    "Renée;Ek;renee@example.se;;Kommunstyrelsen;Ordförande;Heltid;2027-01-01;2030-12-31",
)
NAMES = ["Åsa Öberg", "Ärla Åström-Öhman", "Renée Ek"]


def csv_file(*lines: str, encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    return (newline.join(lines) + newline).encode(encoding)


def codes(parsed) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.code) for p in parsed.problems]


def workbook(*rows, title: str = "Ledamöter") -> bytes:
    """Return an .xlsx file made by openpyxl, as Excel or LibreOffice saves one."""
    book = Workbook()
    sheet = book.active
    sheet.title = title
    for row in rows:
        sheet.append(list(row))
    content = io.BytesIO()
    book.save(content)
    return content.getvalue()


# CSV: each encoding Excel saves in is read right, and the preview can say which it was.


@pytest.mark.parametrize(
    ("encoding", "newline", "found"),
    [
        ("utf-8", "\r\n", "utf-8"),  # "CSV UTF-8" without a BOM, as LibreOffice saves it
        ("utf-8-sig", "\r\n", "utf-8-sig"),  # Excel's "CSV UTF-8"
        ("cp1252", "\r\n", "cp1252"),  # Excel's "CSV" on Windows
        ("cp850", "\r\n", "cp850"),  # Excel's "CSV (MS-DOS)"
        ("mac_roman", "\r", "mac_roman"),  # Excel's "CSV (Macintosh)", lines ended by CR
    ],
)
def test_a_csv_file_in_each_encoding_excel_saves_in(encoding, newline, found):
    parsed = parse_roster(csv_file(*SWEDISH, encoding=encoding, newline=newline), LIMIT)
    assert parsed.problems == ()
    assert parsed.encoding == found
    assert [row.full_name for row in parsed.rows] == NAMES
    assert parsed.rows[1].body == "Miljö- och hälsoskyddsnämnden"


@pytest.mark.parametrize("encoding", ["cp1252", "cp850", "mac_roman"])
def test_a_code_page_is_found_from_the_headers_when_the_names_say_little(encoding):
    # Only the headers and one name have letters outside a–z: the headers decide.
    content = csv_file(
        "Förnamn;Efternamn;E-post;Organ;Uppdrag;Omfattning;Från",
        "Bo;Ek;bo@example.se;KF;Ordinarie;Fritid;2026-10-15",
        "Jöns;Ek;jons@example.se;KF;Ordinarie;Fritid;2026-10-15",
        encoding=encoding,
    )
    parsed = parse_roster(content, LIMIT)
    assert (parsed.problems, parsed.encoding) == ((), encoding)
    assert parsed.rows[1].first_name == "Jöns"


def test_a_windows_1252_file_that_lost_a_letter_says_so():
    # Saved in Windows-1252, Güneş became Güne?: the row is held back with a reason.
    content = csv_file(
        HEADER,
        SWEDISH[1],
        "Güne?;Yılmaz;g@example.se;;KS;Ordinarie;Fritid;2027-01-01;".replace("ı", "i"),
        encoding="cp1252",
    )
    parsed = parse_roster(content, LIMIT)
    assert parsed.encoding == "cp1252"
    assert codes(parsed) == [(3, "Förnamn", "damaged_text")]
    assert "Güne?" in message_for(parsed.problems[0])


# Excel workbooks.

WORKBOOK_HEADER = (
    "Förnamn", "Efternamn", "E-post", "Partibeteckning", "Organ", "Uppdrag", "Omfattning",
    "Fr.o.m.", "T.o.m.", "Telefon",
)  # fmt: skip


def test_an_xlsx_workbook_with_date_cells():
    content = workbook(
        WORKBOOK_HEADER,
        ("Åsa", "Öberg", "asa@example.se", "MP", "KF", "Ordinarie", "Fritid",
         datetime(2026, 10, 15), None, "070-123 45 67"),
        (),
        ("Bo", "Ek", "bo@example.se", "V", "KS", "Ordförande", "Heltid",
         date(2027, 1, 1), date(2030, 12, 31), 701234567),
    )  # fmt: skip
    parsed = parse_roster(content, LIMIT)
    assert parsed.problems == ()
    assert (parsed.sheet, parsed.encoding, parsed.delimiter) == ("Ledamöter", "", "")
    assert parsed.ignored_columns == ("Telefon",)
    asa, bo = parsed.rows
    assert (asa.line, asa.party, asa.starts_on, asa.ends_on) == (2, "MP", date(2026, 10, 15), None)
    assert (bo.line, bo.starts_on, bo.ends_on) == (4, date(2027, 1, 1), date(2030, 12, 31))
    assert parsed.column_label("ends_on") == "T.o.m."


def test_a_workbook_with_us_dates_as_text_gets_one_message_for_the_column():
    rows = [
        ("Bo", "Ek", f"bo{n}@example.se", "V", "KS", "Ordinarie", "Fritid", "10/15/2026", "")
        for n in range(45)
    ]
    parsed = parse_roster(workbook(WORKBOOK_HEADER[:9], *rows), LIMIT)
    assert codes(parsed) == [(2, "Fr.o.m.", "date_mdy")]
    assert parsed.problems[0].params["count"] == 45
    message = message_for(parsed.problems[0])
    assert "month/day/year" in message and "2026-10-15" in message and "10/15/2026" in message


def test_values_under_no_header_in_a_workbook_are_named_as_unused():
    row = ("Bo", "Ek", "bo@example.se", "V", "KS", "Ordinarie", "Fritid", "2026-10-15", "", "")
    parsed = parse_roster(workbook(WORKBOOK_HEADER[:9], (*row, "anteckning")), LIMIT)
    assert parsed.problems == ()
    assert parsed.unnamed_columns == (11,)


def test_an_empty_workbook_and_one_without_rows():
    assert codes(parse_roster(workbook(), LIMIT)) == [(0, "", "empty")]
    assert codes(parse_roster(workbook(WORKBOOK_HEADER), LIMIT)) == [(0, "", "no_rows")]


def test_a_workbook_past_the_row_limit_is_refused(monkeypatch):
    monkeypatch.setattr("course_app.security_unit.roster_files.MAX_ROWS", 3)
    row = ("Bo", "Ek", "bo@example.se", "V", "KS", "Ordinarie", "Fritid", "2026-10-15")
    content = workbook(WORKBOOK_HEADER[:8], row, row, row)
    assert (0, "", "too_many_rows") in codes(parse_roster(content, LIMIT))
    assert MAX_ROWS >= 10_000


def zip_file(entries: dict[str, bytes]) -> bytes:
    content = io.BytesIO()
    with zipfile.ZipFile(content, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return content.getvalue()


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", "bad_workbook"),
        (zip_file({"word/document.xml": b"<w/>"}), "bad_workbook"),
        (zip_file({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet"}), "opendocument"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "old_workbook"),
        (zip_file({"xl/worksheets/sheet1.xml": b"\x00" * (LIMIT * UNPACKED_PER_BYTE + 1)}),
         "workbook_too_large"),
    ],
    ids=["truncated", "not-a-workbook", "ods", "xls", "zip-bomb"],
)  # fmt: skip
def test_a_file_that_is_no_readable_workbook_says_what_it_is(content, code):
    parsed = parse_roster(content, LIMIT)
    assert codes(parsed) == [(0, "", code)]
    assert "%(" not in message_for(parsed.problems[0])


def test_a_bom_is_not_a_column():
    parsed = parse_roster(codecs.BOM_UTF8 + csv_file(*SWEDISH), LIMIT)
    assert parsed.column_label("first_name") == "Förnamn"
