"""The security unit keeps its organisation's contacts; the course shows them or whom to ask."""

import pytest
from sqlalchemy import event, select, update
from sqlalchemy.orm import Session

from course_app.extensions import db
from course_app.models import LocalContacts, Permission
from tests.conftest import csrf_from

URL = "/security-unit/contacts"
STEP = "/modules/organisation/steps/2"
FILLED = {
    "security_phone": "021-39 00 00",
    "security_email": "sakerhet@testkommun.se",
    "party_contacts": (
        "Partiet A: Anna Andersson, 070-111 11 11\r\nPartiet B: Bo Berg, 070-222 22 22"
    ),
    "occupational_health": "Hälsan AB, 021-10 10 10",
    "local_routine": "Ring säkerhetsfunktionen först.\r\nSkicka sedan en incidentrapport.",
    "guidelines_url": "https://testkommun.se/riktlinjer",
}


@pytest.fixture
def security_unit(create_user):
    return create_user(permissions=(Permission.SECURITY_UNIT,))


def save(client, data: dict, page: str | None = None):
    html = page or client.get(URL).get_data(as_text=True)
    revision = html.split('name="revision" type="hidden" value="')[1].split('"')[0]
    form = {"csrf_token": csrf_from(html), "revision": revision, **data}
    return client.post(URL, data=form)


def saved_contacts(app, org_id: int) -> LocalContacts | None:
    with app.app_context():
        return db.session.scalar(select(LocalContacts).filter_by(organisation_id=org_id))


def test_security_unit_fills_in_the_contacts(client, app, login_as, security_unit):
    login_as(client, security_unit)
    page = client.get(URL).get_data(as_text=True)
    assert "<h1>Lokala kontakter</h1>" in page
    assert "Fråga säkerhetsfunktionen." in page
    response = save(client, FILLED)
    assert response.headers["Location"] == URL
    html = client.get(URL).get_data(as_text=True)
    assert "Kontakterna är sparade" in html
    assert 'value="021-39 00 00"' in html
    record = saved_contacts(app, security_unit.organisation_id)
    assert record.security_email == "sakerhet@testkommun.se"
    assert record.party_contact_lines == [
        "Partiet A: Anna Andersson, 070-111 11 11",
        "Partiet B: Bo Berg, 070-222 22 22",
    ]
    assert record.updated_by_id == security_unit.id
    assert record.revision == 1


def test_officials_of_the_organisation_see_the_contacts_in_the_course(
    client, app, create_user, login_as, security_unit
):
    login_as(client, security_unit)
    save(client, FILLED)
    official = create_user(org=security_unit.organisation_id)
    login_as(client, official)
    html = client.get(STEP).get_data(as_text=True)
    assert "Vem du kontaktar i Testkommun" in html
    assert '<a href="tel:021390000">021-39 00 00</a>' in html
    assert '<a href="mailto:sakerhet@testkommun.se">sakerhet@testkommun.se</a>' in html
    assert "<li>Partiet B: Bo Berg, 070-222 22 22</li>" in html
    assert "Hälsan AB, 021-10 10 10" in html
    assert "<p>Skicka sedan en incidentrapport.</p>" in html
    assert "Ring 112." in html and "Ring 114 14 och säg att du är förtroendevald." in html
    last = client.get("/modules/organisation/steps/3").get_data(as_text=True)
    assert "Källor och läs mer" in last
    assert 'href="https://testkommun.se/riktlinjer"' in last


def test_another_organisation_sees_only_its_own_or_the_fallback(
    client, create_org, create_user, login_as, security_unit
):
    login_as(client, security_unit)
    save(client, FILLED)
    elsewhere = create_user(org=create_org(name="Annan kommun"))
    login_as(client, elsewhere)
    html = client.get(STEP).get_data(as_text=True)
    assert "021-39 00 00" not in html and "Partiet A" not in html
    assert "Vem du kontaktar i Annan kommun" in html
    assert "Inte ifyllt ännu." in html
    assert html.count("Fråga säkerhetsfunktionen.") == 3
    assert "Ring 112." in html and "Ring 114 14" in html


def test_a_missing_field_falls_back_to_asking_the_security_unit(
    client, create_user, login_as, security_unit
):
    login_as(client, security_unit)
    save(client, {"security_phone": "021-39 00 00"})
    login_as(client, create_user(org=security_unit.organisation_id))
    html = client.get(STEP).get_data(as_text=True)
    assert "021-39 00 00" in html and "E-post:" not in html
    assert html.count("Fråga säkerhetsfunktionen.") == 3


def test_guest_sees_the_national_numbers_and_whom_to_ask(client):
    html = client.get(STEP).get_data(as_text=True)
    assert "När du är inloggad ser du din egen organisations kontakter här" in html
    assert "Ring 112." in html and "Ring 114 14" in html


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("security_phone", "ring mig", "Skriv ett telefonnummer med siffror"),
        ("security_email", "inte-en-adress", "Skriv en e-postadress i formatet namn@exempel.se"),
        (
            "security_email",
            "a?cc=someone@example.org",
            "Skriv en e-postadress i formatet namn@exempel.se",
        ),
        (
            "security_email",
            "a&bcc=x@example.org",
            "Skriv en e-postadress i formatet namn@exempel.se",
        ),
        ("guidelines_url", "http://testkommun.se", "Skriv en adress som börjar med https://"),
        ("local_routine", "x" * 2001, "Använd högst 2000 tecken"),
    ],
)
def test_bad_input_gets_a_message_and_nothing_is_saved(
    client, app, login_as, security_unit, field, value, message
):
    login_as(client, security_unit)
    response = save(client, {**FILLED, field: value})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Fel: " in html and message in html
    assert f'href="#{field}"' in html
    assert saved_contacts(app, security_unit.organisation_id) is None


def test_a_second_editor_does_not_overwrite_the_first(
    client, app, create_user, login_as, security_unit
):
    colleague = create_user(
        permissions=(Permission.SECURITY_UNIT,), org=security_unit.organisation_id
    )
    login_as(client, security_unit)
    mine = client.get(URL).get_data(as_text=True)
    login_as(client, colleague)
    save(client, FILLED)
    login_as(client, security_unit)
    response = save(client, {"security_phone": "08-123 456"}, page=mine)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "Någon annan sparade kontakterna" in html
    assert 'value="08-123 456"' in html
    assert saved_contacts(app, security_unit.organisation_id).security_phone == "021-39 00 00"
    assert save(client, {"security_phone": "08-123 456"}, page=html).status_code == 302
    record = saved_contacts(app, security_unit.organisation_id)
    assert (record.security_phone, record.revision) == ("08-123 456", 2)


def test_an_expired_form_keeps_what_was_typed(client, app, login_as, security_unit):
    login_as(client, security_unit)
    response = client.post(URL, data={"csrf_token": "expired", "revision": "0", **FILLED})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "inget sparades" in html and 'value="021-39 00 00"' in html
    assert saved_contacts(app, security_unit.organisation_id) is None


@pytest.mark.parametrize(
    "permissions", [(Permission.OFFICIAL,), (Permission.OFFICIAL, Permission.GROUP_CONTACT)]
)
def test_only_the_security_unit_may_edit(client, app, create_user, login_as, permissions):
    user = create_user(permissions=permissions)
    login_as(client, user)
    assert client.get(URL).status_code == 403
    html = client.get("/").get_data(as_text=True)
    page = client.post(URL, data={"csrf_token": csrf_from(html), "revision": "0", **FILLED})
    assert page.status_code == 403
    assert "Lokala kontakter" not in html
    assert saved_contacts(app, user.organisation_id) is None


def test_step_page_with_contacts_makes_a_constant_number_of_queries(
    client, create_user, login_as, count_queries, security_unit
):
    login_as(client, security_unit)
    save(client, FILLED)
    login_as(client, create_user(org=security_unit.organisation_id))
    with count_queries() as statements:
        assert client.get(STEP).status_code == 200
    assert len(statements) <= 3, statements


def test_two_saves_at_the_same_moment_refuse_the_second(client, app, login_as, security_unit):
    login_as(client, security_unit)
    save(client, FILLED)
    page = client.get(URL).get_data(as_text=True)

    def someone_else_saves_first(session, flush_context, instances):
        # Between this request's revision check and its write, another save lands.
        bump = update(LocalContacts).values(revision=LocalContacts.revision + 1)
        session.connection().execute(bump)

    event.listen(Session, "before_flush", someone_else_saves_first, once=True)
    try:
        response = save(client, {**FILLED, "security_phone": "08-123 456"}, page=page)
    finally:
        if event.contains(Session, "before_flush", someone_else_saves_first):
            event.remove(Session, "before_flush", someone_else_saves_first)
    assert response.status_code == 409
    assert 'value="08-123 456"' in response.get_data(as_text=True)
    assert saved_contacts(app, security_unit.organisation_id).security_phone == "021-39 00 00"


def test_contact_links_address_one_recipient_whatever_is_stored(
    client, app, login_as, security_unit
):
    """A value stored before the stricter check still cannot add a copy or a header."""
    with app.app_context():
        db.session.add(
            LocalContacts(
                organisation_id=security_unit.organisation_id,
                security_email="a?cc=someone@example.org",
                security_phone='+46 21-39 00 00"><script>',
            )
        )
        db.session.commit()
    login_as(client, security_unit)
    html = client.get(STEP).get_data(as_text=True)
    assert 'href="mailto:a%3Fcc%3Dsomeone@example.org"' in html
    assert 'href="tel:+4621390000"' in html
    assert "mailto:a?cc" not in html
