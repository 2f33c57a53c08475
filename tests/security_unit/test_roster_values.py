"""The values of a roster file: its headers, dates, names and e-mail addresses."""

import pytest

from course_app.security_unit import roster_columns
from course_app.security_unit.roster_csv import parse_roster
from course_app.security_unit.roster_messages import MESSAGES, message_for

LIMIT = 64 * 1024
HEADER = "Förnamn;Efternamn;E-post;Parti;Organ;Uppdrag;Omfattning;Från;Till"


def parse(*lines: str, smtputf8: bool = False):
    return parse_roster(("\r\n".join(lines) + "\r\n").encode(), LIMIT, smtputf8)


def codes(parsed) -> list[tuple[int, str, str]]:
    return [(p.line, p.column, p.code) for p in parsed.problems]


def row(first="Bo", email="bo@example.se", party="V", body="KS", start="2027-01-01", end=""):
    return f"{first};Ek;{email};{party};{body};Ordinarie;Fritid;{start};{end}"


# Headers: the Swedish variants from the one table, and every column not used, by name.


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Fr.o.m.", "starts_on"),
        ("Fr o m", "starts_on"),
        ("FOM", "starts_on"),
        ("Startdatum", "starts_on"),
        ("T.o.m.", "ends_on"),
        ("Tom", "ends_on"),
        ("t o m", "ends_on"),
        ("Slutdatum", "ends_on"),
        ("Partibeteckning", "party"),
        ("Mejl", "email"),
        ("E-postadress", "email"),
        ("Nämnd", "body"),
        ("Roll", "role"),
    ],
)
def test_the_swedish_variants_of_a_header(header, field):
    assert roster_columns.FIELDS[roster_columns.header_key(header)][0] == field


def test_tom_and_partibeteckning_are_read_and_unknown_columns_are_listed():
    parsed = parse(
        "Namn;Mejl;Partibeteckning;Organ;Uppdrag;Omfattning;Fr.o.m.;T.o.m.;Telefon;Anteckning",
        "Åsa Öberg;asa@example.se;MP;KF;Ordinarie;Fritid;2026-10-15;2030-10-14;070-1;x",
    )
    assert parsed.problems == ()
    (asa,) = parsed.rows
    assert (asa.party, str(asa.ends_on)) == ("MP", "2030-10-14")
    assert parsed.ignored_columns == ("Telefon", "Anteckning")


def test_a_header_cannot_stand_for_two_fields(monkeypatch):
    monkeypatch.setitem(roster_columns.HEADERS, "party", (("Parti", "Organ"), ("Party",)))
    with pytest.raises(ValueError, match="'Organ' stands for party and body"):
        roster_columns._fields()


# Dates: one message per column and format, naming what was found.


def test_us_dates_get_one_message_for_the_column():
    lines = [row(email=f"bo{n}@example.se", start="10/15/2026") for n in range(45)]
    parsed = parse(HEADER, *lines)
    assert codes(parsed) == [(2, "Från", "date_mdy")]
    assert dict(parsed.problems[0].params) == {
        "value": "10/15/2026",
        "count": 45,
        "iso": "2026-10-15",
    }
    assert message_for(parsed.problems[0]) == (
        "Looks like month/day/year: 10/15/2026 (line 2; rows with such dates: 45). Write each"
        " date as year-month-day, here 2026-10-15."
    )


def test_the_column_decides_day_or_month_first():
    # 01/02 alone could be either; 15/02 on another row says the day comes first.
    parsed = parse(HEADER, row(start="01/02/2027"), row(email="x@example.se", start="15/02/2027"))
    assert codes(parsed) == [(2, "Från", "date_dmy")]
    assert parsed.problems[0].params["iso"] == "2027-02-01"


def test_a_column_that_cannot_tell_day_from_month_says_so():
    parsed = parse(HEADER, row(start="01/02/2027"), row(email="x@example.se", start="03/04/2027"))
    assert codes(parsed) == [(2, "Från", "date_dmy_or_mdy")]
    assert "01/02/2027" in message_for(parsed.problems[0])


def test_each_column_and_format_is_told_once():
    parsed = parse(
        HEADER,
        row(start="2027.01.01", end="20301231"),
        row(email="x@example.se", start="2027.01.01", end="46752"),
        row(email="y@example.se", start="2027-01-01 00:00", end="31-12-30"),
    )
    assert codes(parsed) == [
        (2, "Från", "date_ymd"),
        (2, "Till", "date_compact"),
        (3, "Till", "date_number"),
        (4, "Från", "date_time"),
        (4, "Till", "date_short_year"),
    ]
    number = parsed.problems[2]
    assert (number.params["value"], number.params["iso"]) == ("46752", "2027-12-31")
    for problem in parsed.problems:
        assert "%(" not in message_for(problem) and problem.code in MESSAGES


def test_a_date_that_is_no_date_in_any_format_is_told_on_its_row():
    parsed = parse(HEADER, row(start="igår"), row(email="x@example.se", start="2026-02-30"))
    assert codes(parsed) == [(2, "Från", "not_a_date"), (3, "Från", "not_a_date")]


# Names that lost a letter on the way.


@pytest.mark.parametrize(
    ("line", "column"),
    [
        (row(first="Güne?"), "Förnamn"),
        (row(first="Gune\ufffd"), "Förnamn"),
        (row(party="V?nsterpartiet"), "Parti"),
        (row(body="Milj\ufffd- och h\ufffdlsoskyddsn\ufffdmnden"), "Organ"),
    ],
)
def test_a_name_with_a_question_mark_or_a_replacement_character_is_held_back(line, column):
    parsed = parse(HEADER, line)
    assert codes(parsed) == [(2, column, "damaged_text")]
    assert parsed.rows == ()


# E-mail addresses our mail can deliver to, or a reason on the row.


@pytest.mark.parametrize(
    ("address", "code", "characters"),
    [
        ("åsa.ödmark@example.se", "email_not_ascii", "å (U+00E5), ö (U+00F6)"),
        ("ａｓａ@example.se", "email_not_ascii", "ａ (U+FF41), ｓ (U+FF53)"),
        ("asa@exаmple.se", "email_look_alike", "а (U+0430)"),
        ("asa@раураl.se", "email_look_alike", "р (U+0440), а (U+0430), у (U+0443)"),
    ],
    ids=["swedish-letters", "full-width", "cyrillic-a", "cyrillic-word"],
)
def test_an_address_our_mail_cannot_deliver_is_refused_with_a_reason(address, code, characters):
    parsed = parse(HEADER, row(), row(email=address))
    assert codes(parsed) == [(3, "E-post", code)]
    assert parsed.problems[0].params["characters"] == characters
    message = message_for(parsed.problems[0])
    assert address in message and characters in message


def test_letters_outside_ascii_before_the_at_sign_pass_when_the_server_takes_them():
    parsed = parse(HEADER, row(email="Åsa.Ödmark@Example.se"), smtputf8=True)
    assert parsed.problems == ()
    assert parsed.rows[0].email == "åsa.ödmark@example.se"
    look_alike = parse(HEADER, row(email="ａｓａ@example.se"), smtputf8=True)
    assert codes(look_alike) == [(2, "E-post", "email_look_alike")]


def test_a_domain_with_letters_outside_ascii_is_stored_as_mail_servers_know_it():
    parsed = parse(HEADER, row(email="asa@exämple.se"), row(email="bo@ｅｘａｍｐｌｅ.se"))
    assert parsed.problems == ()
    assert [r.email for r in parsed.rows] == ["asa@xn--exmple-cua.se", "bo@example.se"]
