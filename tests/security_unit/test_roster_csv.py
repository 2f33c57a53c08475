"""The roster CSV parser: the files municipalities export, and every problem with its place."""

import codecs
import dataclasses
from datetime import date

import pytest

from course_app.models.roster import AssignmentRole, Extent
from course_app.security_unit.roster_csv import ParsedRoster, Problem, RosterRow, parse_roster
from course_app.security_unit.roster_messages import MESSAGES, message_for

LIMIT = 64 * 1024
HEADER = "Förnamn;Efternamn;E-post;Parti;Organ;Uppdrag;Omfattning;Från;Till"
ASA = "Åsa;Öberg;asa.oberg@example.se;Exempelpartiet;Kommunfullmäktige;Ordinarie;Fritid;2026-10-15;"
BO = "Bo;Ek;bo.ek@example.se;Kustpartiet;Kommunstyrelsen;Ordförande;Heltid;2027-01-01;2030-12-31"


def csv_file(*lines: str, encoding: str = "utf-8", newline: str = "\r\n") -> bytes:
    """Return the lines as a file, the way Excel writes one (CRLF)."""
    return (newline.join(lines) + newline).encode(encoding)


def parse(*lines: str, **options) -> ParsedRoster:
    return parse_roster(csv_file(*lines, **options), LIMIT)


def codes(parsed: ParsedRoster) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.code) for p in parsed.problems]


# Files that import.


def test_excel_csv_utf8_with_bom_and_semicolons():
    parsed = parse_roster(codecs.BOM_UTF8 + csv_file(HEADER, ASA, BO), LIMIT)
    assert parsed.problems == ()
    assert (parsed.encoding, parsed.delimiter) == ("utf-8-sig", ";")
    asa, bo = parsed.rows
    assert (asa.line, asa.first_name, asa.last_name, asa.full_name) == (
        2,
        "Åsa",
        "Öberg",
        "Åsa Öberg",
    )
    assert (asa.email, asa.party, asa.body) == (
        "asa.oberg@example.se",
        "Exempelpartiet",
        "Kommunfullmäktige",
    )
    assert (asa.role, asa.extent) == (AssignmentRole.ORDINARIE, Extent.FRITID)
    assert (asa.starts_on, asa.ends_on, asa.language) == (date(2026, 10, 15), None, None)
    assert (bo.line, bo.role, bo.extent) == (3, AssignmentRole.ORDFORANDE, Extent.HELTID)
    assert (bo.starts_on, bo.ends_on) == (date(2027, 1, 1), date(2030, 12, 31))
    assert parsed.column_label("email") == "E-post"


def test_windows_1252_keeps_a_ring_and_umlauts():
    row = (
        "Ärla;Åström-Öhman;ARLA@Example.se;Miljöpartiet;Miljö- och hälsoskyddsnämnden;"
        "Ersättare;Deltid;2027-01-01;"
    )
    parsed = parse(HEADER, row, encoding="cp1252")
    assert parsed.problems == ()
    assert parsed.encoding == "cp1252"
    (arla,) = parsed.rows
    assert arla.full_name == "Ärla Åström-Öhman"
    assert arla.email == "arla@example.se"
    assert (arla.party, arla.body) == ("Miljöpartiet", "Miljö- och hälsoskyddsnämnden")
    assert (arla.role, arla.extent) == (AssignmentRole.ERSATTARE, Extent.DELTID)


def test_utf8_without_bom_is_utf8():
    parsed = parse(HEADER, ASA)
    assert parsed.encoding == "utf-8"
    assert parsed.rows[0].full_name == "Åsa Öberg"


def test_english_headers_in_any_case_and_order_with_commas_quotes_extra_columns_and_blank_lines():
    parsed = parse(
        "  EMAIL , role,Phone,first NAME,Last Name,FROM,to,extent,BODY,party,Notes",
        "",
        "asa@example.se,Member,070-123,Åsa,Öberg,2026-10-15,,Full time,"
        '"Culture, leisure and sports committee",P,"said ""yes"", later"',
        ",,,,",
        "",
        "bo@example.se,Substitute,,Bo,Ek,2027-01-01,2030-12-31,Part-time,Executive board,,",
    )
    assert parsed.problems == ()
    assert (parsed.encoding, parsed.delimiter) == ("utf-8", ",")
    assert parsed.ignored_columns == ("Phone", "Notes")
    asa, bo = parsed.rows
    assert (asa.line, asa.full_name, asa.body) == (
        3,
        "Åsa Öberg",
        "Culture, leisure and sports committee",
    )
    assert (asa.role, asa.extent) == (AssignmentRole.ORDINARIE, Extent.HELTID)
    assert (bo.line, bo.party, bo.ends_on, bo.extent) == (
        6,
        None,
        date(2030, 12, 31),
        Extent.DELTID,
    )
    assert parsed.column_label("email") == "EMAIL"


def test_a_quoted_semicolon_inside_a_value():
    row = 'Åsa;Öberg;asa@example.se;P;"Kommunstyrelsen; arbetsutskottet";Ledamot;Fritid;2027-01-01;'
    parsed = parse(HEADER, row)
    assert parsed.problems == ()
    assert parsed.rows[0].body == "Kommunstyrelsen; arbetsutskottet"


def test_a_political_secretary_has_no_body_and_till_empty_means_until_further_notice():
    row = "Robin;Ström;robin@example.se;Kustpartiet;;Politisk sekreterare;Heltid;2025-01-01;"
    (robin,) = parse(HEADER, row).rows
    assert robin.role == AssignmentRole.POLITISK_SEKRETERARE
    assert (robin.body, robin.ends_on) == (None, None)


def test_a_file_of_political_secretaries_needs_no_body_column():
    parsed = parse(
        "Namn;E-post;Uppdrag;Omfattning;Från",
        "Robin Ström;r@example.se;Political secretary;Heltid;2025-01-01",
    )
    assert parsed.problems == ()
    assert parsed.rows[0].body is None


def test_one_name_column_is_split_into_first_and_last_name():
    parsed = parse(
        "Namn;E-post;Organ;Uppdrag;Omfattning;Från",
        "Anna-Karin von Essen;ak@example.se;KF;Ordinarie;Fritid;2026-10-15",
        "Öberg, Åsa;asa@example.se;KF;Ordinarie;Fritid;2026-10-15",
        "  Cher ;cher@example.se;KF;Ordinarie;Fritid;2026-10-15",
    )
    assert parsed.problems == ()
    names = [(r.first_name, r.last_name, r.full_name) for r in parsed.rows]
    assert names == [
        ("Anna-Karin von", "Essen", "Anna-Karin von Essen"),
        ("Åsa", "Öberg", "Åsa Öberg"),
        ("Cher", "", "Cher"),
    ]


def test_first_and_last_name_win_over_a_name_column_which_is_then_ignored():
    parsed = parse(
        "Namn;Förnamn;Efternamn;E-post;Organ;Uppdrag;Omfattning;Från",
        "X Y;Åsa;Öberg;a@example.se;KF;Ordinarie;Fritid;2026-10-15",
    )
    assert parsed.problems == ()
    assert parsed.rows[0].full_name == "Åsa Öberg"
    assert parsed.ignored_columns == ("Namn",)


def test_values_are_trimmed_and_single_spaced():
    row = (
        "  Åsa  ; Öberg ; Asa@Example.SE ;  Exempel\u00a0 partiet ; Kommun  fullmäktige ;"
        " ORDINARIE ; fritid ; 2026-10-15 ;"
    )
    (asa,) = parse(HEADER, row).rows
    assert (asa.first_name, asa.last_name, asa.email) == ("Åsa", "Öberg", "asa@example.se")
    assert (asa.party, asa.body) == ("Exempel partiet", "Kommun fullmäktige")


def test_the_sniffer_is_overruled_when_the_other_separator_reads_the_header():
    # Commas in every name make the sniffer guess a comma.
    parsed = parse(
        "Namn;E-post;Organ;Uppdrag;Omfattning;Från",
        "Öberg, Åsa;asa@example.se;KF;Ordinarie;Fritid;2026-10-15",
        "Ek, Bo;bo@example.se;KS;Ersättare;Fritid;2027-01-01",
    )
    assert parsed.delimiter == ";"
    assert [r.full_name for r in parsed.rows] == ["Åsa Öberg", "Bo Ek"]


def test_lone_newlines_and_a_file_without_a_final_newline():
    parsed = parse_roster(f"{HEADER}\n\n{ASA}".encode(), LIMIT)
    assert parsed.problems == ()
    assert parsed.rows[0].line == 3


@pytest.mark.parametrize(
    ("word", "role"),
    [
        ("Ordinarie", AssignmentRole.ORDINARIE),
        ("ledamot", AssignmentRole.ORDINARIE),
        ("MEMBER", AssignmentRole.ORDINARIE),
        ("Ersättare", AssignmentRole.ERSATTARE),
        ("Substitute", AssignmentRole.ERSATTARE),
        ("deputy", AssignmentRole.ERSATTARE),
        ("Ordförande", AssignmentRole.ORDFORANDE),
        ("Chair", AssignmentRole.ORDFORANDE),
        ("Vice ordförande", AssignmentRole.VICE_ORDFORANDE),
        ("1:e vice ordförande", AssignmentRole.VICE_ORDFORANDE),
        ("Vice chair", AssignmentRole.VICE_ORDFORANDE),
        ("First vice chair", AssignmentRole.VICE_ORDFORANDE),
        ("Andre vice ordförande", AssignmentRole.ANDRE_VICE_ORDFORANDE),
        ("2:e vice ordförande", AssignmentRole.ANDRE_VICE_ORDFORANDE),
        ("Second vice chair", AssignmentRole.ANDRE_VICE_ORDFORANDE),
    ],
)
def test_roles_in_swedish_and_english(word, role):
    row = f"Åsa;Öberg;a@example.se;P;KF;{word};Fritid;2026-10-15;"
    assert parse(HEADER, row).rows[0].role == role


@pytest.mark.parametrize(
    ("word", "extent"),
    [
        ("Heltid", Extent.HELTID),
        ("Full time", Extent.HELTID),
        ("full-time", Extent.HELTID),
        ("Deltid", Extent.DELTID),
        ("Part time", Extent.DELTID),
        ("Part-time", Extent.DELTID),
        ("FRITID", Extent.FRITID),
        ("Spare time", Extent.FRITID),
        ("Leisure", Extent.FRITID),
    ],
)
def test_extents_in_swedish_and_english(word, extent):
    row = f"Åsa;Öberg;a@example.se;P;KF;Ordinarie;{word};2026-10-15;"
    assert parse(HEADER, row).rows[0].extent == extent


@pytest.mark.parametrize(
    ("word", "language"),
    [
        ("sv", "sv"),
        ("Svenska", "sv"),
        ("swedish", "sv"),
        ("EN", "en"),
        ("engelska", "en"),
        ("English", "en"),
        ("", None),
    ],
)
def test_the_optional_language(word, language):
    row = f"Åsa;Öberg;a@example.se;P;KF;Ordinarie;Fritid;2026-10-15;;{word}"
    assert parse(HEADER + ";Språk", row).rows[0].language == language


def test_one_official_with_two_assignments_is_two_rows():
    second = (
        "Åsa;Öberg;ASA.OBERG@example.se;Exempelpartiet;Socialnämnden;Ersättare;Fritid;2027-01-01;"
    )
    parsed = parse(HEADER, ASA, second)
    assert parsed.problems == ()
    assert [r.body for r in parsed.rows] == ["Kommunfullmäktige", "Socialnämnden"]


# Problems in rows: each with its line (header = 1, blank lines count) and column as written.

GOOD_ROW = "Åsa;Öberg;a@example.se;P;KF;Ordinarie;Fritid;2026-10-15;"
ROW_PROBLEMS = [
    (
        "Bo;Ek;inte-en-adress;P;KF;Ordinarie;Fritid;2026-10-15;",
        "E-post",
        "bad_email",
        {"value": "inte-en-adress"},
    ),
    (
        "Bo;Ek;bo@example;P;KF;Ordinarie;Fritid;2026-10-15;",
        "E-post",
        "bad_email",
        {"value": "bo@example"},
    ),
    (
        "Bo;Ek;bo@example.se;P;KF;Talman;Fritid;2026-10-15;",
        "Uppdrag",
        "unknown_role",
        {"value": "Talman"},
    ),
    (
        "Bo;Ek;bo@example.se;P;KF;Ordinarie;Ibland;2026-10-15;",
        "Omfattning",
        "unknown_extent",
        {"value": "Ibland"},
    ),
    (
        "Bo;Ek;bo@example.se;P;KF;Ordinarie;Fritid;15/10/2026;",
        "Från",
        "date_dmy",
        {"value": "15/10/2026", "count": 1, "iso": "2026-10-15"},
    ),
    (
        "Bo;Ek;bo@example.se;P;KF;Ordinarie;Fritid;2026-02-30;",
        "Från",
        "not_a_date",
        {"value": "2026-02-30"},
    ),
    (
        "Bo;Ek;bo@example.se;P;KF;Ordinarie;Fritid;20261015;",
        "Från",
        "date_compact",
        {"value": "20261015", "count": 1, "iso": "2026-10-15"},
    ),
    (
        "Bo;Ek;bo@example.se;P;KF;Ordinarie;Fritid;2026-W42-1;",
        "Från",
        "not_a_date",
        {"value": "2026-W42-1"},
    ),
    (
        "Bo;Ek;bo@example.se;P;KF;Ordinarie;Fritid;2026-10-15;2026-10-15 00:00",
        "Till",
        "date_time",
        {"value": "2026-10-15 00:00", "count": 1, "iso": "2026-10-15"},
    ),
    (
        "Bo;Ek;bo@example.se;P;KF;Ordinarie;Fritid;2026-10-15;2026-01-01",
        "Till",
        "end_before_start",
        {"value": "2026-01-01", "start": "2026-10-15"},
    ),
    ("Bo;;bo@example.se;P;KF;Ordinarie;Fritid;2026-10-15;", "Efternamn", "missing_value", {}),
    (" ;Ek;bo@example.se;P;KF;Ordinarie;Fritid;2026-10-15;", "Förnamn", "missing_value", {}),
    ("Bo;Ek;;P;KF;Ordinarie;Fritid;2026-10-15;", "E-post", "missing_value", {}),
    ("Bo;Ek;bo@example.se;P;KF;;Fritid;2026-10-15;", "Uppdrag", "missing_value", {}),
    ("Bo;Ek;bo@example.se;P;KF;Ordinarie;;2026-10-15;", "Omfattning", "missing_value", {}),
    ("Bo;Ek;bo@example.se;P;KF;Ordinarie;Fritid;;", "Från", "missing_value", {}),
    (
        "Bo;Ek;bo@example.se;P;" + "N" * 201 + ";Ordinarie;Fritid;2026-10-15;",
        "Organ",
        "too_long",
        {"limit": 200, "length": 201},
    ),
    (
        "Bo;" + "E" * 199 + ";bo@example.se;P;KF;Ordinarie;Fritid;2026-10-15;",
        "Efternamn",
        "too_long",
        {"limit": 200, "length": 202},
    ),
    ("Bo;Ek;bo@example.se;P\x01;KF;Ordinarie;Fritid;2026-10-15;", "Parti", "control_character", {}),
    (
        'Bo;"E\nk";bo@example.se;P;KF;Ordinarie;Fritid;2026-10-15;',
        "Efternamn",
        "control_character",
        {},
    ),
    (
        "Bo;Ek;bo@example.se;P;KS;Politisk sekreterare;Heltid;2026-10-15;",
        "Organ",
        "secretary_with_body",
        {"value": "KS"},
    ),
    ("Bo;Ek;bo@example.se;P;;Ordinarie;Fritid;2026-10-15;", "Organ", "body_missing", {}),
    (
        "Bo;Ek;bo@example.se;P;KF;Ordinarie;Fritid;2026-10-15;;sv",
        "",
        "extra_values",
        {"separator": ";"},
    ),
    ("Bo;Ek;bo@example.se;P;KF;Ordinarie;Fritid;2026-10-15;;;;", None, None, None),
]


@pytest.mark.parametrize(("row", "column", "code", "params"), ROW_PROBLEMS)
def test_a_broken_row_gives_its_line_column_and_code(row, column, code, params):
    parsed = parse(HEADER, GOOD_ROW, "", row)
    if code is None:  # trailing empty values, as Excel writes them, are fine
        assert parsed.problems == ()
        return
    assert parsed.problems == (Problem(4, column, code, params),)
    assert [r.line for r in parsed.rows] == [2]
    assert code in MESSAGES
    assert "%(" not in message_for(parsed.problems[0])


def test_a_short_row_misses_every_value_it_leaves_out():
    parsed = parse(HEADER, "Bo;Ek;bo@example.se;P;KF")
    assert codes(parsed) == [
        (2, "Uppdrag", "missing_value"),
        (2, "Omfattning", "missing_value"),
        (2, "Från", "missing_value"),
    ]


def test_every_problem_of_a_row_is_reported_in_column_order():
    row = "Bo;Ek;nej;P;KF;Talman;Ibland;igår;"
    parsed = parse(HEADER, row)
    assert codes(parsed) == [
        (2, "E-post", "bad_email"),
        (2, "Uppdrag", "unknown_role"),
        (2, "Omfattning", "unknown_extent"),
        (2, "Från", "not_a_date"),
    ]
    assert parsed.rows == ()


def test_the_column_is_named_as_written_in_the_file():
    parsed = parse(
        "e-MAIL,First name,Last name,Body,Role,Extent,From", "x,Bo,Ek,KF,Member,Leisure,2026-10-15"
    )
    assert codes(parsed) == [(2, "e-MAIL", "bad_email")]


def test_an_unknown_language_is_a_problem():
    parsed = parse(HEADER + ";Språk", GOOD_ROW + ";tyska")
    assert parsed.problems == (Problem(2, "Språk", "unknown_language", {"value": "tyska"}),)


def test_a_long_value_is_shortened_in_the_message():
    value = "Ordinarie" * 20
    parsed = parse(HEADER, f"Bo;Ek;bo@example.se;P;KF;{value};Fritid;2026-10-15;")
    shown = parsed.problems[0].params["value"]
    assert len(shown) == 60 and shown.endswith("…")


def test_the_same_email_with_another_name_is_reported_on_the_later_row():
    parsed = parse(
        HEADER,
        ASA,
        BO,
        "Åsa;Berg;Asa.Oberg@example.se;Exempelpartiet;Socialnämnden;Ersättare;Fritid;2027-01-01;",
    )
    assert parsed.problems == (
        Problem(4, "Förnamn", "different_name", {"first_line": 2, "name": "Åsa Öberg"}),
    )
    assert "on line 2: Åsa Öberg" in message_for(parsed.problems[0])


def test_the_same_name_in_another_letter_case_is_the_same_name():
    other_case = ASA.replace("Åsa;Öberg", "ÅSA;ÖBERG").replace("Kommunfullmäktige", "KS")
    assert parse(HEADER, ASA, other_case).problems == ()


def test_the_same_assignment_twice_is_reported_on_the_later_row():
    parsed = parse(HEADER, ASA, BO, "", ASA.replace(";Ordinarie;", ";ordinarie;"))
    assert parsed.problems == (Problem(5, "", "duplicate_row", {"first_line": 2}),)
    assert [r.line for r in parsed.rows] == [2, 3]


# Problems with the whole file: line 0, no column, nothing read.


def test_over_the_size_limit_is_refused_before_reading():
    parsed = parse_roster(b"\x00" * 2049, 2048)
    assert parsed == ParsedRoster(
        (), (Problem(0, "", "too_large", {"limit": 2048, "limit_kib": 2}),), (), "", ""
    )
    assert message_for(parsed.problems[0]) == (
        "The file is too large: at most 2 KiB can be imported."
    )


def test_exactly_the_size_limit_is_read():
    content = csv_file(HEADER, ASA)
    assert parse_roster(content, len(content)).problems == ()


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\r\n\r\n  \n",
        b";;;;\r\n;;\r\n",
        codecs.BOM_UTF8,
    ],
    ids=["nothing", "blank-lines", "only-separators", "only-a-bom"],
)
def test_an_empty_file(content):
    assert codes(parse_roster(content, LIMIT)) == [(0, "", "empty")]


@pytest.mark.parametrize(
    "content",
    [
        "Förnamn;Efternamn\r\n".encode("utf-16"),  # Excel's "Unicode text"
        b"F\xc3\xb6rnamn;\x81\x8d\x8f\x90",  # neither UTF-8 nor a code page Excel saves in
        codecs.BOM_UTF8 + b"F\xf6rnamn",  # a BOM, then not UTF-8
    ],
    ids=["utf-16", "neither", "false-bom"],
)
def test_a_binary_or_unreadable_file(content):
    parsed = parse_roster(content, LIMIT)
    assert codes(parsed) == [(0, "", "binary")]
    assert parsed.rows == ()


def test_no_known_header():
    assert codes(parse("foo,bar", "1,2")) == [(0, "", "no_header")]
    assert codes(parse(ASA, BO)) == [(0, "", "no_header")]


def test_a_header_without_rows():
    assert codes(parse(HEADER, "", ";;;")) == [(0, "", "no_rows")]


SAMPLE = {
    "Förnamn": "Bo",
    "Efternamn": "Ek",
    "E-post": "bo@example.se",
    "Organ": "KS",
    "Uppdrag": "Ordinarie",
    "Omfattning": "Fritid",
    "Från": "2027-01-01",
    "Till": "",
}
ENGLISH = ("First name", "Last name", "Email", "Body", "Role", "Extent", "From", "To")
SAMPLE.update(zip(ENGLISH, list(SAMPLE.values()), strict=True))


@pytest.mark.parametrize(
    ("header", "column"),
    [
        ("Förnamn;Efternamn;Organ;Uppdrag;Omfattning;Från", "E-post"),
        ("Förnamn;Efternamn;E-post;Organ;Omfattning;Från", "Uppdrag"),
        ("Förnamn;Efternamn;E-post;Organ;Uppdrag;Från", "Omfattning"),
        ("Förnamn;Efternamn;E-post;Organ;Uppdrag;Omfattning;Till", "Från"),
        ("Förnamn;E-post;Organ;Uppdrag;Omfattning;Från", "Efternamn"),
        ("Efternamn;E-post;Organ;Uppdrag;Omfattning;Från", "Förnamn"),
        ("First name,Last name,Body,Role,Extent,From", "Email"),
        ("Förnamn;Efternamn;E-post;Uppdrag;Omfattning;Från", "Organ"),
        ("First name,Last name,Email,Role,Extent,From", "Body"),
    ],
)
def test_a_missing_required_column_is_one_problem_naming_it(header, column):
    separator = "," if "," in header else ";"
    row = separator.join(SAMPLE[name] for name in header.split(separator))
    parsed = parse(header, row, row)
    missing = [p for p in parsed.problems if p.code == "missing_column"]
    assert missing == [Problem(0, "", "missing_column", {"column": column})]
    assert parsed.rows == ()
    assert message_for(missing[0]) == f"The column {column} is missing."


def test_missing_names_name_all_three_columns():
    parsed = parse(
        "E-post;Organ;Uppdrag;Omfattning;Från", "a@example.se;KF;Ordinarie;Fritid;2026-10-15"
    )
    params = {"first": "Förnamn", "last": "Efternamn", "name": "Namn"}
    assert parsed.problems == (Problem(0, "", "missing_name_columns", params),)


def test_the_rows_are_still_checked_when_a_column_is_missing():
    parsed = parse(
        "Förnamn;Efternamn;Organ;Uppdrag;Omfattning;Från", "Bo;Ek;KF;Talman;Fritid;2026-10-15"
    )
    assert codes(parsed) == [(0, "", "missing_column"), (2, "Uppdrag", "unknown_role")]


def test_a_column_twice():
    parsed = parse(HEADER + ";e-post", ASA + ";other@example.se")
    assert parsed.problems == (Problem(0, "", "duplicate_column", {"column": "e-post"}),)


def test_an_unclosed_quote_stops_the_reading_at_its_line():
    content = csv_file(HEADER, ASA, 'Bo;"Ek;' + "x" * 140_000)
    parsed = parse_roster(content, 1024 * 1024)
    assert codes(parsed) == [(3, "", "unclosed_quote")]


# The values themselves.


def test_parsed_values_are_frozen():
    row = parse(HEADER, ASA).rows[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        row.email = "other@example.se"
    assert isinstance(row, RosterRow)
    assert hash(parse(HEADER, "x").problems[0])


def test_every_message_formats_with_its_parameters():
    params = {
        "limit": 200,
        "limit_kib": 2048,
        "length": 201,
        "value": "x",
        "start": "2026-10-15",
        "first_line": 2,
        "name": "Namn",
        "first": "Förnamn",
        "last": "Efternamn",
        "separator": ";",
        "count": 3,
        "iso": "2026-10-15",
        "characters": "а (U+0430)",
    }
    for code in MESSAGES:
        message = message_for(Problem(3, "E-post", code, params))
        assert message and "%(" not in message and "%" not in message, code


def test_an_unknown_code_or_a_missing_parameter_does_not_break_the_page():
    assert message_for(Problem(2, "", "no_such_code", {})) == "This row cannot be imported."
    assert message_for(Problem(2, "", "bad_email", {})) == "Not a valid e-mail address: ."
