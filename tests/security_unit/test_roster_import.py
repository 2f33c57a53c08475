"""The roster import: upload, a preview of every row's fate, then all of it or none, once."""

import io
import re
import threading
from datetime import date

import pytest
from sqlalchemy import delete, func, select

from course_app.auth import services
from course_app.extensions import db
from course_app.models import (
    Assignment,
    Body,
    Extent,
    Organisation,
    OutgoingMail,
    Party,
    Permission,
    RosterImport,
    SignInToken,
    User,
    UserPermission,
)
from course_app.models.base import utcnow
from course_app.training.periods import local_date
from tests.conftest import csrf_from, make_config

HEADER = "Förnamn;Efternamn;E-post;Parti;Organ;Uppdrag;Omfattning;Från;Till\n"
ROWS = (
    "Åsa;Öberg;asa.oberg@example.se;Exempelpartiet;Kommunfullmäktige;Ordinarie;Fritid;2026-10-15;\n"
    "Åsa;Öberg;asa.oberg@example.se;Exempelpartiet;Socialnämnden;Ersättare;Fritid;2027-01-01;\n"
    "Bo;Ek;bo.ek@example.se;Kustpartiet;Kommunstyrelsen;Ordförande;Heltid;2027-01-01;\n"
    "Robin;Ström;robin.strom@example.se;Kustpartiet;;Politisk sekreterare;Heltid;2025-01-01;\n"
)
GOOD = (HEADER + ROWS).encode("utf-8")


@pytest.fixture
def unit(create_user, client, login_as):
    """A signed-in security unit, its client reading the pages in English."""
    user = create_user(permissions=(Permission.SECURITY_UNIT,))
    login_as(client, user)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return user


def upload(client, content: bytes, name: str = "ledamoter.csv"):
    html = client.get("/security-unit/roster").get_data(as_text=True)
    data = {"csrf_token": csrf_from(html), "roster": (io.BytesIO(content), name)}
    return client.post("/security-unit/roster", data=data, content_type="multipart/form-data")


def hidden_fields(html: str) -> dict[str, list[str]]:
    """Return the hidden inputs of a page, as a form would send them."""
    fields: dict[str, list[str]] = {}
    for tag in re.findall(r"<input ([^>]*)>", html):
        if 'type="hidden"' in tag:
            name = re.search(r'name="([^"]*)"', tag).group(1)
            fields.setdefault(name, []).append(re.search(r'value="([^"]*)"', tag).group(1))
    return fields


def preview_form(client, location: str, scope: str | None = "whole") -> tuple[str, dict]:
    """Return the preview page and its form's data as sent unchanged, with scope answered."""
    html = client.get(location).get_data(as_text=True)
    digest = re.search(r'id="digest" name="digest" type="hidden" value="([^"]*)"', html)
    ticked = [
        re.search(r'value="(\d+)"', tag).group(1)
        for tag in re.findall(r"<input ([^>]*)>", html)
        if 'name="end"' in tag and " checked" in f" {tag}"
    ]
    data = {"csrf_token": csrf_from(html), "digest": digest.group(1), "end": ticked}
    if scope is not None:
        data["scope"] = scope
    return html, {**data, "language": "sv"}


def confirm(client, location: str, data: dict):
    """Send the preview's answers, then the confirmation page's form; return its response."""
    page = client.post(location, data=data)
    assert page.status_code == 200, page.get_data(as_text=True)
    return client.post(location, data=hidden_fields(page.get_data(as_text=True)))


def import_file(client, content: bytes, untick: set[int] = frozenset(), scope: str = "whole"):
    """Upload, preview and confirm a file; return the confirmation's response."""
    location = upload(client, content).headers["Location"]
    _, data = preview_form(client, location, scope)
    data["end"] = [i for i in data["end"] if int(i) not in untick]
    return confirm(client, location, data)


def counts(app) -> tuple[int, int, int, int]:
    with app.app_context():
        count = lambda model: db.session.scalar(select(func.count()).select_from(model))  # noqa: E731
        return count(User), count(Assignment), count(Party), count(OutgoingMail)


def test_preview_shows_every_rows_fate_and_writes_nothing(app, client, unit):
    before = counts(app)
    response = upload(client, GOOD)
    assert response.status_code == 302
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<h1>Check the import</h1>" in html
    assert html.count("New official") == 3
    assert "New assignment" in html
    assert "Åsa Öberg" in html and "Political secretary" in html
    assert "New parties: Exempelpartiet, Kustpartiet" in html
    assert counts(app) == before


def test_confirming_writes_all_and_invites_the_new_officials(app, client, unit):
    response = import_file(client, GOOD)
    assert response.status_code == 302
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "<li>3 new officials, invited by e-mail</li>" in page
    assert "<li>4 new assignments</li>" in page
    with app.app_context():
        asa = db.session.scalar(select(User).where(User.email == "asa.oberg@example.se"))
        assert asa.name == "Åsa Öberg" and asa.organisation_id == unit.organisation_id
        assert asa.has_permission(Permission.OFFICIAL)
        seats = db.session.scalars(select(Assignment).where(Assignment.user_id == asa.id)).all()
        assert sorted(s.starts_on for s in seats) == [date(2026, 10, 15), date(2027, 1, 1)]
        mails = db.session.scalars(select(OutgoingMail)).all()
        assert sorted(m.to_address for m in mails) == [
            "asa.oberg@example.se",
            "bo.ek@example.se",
            "robin.strom@example.se",
        ]
        assert all("Tryggt uppdrag" in m.subject for m in mails)
        tokens = db.session.scalars(select(SignInToken)).all()
        assert {t.purpose for t in tokens} == {"invitation"}
        assert all((t.expires_at - utcnow()).days >= 13 for t in tokens)


def test_importing_the_same_file_again_changes_nothing(app, client, unit):
    import_file(client, GOOD)
    before = counts(app)
    location = upload(client, GOOD).headers["Location"]
    html = client.get(location).get_data(as_text=True)
    assert html.count(">Unchanged") == 4
    assert "New official" not in html
    _, data = preview_form(client, location)
    confirm(client, location, data)
    assert counts(app) == before


def test_a_changed_row_is_shown_and_written(app, client, unit):
    import_file(client, GOOD)
    changed = GOOD.replace(b"Ordf\xc3\xb6rande;Heltid", "Ordförande;Deltid".encode())
    location = upload(client, changed).headers["Location"]
    assert "Changed: extent" in client.get(location).get_data(as_text=True)
    _, data = preview_form(client, location)
    confirm(client, location, data)
    with app.app_context():
        bo = db.session.scalar(select(User).where(User.email == "bo.ek@example.se"))
        seat = db.session.scalar(select(Assignment).where(Assignment.user_id == bo.id))
        assert seat.extent == Extent.DELTID


def test_assignments_no_longer_listed_end_today_unless_unticked(app, client, unit):
    import_file(client, GOOD)
    shorter = (HEADER + "".join(ROWS.splitlines(keepends=True)[:2])).encode()
    location = upload(client, shorter).headers["Location"]
    html, data = preview_form(client, location)
    assert "2 assignments that the file does not list" in html
    assert len(data["end"]) == 2
    keep = int(data["end"][0])
    data["end"] = data["end"][1:]
    confirm(client, location, data)
    today = local_date(utcnow())
    with app.app_context():
        ends = dict(db.session.execute(select(Assignment.id, Assignment.ends_on)).all())
    ended = [i for i, end in ends.items() if end is not None]
    assert ends[keep] is None
    assert len(ended) == 1 and ends[ended[0]] >= today


BROKEN = [
    ("Åsa;Öberg;inte-en-adress;P;KF;Ordinarie;Fritid;2026-10-15;\n", 2, "E-post"),
    ("Åsa;Öberg;a@example.se;P;KF;Talman;Fritid;2026-10-15;\n", 2, "Uppdrag"),
    ("Åsa;Öberg;a@example.se;P;KF;Ordinarie;Ibland;2026-10-15;\n", 2, "Omfattning"),
    ("Åsa;Öberg;a@example.se;P;KF;Ordinarie;Fritid;15/10/2026;\n", 2, "Från"),
    ("Åsa;Öberg;a@example.se;P;KF;Ordinarie;Fritid;2026-10-15;2026-01-01\n", 2, "Till"),
]


@pytest.mark.parametrize(("row", "line", "column"), BROKEN)
def test_a_broken_row_is_reported_with_its_line_and_column_and_nothing_is_written(
    app, client, unit, row, line, column
):
    before = counts(app)
    content = (HEADER + ROWS + "\n" + row).encode()
    response = upload(client, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error:" in html
    assert "The file cannot be imported" in html
    assert re.search(rf'<td class="numeric">{line + 5}</td><td>{column}</td>', html), html
    assert counts(app) == before
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(RosterImport)) == 0


@pytest.mark.parametrize(
    "content",
    [b"", b"\x00\x01\x02binary\x00", b"foo,bar\n1,2\n", GOOD * 20],
    ids=["empty", "binary", "no-known-header", "too-big"],
)
def test_an_unusable_file_gets_a_clear_message(app, client, unit, content):
    app.config["ROSTER_MAX_BYTES"] = len(GOOD) * 10  # small, so the test sends little
    before = counts(app)
    response = upload(client, content)
    html = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "<title>Error:" in html and "Nothing has been saved." in html
    assert counts(app) == before


def test_an_email_of_another_organisation_is_an_error(app, client, unit, create_user, create_org):
    create_user(org=create_org(), email="bo.ek@example.se")
    response = upload(client, GOOD)
    assert response.status_code == 400
    assert re.search(r'<td class="numeric">4</td><td>E-post</td>', response.get_data(as_text=True))


def test_a_second_confirmation_of_the_same_preview_writes_nothing(app, client, unit):
    location = upload(client, GOOD).headers["Location"]
    _, data = preview_form(client, location)
    assert confirm(client, location, data).status_code == 302
    after_first = counts(app)
    second = client.post(location, data={**data, "confirmed": "yes"})
    assert second.status_code == 302
    assert "already been imported" in client.get(second.headers["Location"]).get_data(as_text=True)
    assert counts(app) == after_first


def test_a_roster_changed_since_the_preview_is_shown_again_not_written(
    app, client, unit, create_user, create_assignment
):
    location = upload(client, GOOD).headers["Location"]
    _, data = preview_form(client, location)
    someone = create_user(org=unit.organisation_id, email="ny@example.se")
    create_assignment(someone)
    before = counts(app)
    response = client.post(location, data={**data, "confirmed": "yes"})
    assert response.status_code == 409
    assert "The roster changed while you had this page open" in response.get_data(as_text=True)
    assert counts(app) == before


def test_another_organisations_import_is_not_found(app, client, unit, create_user, create_org):
    location = upload(client, GOOD).headers["Location"]
    _, data = preview_form(client, location)
    other = create_user(permissions=(Permission.SECURITY_UNIT,), org=create_org())
    stranger = app.test_client()
    with stranger.session_transaction() as session:
        session["_user_id"] = f"{other.id}:0"
    assert stranger.get(location).status_code == 404
    page = stranger.get("/security-unit/roster").get_data(as_text=True)
    before = counts(app)
    response = stranger.post(location, data={**data, "csrf_token": csrf_from(page)})
    assert response.status_code == 404
    assert counts(app) == before


@pytest.mark.parametrize("permissions", [(Permission.OFFICIAL,), (Permission.GROUP_CONTACT,)])
def test_officials_and_group_contacts_are_refused(client, create_user, login_as, permissions):
    login_as(client, create_user(permissions=permissions))
    assert client.get("/security-unit/roster").status_code == 403


def test_confirming_without_the_form_token_writes_nothing(app, client, unit):
    location = upload(client, GOOD).headers["Location"]
    _, data = preview_form(client, location)
    before = counts(app)
    data.pop("csrf_token")
    assert client.post(location, data={**data, "confirmed": "yes"}).status_code == 400
    assert counts(app) == before


def test_two_confirmations_at_once_write_once(make_app, migrated, tmp_path):
    """Real commits on the test database (the savepoint isolation would hide the race)."""
    app = make_app(make_config(migrated, tmp_path))
    with app.app_context():
        org = services.create_organisation("samtidigt", "Samtidiga kommunen")
        unit = services.create_user(org, "enhet@samtidigt.se", [Permission.SECURITY_UNIT])
        db.session.commit()
        org_id, unit_id = org.id, unit.id
    clients = [app.test_client(), app.test_client()]
    for client in clients:
        with client.session_transaction() as session:
            session["_user_id"] = f"{unit_id}:0"
    try:
        location = upload(clients[0], GOOD).headers["Location"]
        forms = [{**preview_form(client, location)[1], "confirmed": "yes"} for client in clients]
        start, statuses = threading.Barrier(2), []

        def send(client, data) -> None:
            start.wait()
            statuses.append(client.post(location, data=data).status_code)

        threads = [
            threading.Thread(target=send, args=pair) for pair in zip(clients, forms, strict=True)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert statuses == [302, 302]
        with app.app_context():
            emails = select(User.email).where(User.organisation_id == org_id)
            assert len(db.session.scalars(emails).all()) == 4
            seats = select(func.count()).where(Assignment.organisation_id == org_id)
            assert db.session.scalar(seats) == 4
            mails = select(func.count()).select_from(OutgoingMail)
            assert db.session.scalar(mails) == 3
    finally:
        _delete_organisation(app, org_id)


def _delete_organisation(app, org_id: int) -> None:
    with app.app_context():
        users = select(User.id).where(User.organisation_id == org_id)
        emails = select(User.email).where(User.organisation_id == org_id)
        for statement in (
            delete(OutgoingMail).where(OutgoingMail.to_address.in_(emails)),
            delete(Assignment).where(Assignment.organisation_id == org_id),
            delete(SignInToken).where(SignInToken.user_id.in_(users)),
            delete(RosterImport).where(RosterImport.organisation_id == org_id),
            delete(UserPermission).where(UserPermission.user_id.in_(users)),
            delete(User).where(User.organisation_id == org_id),
            delete(Party).where(Party.organisation_id == org_id),
            delete(Body).where(Body.organisation_id == org_id),
            delete(Organisation).where(Organisation.id == org_id),
        ):
            db.session.execute(statement)
        db.session.commit()
