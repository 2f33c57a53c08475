"""The coverage report, checked against numbers worked out by hand, on SQLite and PostgreSQL."""

from __future__ import annotations

import csv
import io
import random
from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from course_app.extensions import db
from course_app.learn.services import current_catalog
from course_app.models import (
    AssignmentRole,
    Audience,
    Body,
    Extent,
    ModuleCompletion,
    Party,
    Permission,
    QuizAttempt,
    ReflectionNote,
    User,
)
from course_app.security_unit import coverage_views
from course_app.security_unit.coverage import DIMENSIONS, ORDERS, Counts, Listing, coverage
from course_app.security_unit.officials import Filters

ORG_MODULE, INCIDENT, PERSONAL = "organisation", "om-nagot-hander", "personlig-sakerhet"
ORDER = [ORG_MODULE, "demokratiska-samtalet", INCIDENT, "sexistiskt-hot", PERSONAL]
TODAY = date(2026, 11, 24)
DEADLINE = date(2027, 4, 13)
FM, KS = "Kommunfullmäktige", "Kommunstyrelsen"


def _done(app, user, module_id: str, day: date) -> None:
    with app.app_context():
        db.session.add(
            ModuleCompletion(
                user_id=user.id,
                module_id=module_id,
                module_version="v",
                completed_at=datetime(day.year, day.month, day.day, 12, tzinfo=UTC),
            )
        )
        db.session.commit()


@pytest.fixture
def roster(app, create_org, create_user, create_assignment, create_requirement):
    """Officials joining and leaving, two assignments, early and late completions."""
    org = create_org()
    create_requirement(org, [ORG_MODULE, INCIDENT], 2026, date(2026, 1, 1), DEADLINE)
    create_requirement(
        org, [PERSONAL], 2026, date(2026, 3, 1), date(2027, 6, 1), audience=Audience.KL_18A
    )
    people = {}
    for key, name in [("a", "Anna"), ("b", "Bo"), ("c", "Cecilia"), ("d", "David"),
                      ("e", "Erik"), ("f", "Fatima")]:  # fmt: skip
        people[key] = create_user(org=org, email=f"{name.lower()}@kommun.se")
    with app.app_context():
        from course_app.models import User

        for key, user in people.items():
            db.session.get(User, user.id).name = {"a": "Anna", "b": "Bo", "c": "Cecilia",
                "d": "David", "e": "Erik", "f": "Fatima"}[key]  # fmt: skip
        db.session.commit()
    seat = create_assignment
    seat(people["a"], FM, "Partiet A")
    seat(people["b"], FM, "Partiet A")
    seat(people["b"], KS, "Partiet A", AssignmentRole.ORDFORANDE, Extent.HELTID)
    seat(people["c"], FM, "Partiet B", AssignmentRole.ERSATTARE)
    seat(people["d"], FM, "Partiet B", ends_on=date(2026, 6, 30))  # left before the day
    seat(people["e"], FM, "Partiet B", starts_on=date(2026, 12, 1))  # joins after the day
    seat(people["f"], KS, "Partiet B")
    _done(app, people["a"], ORG_MODULE, date(2026, 2, 1))
    _done(app, people["a"], INCIDENT, date(2026, 5, 1))
    _done(app, people["b"], ORG_MODULE, date(2026, 2, 1))
    _done(app, people["b"], INCIDENT, date(2026, 2, 1))
    _done(app, people["b"], PERSONAL, date(2026, 2, 15))  # before its counts-from date
    _done(app, people["c"], ORG_MODULE, date(2025, 12, 1))  # before the period counts
    _done(app, people["d"], ORG_MODULE, date(2026, 3, 1))
    _done(app, people["f"], ORG_MODULE, date(2026, 3, 1))
    _done(app, people["f"], INCIDENT, date(2026, 12, 1))  # after the day
    return org, people


def _report(app, org, day):
    with app.app_context():
        return coverage(org, 2026, day, ORDER)


def _by(report, dimension):
    return {(g.name or g.key): (g.officials, g.all_done) for g in report.breakdowns[dimension]}


def test_coverage_on_a_day_matches_the_hand_count(app, roster):
    org, _people = roster
    report = _report(app, org, TODAY)
    assert report.module_ids == [ORG_MODULE, INCIDENT, PERSONAL]
    assert (report.total.officials, report.total.all_done) == (4, 1)  # A, B, C, F; only A
    modules = report.total.modules
    assert (modules[ORG_MODULE].required, modules[ORG_MODULE].completed) == (4, 3)
    assert (modules[INCIDENT].required, modules[INCIDENT].completed) == (4, 2)
    assert (modules[PERSONAL].required, modules[PERSONAL].completed) == (1, 0)
    assert _by(report, "party") == {"Partiet A": (2, 1), "Partiet B": (2, 0)}
    assert _by(report, "body") == {FM: (3, 1), KS: (2, 0)}
    assert _by(report, "role") == {"ordinarie": (3, 1), "ordforande": (1, 0), "ersattare": (1, 0)}
    assert _by(report, "extent") == {"fritid": (4, 1), "heltid": (1, 0)}
    assert [(m.name, m.missing) for m in report.missing] == [
        ("Bo", (PERSONAL,)),
        ("Cecilia", (ORG_MODULE, INCIDENT)),
        ("Fatima", (INCIDENT,)),
    ]


def test_coverage_at_the_deadline_counts_later_completions_and_new_officials(app, roster):
    org, _people = roster
    report = _report(app, org, DEADLINE)
    assert (report.total.officials, report.total.all_done) == (5, 2)  # E joined; F finished
    assert [m.name for m in report.missing] == ["Bo", "Cecilia", "Erik"]


def test_the_report_is_a_fixed_number_of_queries(
    app, roster, create_user, create_assignment, count_queries
):
    org, _people = roster
    for n in range(15):
        create_assignment(create_user(org=org, email=f"extra{n}@kommun.se"), KS, "Partiet C")
    with app.app_context(), count_queries() as statements:
        coverage(org, 2026, TODAY, ORDER)
    # On PostgreSQL, the transaction's working memory is raised first: no query.
    queries = [s for s in statements if not s.startswith("SET LOCAL work_mem")]
    assert len(queries) == 2  # the requirements; then totals, groups, curve and list
    on_postgresql = app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert len(statements) - len(queries) == on_postgresql


def _page(client, login_as, user, query=""):
    login_as(client, user)
    return client.get(f"/security-unit/coverage{query}")


def test_the_security_unit_reads_the_report(app, client, roster, create_user, login_as):
    org, _people = roster
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    html = _page(client, login_as, unit, "?period=2026&as_of=2026-11-24").get_data(as_text=True)
    assert "1 av 4 förtroendevalda hade gått klart alla obligatoriska moduler (25 %)." in html
    assert "cecilia@kommun.se" in html and "anna@kommun.se" not in html
    assert "as_of=2027-04-13" in html  # one click for the deadline


def test_the_csv_export_opens_in_excel_and_neutralises_formulas(
    app, client, roster, create_user, login_as
):
    org, people = roster
    with app.app_context():
        from course_app.models import User

        db.session.get(User, people["c"].id).name = '=HYPERLINK("http://x")'
        db.session.commit()
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    login_as(client, unit)
    response = client.get("/security-unit/coverage.csv?period=2026&as_of=2026-11-24")
    assert (
        response.headers["Content-Disposition"] == 'attachment; filename="tackning-2026-11-24.csv"'
    )
    body = response.get_data()
    assert body.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), delimiter=";"))
    assert ["Totalt", "Alla förtroendevalda", "4", "1", "3", "2", "0"] in rows
    names = [row[0] for row in rows if len(row) == 3]
    assert '\'=HYPERLINK("http://x")' in names


FORMULAS = ["=1+1", "+46 8 123", "-2", "@SUMMA(A1)", "\tTabb", "\rRetur"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_both_exports_neutralise_every_formula_start_in_names_and_groups(
    app, client, roster, create_user, login_as, formula
):
    """A name or a party's name that a spreadsheet would run as a formula comes out as text in
    the list and in the summary of both exports: led by an apostrophe in the CSV, which has no
    cell types, and as it is, in a cell typed as text, in the XLSX."""
    from openpyxl import load_workbook

    org, people = roster
    with app.app_context():
        db.session.get(User, people["c"].id).name = formula
        party = db.session.scalars(select(Party).where(Party.organisation_id == org)).first()
        party.name = formula + " parti"
        db.session.commit()
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    login_as(client, unit)
    query = "?period=2026&as_of=2026-11-24"
    body = client.get(f"/security-unit/coverage.csv{query}").get_data().decode("utf-8-sig")
    cells = {cell for row in csv.reader(io.StringIO(body), delimiter=";") for cell in row}
    book = load_workbook(io.BytesIO(client.get(f"/security-unit/coverage.xlsx{query}").get_data()))
    sheet_cells = [cell for sheet in book.worksheets for row in sheet.iter_rows() for cell in row]
    starts = ("=", "+", "-", "@", "\t", "\r")  # no text cell begins with any of them
    assert "'" + formula in cells and "'" + formula + " parti" in cells
    assert not {v for v in cells if v.startswith(starts)}
    values = {cell.value for cell in sheet_cells}
    assert formula in values and formula + " parti" in values
    assert not [cell for cell in sheet_cells if cell.data_type == "f"]
    texts = [c for c in sheet_cells if isinstance(c.value, str) and c.value.startswith(starts)]
    assert texts and all(cell.data_type == "s" for cell in texts)


def test_nothing_private_appears_in_the_report_or_its_export(
    app, client, roster, create_user, login_as
):
    org, people = roster
    marker = "HEMLIG-MARKÖR-0042"
    with app.app_context():
        db.session.add(
            ReflectionNote(
                user_id=people["c"].id, module_id=ORG_MODULE, step_id="s", question_id="q",
                body=marker,
            )
        )  # fmt: skip
        db.session.add(
            QuizAttempt(
                user_id=people["c"].id, module_id=ORG_MODULE, quiz_version="v", token="t" * 32,
                answers={"q": [marker]}, correct=0, total=1, passed=False,
                submitted_at=datetime(2026, 11, 2, tzinfo=UTC),
            )
        )  # fmt: skip
        db.session.commit()
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    login_as(client, unit)
    for path in ("/security-unit/coverage", "/security-unit/coverage.csv"):
        assert marker not in client.get(path + "?period=2026&as_of=2026-11-24").get_data(
            as_text=True
        )


@pytest.mark.parametrize("permissions", [(Permission.OFFICIAL,), (Permission.GROUP_CONTACT,)])
def test_officials_and_group_contacts_are_refused(client, create_user, login_as, permissions):
    login_as(client, create_user(permissions=permissions))
    for path in ("", ".csv", ".xlsx", "/print"):
        assert client.get(f"/security-unit/coverage{path}").status_code == 403


def test_another_organisations_unit_sees_only_its_own(
    app, client, roster, create_user, create_org, login_as
):
    other = create_user(permissions=(Permission.SECURITY_UNIT,), org=create_org())
    html = _page(client, login_as, other, "?period=2026").get_data(as_text=True)
    assert "cecilia@kommun.se" not in html
    assert "Inga krav har lagts till än." in html


def test_the_curve_counts_who_had_completed_all_by_each_week(app, roster):
    org, _people = roster
    report = _report(app, org, TODAY)
    days = [day for day, _ in report.curve]
    assert days[0] == date(2026, 10, 15)  # fullmäktige's term starts
    assert days[-1] == TODAY
    assert all((b - a).days == 7 for a, b in zip(days[:-2], days[1:-1], strict=True))
    # Only Anna had completed all (on 1 May 2026, before the term started).
    assert [count for _, count in report.curve] == [1] * len(days)
    at_deadline = _report(app, org, DEADLINE).curve
    by_day = dict(at_deadline)
    assert by_day[date(2026, 11, 26)] == 1
    assert by_day[date(2026, 12, 3)] == 2  # Fatima's last module on 1 December


def test_the_xlsx_export_reads_back_with_both_sheets(app, client, roster, create_user, login_as):
    from openpyxl import load_workbook

    org, people = roster
    with app.app_context():
        from course_app.models import User

        db.session.get(User, people["c"].id).name = "@SUMMA(A1)"
        db.session.commit()
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    login_as(client, unit)
    response = client.get("/security-unit/coverage.xlsx?period=2026&as_of=2026-11-24")
    assert 'filename="tackning-2026-11-24.xlsx"' in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.get_data()))
    summary, missing = book.worksheets
    assert summary.title == "Sammanfattning" and missing.title == "Inte klara"
    rows = [list(r) for r in summary.iter_rows(values_only=True)]
    assert ["Totalt", "Alla förtroendevalda", 4, 1, 3, 2, 0] in rows
    names = [r[0] for r in missing.iter_rows(values_only=True)]
    assert names[0] == "Namn" and set(names[1:]) == {"Bo", "@SUMMA(A1)", "Fatima"}
    with app.app_context():
        title = {m.id: m.text("sv").title for m in current_catalog().modules}
    lacking = {r[0]: r[2] for r in missing.iter_rows(min_row=2, values_only=True)}
    assert lacking == {
        "Bo": title[PERSONAL],
        "@SUMMA(A1)": f"{title[ORG_MODULE]}, {title[INCIDENT]}",
        "Fatima": title[INCIDENT],
    }


def test_the_page_and_the_print_view_draw_the_curve_with_its_numbers(
    app, client, roster, create_user, login_as
):
    org, _people = roster
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    login_as(client, unit)
    query = "?period=2026&as_of=2027-04-13"
    # The page's table goes week by week; the printed one, past twelve weeks, month by month.
    for path, row in (("", "3 december 2026"), ("/print", "31 december 2026")):
        html = client.get("/security-unit/coverage" + path + query).get_data(as_text=True)
        assert '<svg viewBox="0 0 600 240" role="img"' in html
        assert 'class="deadline"' in html  # the deadline is marked
        assert f'<th scope="row">{row}</th>' in html
    printed = client.get("/security-unit/coverage/print" + query).get_data(as_text=True)
    assert "Testkommun" in printed and "cecilia@kommun.se" not in printed


def test_the_pages_first_of_the_list_are_the_exports_first(
    app, roster, create_user, create_assignment
):
    """The page reads its first few with the totals; the exports read all of them alone: the
    two must list the same people in the same order, by name, with what each lacks."""
    org, _people = roster
    for n, name in enumerate(["Öberg", "Åberg", "Ahlin", "Ärling", "Zorn", "Berg"]):
        user = create_user(org=org, email=f"lista{n}@kommun.se")
        with app.app_context():
            db.session.get(User, user.id).name = name
            db.session.commit()
        create_assignment(user, KS, "Partiet C")
    with app.app_context():
        everyone = coverage(org, 2026, TODAY, ORDER, missing_limit=None).missing
        first = coverage(org, 2026, TODAY, ORDER, missing_limit=4).missing
    assert len(everyone) == 9
    assert first == everyone[:4]
    names = [person.name for person in everyone]
    assert names.index("Ahlin") < names.index("Berg") < names.index("Zorn")
    assert all(person.missing for person in everyone)


def _ids(app, model, org):
    with app.app_context():
        return {
            r.name: r.id for r in db.session.scalars(select(model).filter_by(organisation_id=org))
        }


def _listed(app, org, day=TODAY, **listing):
    with app.app_context():
        report = coverage(org, 2026, day, ORDER, listing=Listing(**listing))
    return [person.name for person in report.missing], report.missing_count


def test_the_list_is_filtered_by_an_assignment_counted_on_the_day(app, roster):
    org, _people = roster
    party, body = _ids(app, Party, org), _ids(app, Body, org)
    assert _listed(app, org) == (["Bo", "Cecilia", "Fatima"], 3)
    assert _listed(app, org, filters=Filters(party_id=party["Partiet B"])) == (
        ["Cecilia", "Fatima"],
        2,
    )
    # Both conditions on one assignment: Bo sits on KS for A; Fatima on KS for B.
    on_ks = Filters(party_id=party["Partiet A"], body_id=body[KS])
    assert _listed(app, org, filters=on_ks) == (["Bo"], 1)
    assert _listed(app, org, filters=Filters(role=AssignmentRole.ORDFORANDE)) == (["Bo"], 1)
    assert _listed(app, org, filters=Filters(role=AssignmentRole.ERSATTARE)) == (["Cecilia"], 1)
    # Erik's seat for B starts after the day; David's ended before it.
    assert "Erik" in _listed(app, org, DEADLINE, filters=Filters(party_id=party["Partiet B"]))[0]
    assert _listed(app, org, filters=Filters(party_id=party["Partiet A"], body_id=body[FM])) == (
        ["Bo"],
        1,
    )


def test_a_filter_by_one_group_lists_the_groups_officials_who_have_not_completed(app, roster):
    """The list filtered by a group holds as many as that group's line says lack something."""
    org, _people = roster
    report = _report(app, org, TODAY)
    for dimension in DIMENSIONS:
        for group in report.breakdowns[dimension]:
            if dimension in ("party", "body"):
                filters = Filters(**{f"{dimension}_id": group.key})
            else:
                enum = AssignmentRole if dimension == "role" else Extent
                filters = Filters(**{dimension: enum(group.key)})
            names, count = _listed(app, org, filters=filters)
            assert count == len(names) == group.officials - group.all_done, (dimension, group)


def test_the_list_sorts_by_name_e_mail_or_what_is_lacking(app, roster, create_user):
    org, people = roster
    with app.app_context():
        db.session.get(User, people["b"].id).email = "zeta@kommun.se"
        db.session.commit()
    assert _listed(app, org)[0] == ["Bo", "Cecilia", "Fatima"]
    assert _listed(app, org, order="email")[0] == ["Cecilia", "Fatima", "Bo"]
    # Cecilia lacks two modules; Bo and Fatima one each, then by name.
    assert _listed(app, org, order="lacking")[0] == ["Cecilia", "Bo", "Fatima"]
    with app.app_context():
        everyone = coverage(org, 2026, TODAY, ORDER, None, Listing(order="lacking")).missing
    assert [person.name for person in everyone] == ["Cecilia", "Bo", "Fatima"]


@pytest.mark.parametrize("order", ORDERS)
def test_the_list_is_paged_without_gaps_or_overlaps(
    app, roster, create_user, create_assignment, order
):
    """Pages in every order hold, one after the other, the whole list, in its order: four
    more of the same name, told apart by e-mail address."""
    org, _people = roster
    for n in (3, 1, 0, 2):
        create_assignment(create_user(org=org, email=f"sida{n}@kommun.se"), KS, "Partiet C")
    with app.app_context():
        everyone = coverage(org, 2026, TODAY, ORDER, None, Listing(order=order)).missing
        pages = [
            coverage(org, 2026, TODAY, ORDER, 3, Listing(order=order, offset=offset))
            for offset in (0, 3, 6)
        ]
    assert [len(p.missing) for p in pages] == [3, 3, 1]
    assert {p.missing_count for p in pages} == {7}
    assert [person for p in pages for person in p.missing] == everyone
    if order != "lacking":
        keys = [(p.name, p.email, p.user_id) if order == "name" else (p.email,) for p in everyone]
        assert keys == sorted(keys)


def test_the_page_filters_sorts_and_pages_the_list(
    app, client, roster, create_user, create_assignment, login_as, monkeypatch
):
    org, _people = roster
    for n in range(3):
        create_assignment(create_user(org=org, email=f"sida{n}@kommun.se"), KS, "Partiet B")
    party = _ids(app, Party, org)["Partiet B"]
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    monkeypatch.setattr(coverage_views, "PER_PAGE", 2)
    query = f"?period=2026&as_of=2026-11-24&party={party}&order=email"
    html = _page(client, login_as, unit, query).get_data(as_text=True)
    assert "5 förtroendevalda hade inte gått klart alla obligatoriska moduler." in html
    assert "Sida 1 av 3." in html
    assert "cecilia@kommun.se" in html and "fatima@kommun.se" in html
    assert "bo@kommun.se" not in html and "sida0@kommun.se" not in html
    assert f'<option selected value="{party}">Partiet B</option>' in html
    assert "Rensa filtren" in html and "Filerna innehåller listan filtrerad som nedan" in html
    # The exports and the next page keep the filter and the order.
    assert (
        f"coverage.csv?period=2026&amp;as_of=2026-11-24&amp;party={party}&amp;order=email" in html
    )
    third = client.get(f"/security-unit/coverage{query}&page=3").get_data(as_text=True)
    assert "sida2@kommun.se" in third and "cecilia@kommun.se" not in third
    # A page beyond the end goes to the last one.
    beyond = client.get(f"/security-unit/coverage{query}&page=99")
    assert beyond.status_code == 302 and "page=3" in beyond.headers["Location"]
    rows = list(
        csv.reader(
            io.StringIO(client.get(f"/security-unit/coverage.csv{query}").get_data(as_text=True)),
            delimiter=";",
        )
    )
    assert ["Listan är filtrerad", "Parti: Partiet B"] in rows
    assert ["Totalt", "Alla förtroendevalda", "7", "1", "3", "2", "0"] in rows  # the summary
    emails = [row[1] for row in rows if len(row) == 3][1:]
    assert emails == ["cecilia@kommun.se", "fatima@kommun.se"] + [
        f"sida{n}@kommun.se" for n in range(3)
    ]


def test_a_party_of_another_organisation_does_not_filter_the_list(
    app, client, roster, create_org, create_user, create_assignment, login_as
):
    org, _people = roster
    stranger = create_user(org=create_org(), email="annan@kommun.se")
    create_assignment(stranger, FM, "Främmande partiet")
    foreign = _ids(app, Party, stranger.organisation_id)["Främmande partiet"]
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    html = _page(client, login_as, unit, f"?period=2026&as_of=2026-11-24&party={foreign}")
    text = html.get_data(as_text=True)
    assert "3 förtroendevalda hade inte gått klart" in text  # not a choice: ignored
    assert "Rensa filtren" not in text and "filtrerad som nedan" not in text
    assert "annan@kommun.se" not in text and "Främmande partiet" not in text


def test_groups_of_officials_with_one_to_four_seats_match_a_count_seat_by_seat(
    app, create_org, create_user, create_assignment, create_requirement
):
    """A random roster (fixed seed): officials with one to four seats in office, some without
    a party or a body, some seats ended; each group's numbers checked against a count done
    official by official in Python."""
    rng = random.Random(18)
    org = create_org()
    create_requirement(org, [ORG_MODULE, INCIDENT], 2026, date(2026, 1, 1), DEADLINE)
    parties, bodies = ["P1", "P2", "P3", None], [FM, KS, "Valnämnden", None]
    roles, extents = [AssignmentRole.ORDINARIE, AssignmentRole.ERSATTARE], list(Extent)
    expected_seats: dict[int, list[tuple]] = {}
    done: dict[int, set[str]] = {}
    for n in range(40):
        user = create_user(org=org, email=f"slump{n}@kommun.se")
        for _ in range(rng.choice([1, 1, 2, 2, 3, 4])):
            seat = (rng.choice(parties), rng.choice(bodies), rng.choice(roles), rng.choice(extents))
            ended = rng.random() < 0.15
            create_assignment(
                user, seat[1], seat[0], seat[2], seat[3],
                ends_on=date(2026, 6, 30) if ended else None,
            )  # fmt: skip
            if not ended:
                expected_seats.setdefault(user.id, []).append(seat)
        done[user.id] = set()
        for module in (ORG_MODULE, INCIDENT):
            if rng.random() < 0.6:
                _done(app, user, module, date(2026, 5, 1))
                done[user.id].add(module)
    report = _report(app, org, TODAY)
    assert report.total.officials == len(expected_seats)
    for index, dimension in enumerate(DIMENSIONS):
        expected: dict[object, list[int]] = {}
        for user_id, seats in expected_seats.items():
            for value in {seat[index] for seat in seats}:
                counts = expected.setdefault(getattr(value, "value", value), [0, 0, 0])
                counts[0] += 1
                counts[1] += done[user_id] == {ORG_MODULE, INCIDENT}
                counts[2] += ORG_MODULE in done[user_id]
        found = {
            (g.name if dimension in ("party", "body") else g.key): [
                g.officials, g.all_done, g.modules[ORG_MODULE].completed
            ]
            for g in report.breakdowns[dimension]
        }  # fmt: skip
        assert found == expected, dimension


def test_a_module_asked_from_two_dates_counts_from_the_later_for_those_both_ask(
    app, create_org, create_user, create_assignment, create_requirement
):
    """Everyone must do the module from 1 January; the full-time officials from 1 June: for
    them a completion in March no longer counts, one in July does."""
    org = create_org()
    create_requirement(org, [ORG_MODULE], 2026, date(2026, 1, 1), DEADLINE)
    create_requirement(
        org, [ORG_MODULE], 2026, date(2026, 6, 1), DEADLINE, audience=Audience.KL_18A
    )
    people = {}
    for name, extent in [("Kerstin", Extent.FRITID), ("Lars", Extent.HELTID),
                         ("Maja", Extent.HELTID)]:  # fmt: skip
        people[name] = user = create_user(org=org, email=f"{name.lower()}@kommun.se")
        create_assignment(user, FM, "Partiet A", extent=extent)
        with app.app_context():
            db.session.get(User, user.id).name = name
            db.session.commit()
    for name in people:
        _done(app, people[name], ORG_MODULE, date(2026, 3, 1))
    with app.app_context():  # done again, for the period counting from 1 June
        db.session.add(
            ModuleCompletion(
                user_id=people["Lars"].id, module_id=ORG_MODULE, module_version="v",
                counts_from=date(2026, 6, 1), completed_at=datetime(2026, 7, 1, 12, tzinfo=UTC),
            )
        )  # fmt: skip
        db.session.commit()
    report = _report(app, org, TODAY)
    assert (report.total.officials, report.total.all_done) == (3, 2)
    assert [(m.name, m.missing) for m in report.missing] == [("Maja", (ORG_MODULE,))]
    # The curve starts with the term, in October: both had completed all by then.
    assert report.curve[0] == (date(2026, 10, 15), 2)


def test_a_module_asked_of_everyone_from_two_dates_counts_from_the_later(
    app, create_org, create_user, create_assignment, create_requirement
):
    org = create_org()
    create_requirement(org, [ORG_MODULE], 2026, date(2026, 1, 1), DEADLINE)
    create_requirement(org, [ORG_MODULE, INCIDENT], 2026, date(2026, 6, 1), DEADLINE)
    early, late = (create_user(org=org, email=f"{n}@kommun.se") for n in ("tidig", "sen"))
    for user, day in ((early, date(2026, 3, 1)), (late, date(2026, 7, 1))):
        create_assignment(user, FM, "Partiet A")
        _done(app, user, ORG_MODULE, day)
    report = _report(app, org, TODAY)
    assert report.total.modules[ORG_MODULE] == Counts(2, 1)
    assert [m.email for m in report.missing] == ["sen@kommun.se", "tidig@kommun.se"]
    assert [m.missing for m in report.missing] == [(INCIDENT,), (ORG_MODULE, INCIDENT)]


def test_the_csv_quotes_every_text_so_that_no_separator_splits_a_cell(
    app, client, roster, create_user, login_as
):
    """LibreOffice splits on commas and semicolons alike unless a text is quoted: a module's
    name with a comma must stay one cell, and so must a name with a semicolon or a quote."""
    org, people = roster
    with app.app_context():
        db.session.get(User, people["c"].id).name = 'Cecilia "Cissi"; Lund, Ek'
        db.session.commit()
    login_as(client, create_user(permissions=(Permission.SECURITY_UNIT,), org=org))
    raw = client.get("/security-unit/coverage.csv?period=2026&as_of=2026-11-24").get_data(True)
    rows = list(csv.reader(io.StringIO(raw.removeprefix("\ufeff")), delimiter=";"))
    for row in rows:
        for cell in row:
            # Every text is quoted; only numbers stand bare.
            assert cell.isdigit() or f'"{cell.replace(chr(34), chr(34) * 2)}"' in raw, cell
    assert 'Cecilia "Cissi"; Lund, Ek' in [row[0] for row in rows if row]
    # Read as comma-separated, the quoted texts hold together as well.
    assert all('"' in line or not line for line in raw.removeprefix("\ufeff").splitlines())


def test_the_xlsx_types_its_cells_and_lays_out_its_sheets(
    app, client, roster, create_user, login_as
):
    from openpyxl import load_workbook

    org, _people = roster
    login_as(client, create_user(permissions=(Permission.SECURITY_UNIT,), org=org))
    response = client.get("/security-unit/coverage.xlsx?period=2026&as_of=2026-11-24")
    summary, missing = load_workbook(io.BytesIO(response.get_data())).worksheets
    as_of = next(r for r in summary.iter_rows() if r[0].value == "Per dag")[1]
    assert as_of.is_date and as_of.value.date() == TODAY
    heading = next(r for r in summary.iter_rows() if r[0].value == "Uppdelning")
    kinds = {r[0] for r in summary.iter_rows(min_row=heading[0].row + 1, values_only=True)}
    assert kinds == {"Totalt", "Parti", "Organ", "Uppdrag", "Omfattning"}
    assert summary.freeze_panes == f"A{heading[0].row + 1}"
    assert summary.auto_filter.ref.startswith(f"A{heading[0].row}:")
    assert missing.freeze_panes == "A2" and missing.auto_filter.ref.startswith("A1:C")
    assert all(missing.column_dimensions[c].width >= 8 for c in "ABC")
    assert summary.column_dimensions["B"].width >= len("Alla förtroendevalda")


def test_the_printed_curve_goes_month_by_month_after_twelve_weeks(
    app, client, roster, create_user, login_as
):
    org, _people = roster
    login_as(client, create_user(permissions=(Permission.SECURITY_UNIT,), org=org))
    short = client.get("/security-unit/coverage/print?period=2026&as_of=2026-11-24").get_data(True)
    assert "Vecka för vecka" in short and "Månad för månad" not in short
    long = client.get("/security-unit/coverage/print?period=2026&as_of=2030-10-01").get_data(True)
    assert "Månad för månad" in long
    table = long[long.index("Klara med allt, månad för månad") :]
    assert table.count('<th scope="row">') <= 49  # one row a month for four years
    page = client.get("/security-unit/coverage?period=2026&as_of=2030-10-01").get_data(True)
    assert "Klara med allt, vecka för vecka" in page  # the page keeps every week
