"""A partial roster never ends anyone by itself; the counts read the same on every page."""

import io
import re

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from course_app.audit import describe
from course_app.extensions import db
from course_app.models import Assignment, AuditRecord, Permission
from tests.security_unit.test_roster_import import (
    HEADER,
    ROWS,
    confirm,
    counts,
    hidden_fields,
    preview_form,
    upload,
)

THREE = (
    HEADER + "Ny;Ett;ny.ett@example.se;P;Nya nämnden;Ordinarie;Fritid;2027-01-01;\n"
    "Ny;Två;ny.tva@example.se;P;Nya nämnden;Ordinarie;Fritid;2027-01-01;\n"
    "Ny;Tre;ny.tre@example.se;P;Nya nämnden;Ersättare;Fritid;2027-01-01;\n"
).encode()
FORTY = 40


@pytest.fixture
def unit(create_user, client, login_as):
    user = create_user(permissions=(Permission.SECURITY_UNIT,))
    login_as(client, user)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


@pytest.fixture
def forty(unit, create_user, create_assignment):
    """An organisation of forty officials, each with a running assignment."""
    for number in range(FORTY):
        official = create_user(org=unit.organisation_id, email=f"ledamot{number}@example.se")
        create_assignment(official)


def running(app) -> int:
    with app.app_context():
        stmt = select(func.count()).select_from(Assignment).where(Assignment.ends_on.is_(None))
        return db.session.scalar(stmt)


def test_the_preview_asks_what_the_file_holds_and_chooses_nothing(app, client, forty):
    location = upload(client, THREE).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    scope = re.findall(r'<input [^>]*name="scope"[^>]*>', html)
    assert len(scope) == 2 and not any("checked" in tag for tag in scope)
    assert "40 running assignments are not in the file" in html
    assert "40 assignments that the file does not list" in html

    _, data = preview_form(client, location, scope=None)
    before = counts(app)
    response = client.post(location, data=data)
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "Choose whether the file is the whole roster or only additions" in page
    assert 'href="#scope-0"' in page
    assert counts(app) == before


def test_additions_and_changes_end_nothing_whatever_is_ticked(app, client, forty):
    location = upload(client, THREE).headers["Location"]
    _, data = preview_form(client, location, scope="partial")
    assert len(data["end"]) == FORTY  # ticked on the page, but the answer says nothing ends
    before = counts(app)
    page = client.post(location, data=data).get_data(as_text=True)
    assert "<li>0 ended assignments</li>" in page
    assert "<li>40 assignments not in the file go on</li>" in page
    assert ">Import the roster</button>" in page
    assert counts(app) == before
    response = client.post(location, data=hidden_fields(page))
    assert response.status_code == 302
    assert running(app) == FORTY + 3


def test_the_whole_roster_ends_the_rest_after_the_confirmation_says_how_many(app, client, forty):
    location = upload(client, THREE).headers["Location"]
    _, data = preview_form(client, location, scope="whole")
    keep = data["end"][:2]
    data["end"] = data["end"][2:]
    before = counts(app)
    page = client.post(location, data=data).get_data(as_text=True)
    assert "<h2>38 assignments end today</h2>" in page
    assert "Import the roster and end 38 assignments" in page
    assert "<li>2 assignments not in the file go on</li>" in page
    assert len(re.findall(r"<td>ledamot[0-9]+@example.se</td>", page)) == 38
    assert (counts(app), running(app)) == (before, FORTY)
    client.post(location, data=hidden_fields(page))
    assert running(app) == 2 + 3
    with app.app_context():
        kept = select(Assignment.id).where(Assignment.ends_on.is_(None))
        assert {str(i) for i in db.session.scalars(kept)} >= set(keep)


@pytest.mark.parametrize(("ends", "ticked"), [("none", 0), ("all", FORTY)])
def test_keep_all_and_end_all(client, forty, ends, ticked):
    location = upload(client, THREE).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    link = f"{location}?scope=whole&amp;ends={ends}#ends"
    assert f'href="{link}"' in html
    page = client.get(link.replace("&amp;", "&")).get_data(as_text=True)
    tags = re.findall(r"<input ([^>]*)>", page)
    assert sum('name="end"' in tag and "checked" in tag for tag in tags) == ticked
    assert any('value="whole"' in tag and "checked" in tag for tag in tags)


def test_the_same_words_and_numbers_on_every_page_and_in_the_audit_log(app, client, unit):
    # Two new officials, one of them with two seats: 2 new officials and 3 new assignments.
    content = (HEADER + "".join(ROWS.splitlines(keepends=True)[:3])).encode()
    location = upload(client, content).headers["Location"]
    phrases = ["<li>2 new officials, invited by e-mail</li>", "<li>3 new assignments</li>"]
    html, data = preview_form(client, location, scope="partial")
    page = client.post(location, data=data).get_data(as_text=True)
    response = client.post(location, data=hidden_fields(page))
    result = client.get(response.headers["Location"]).get_data(as_text=True)
    for text in (html, page, result):
        assert all(phrase in text for phrase in phrases), text
    with app.app_context():
        record = db.session.scalar(
            select(AuditRecord).where(AuditRecord.action == "roster.imported")
        )
        with app.test_request_context(headers={"Accept-Language": "en"}):
            words = describe(record.action, record.details)
    assert (
        "Only additions and changes; 2 new officials, invited by e-mail, 3 new assignments" in words
    )
    audit_page = client.get("/security-unit/audit-log").get_data(as_text=True)
    assert "2 new officials, invited by e-mail, 3 new assignments" in audit_page


def test_after_the_import_the_page_leads_to_the_officials_and_the_report(client, unit):
    location = upload(client, THREE).headers["Location"]
    _, data = preview_form(client, location, scope="partial")
    response = confirm(client, location, data)
    assert response.headers["Location"].endswith(location)
    page = client.get(location).get_data(as_text=True)
    assert "<h1>The roster has been imported</h1>" in page
    assert 'href="/security-unit/officials"' in page
    assert 'href="/security-unit/coverage"' in page
    roster_page = client.get("/security-unit/roster").get_data(as_text=True)
    assert f'href="{location}"' in roster_page


def test_the_preview_says_how_the_file_was_read_and_what_it_left_out(client, unit):
    lines = "".join(f"{line};070\n" for line in ROWS.splitlines())
    content = (HEADER.replace("\n", ";Telefon\n") + lines).encode("cp850")
    location = upload(client, content).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert (
        "Read as: CSV file in code page 850 (Excel’s “CSV (MS-DOS)”), values separated by"
        " semicolons." in html
    )
    assert "This column is not imported: Telefon." in html
    assert "Åsa Öberg" in html


def test_an_excel_workbook_is_imported(app, client, unit):
    book = Workbook()
    book.active.title = "Ledamöter"
    for line in THREE.decode().splitlines():
        book.active.append(line.split(";"))
    content = io.BytesIO()
    book.save(content)
    response = upload(client, content.getvalue(), name="ledamoter.xlsx")
    assert response.status_code == 302, response.get_data(as_text=True)
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Excel workbook, the sheet “Ledamöter”." in html


@pytest.mark.parametrize(("smtputf8", "status"), [(False, 400), (True, 302)])
def test_letters_outside_ascii_before_the_at_sign_follow_the_mail_server(
    app, client, unit, smtputf8, status
):
    app.config["MAIL_SMTPUTF8"] = smtputf8
    content = THREE.replace(b"ny.ett@", "åsa.ödmark@".encode())
    response = upload(client, content)
    assert response.status_code == status
    if status == 400:
        page = response.get_data(as_text=True)
        assert re.search(r'<td class="numeric">2</td><td>E-post</td><td>Our mail server', page)
