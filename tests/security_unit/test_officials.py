"""The security unit's officials pages: list, search, an official's page, and what it may change."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from course_app.auth.services import create_signin_token, find_valid_token
from course_app.extensions import db
from course_app.models import (
    Assignment,
    AssignmentRole,
    Body,
    Extent,
    ModuleCompletion,
    OutgoingMail,
    Party,
    Permission,
    QuizAttempt,
    ReflectionNote,
    SignInToken,
    User,
    UserPermission,
)
from course_app.models.base import utcnow
from course_app.training.periods import local_date
from tests.conftest import csrf_from

EN = {"Accept-Language": "en"}
LIST = "/security-unit/officials"
MARKER = "PRIVATE-MARKER-7f3a"


def today() -> date:
    return local_date(utcnow())


@pytest.fixture
def unit(create_user):
    return create_user(permissions=(Permission.SECURITY_UNIT,))


@pytest.fixture
def make_official(app, create_user, unit):
    """Return a callable that adds a named official, by default in the unit's organisation."""

    def _make(name: str, email: str | None = None, org: int | None = None, **kwargs):
        info = create_user(org=org or unit.organisation_id, email=email, **kwargs)
        with app.app_context():
            db.session.get(User, info.id).name = name
            db.session.commit()
        return info

    return _make


@pytest.fixture
def signed_in(client, login_as, unit):
    login_as(client, unit)
    return client


@pytest.fixture
def other_org_official(create_org, create_user, create_assignment):
    """An official of another organisation, with an assignment."""
    elsewhere = create_user(org=create_org(name="Annan kommun"), email="annan@example.se")
    return elsewhere, create_assignment(elsewhere, party="Annat parti")


def page(client, url: str = LIST, **params) -> str:
    response = client.get(url, query_string=params, headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def listed_names(html: str) -> list[str]:
    return re.findall(r'<th scope="row"><a href="/security-unit/officials/\d+">([^<]+)</a>', html)


def ids_by_name(app, model, org_id: int) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(select(model.name, model.id).filter_by(organisation_id=org_id))
        return dict(rows.all())


def get_user(app, user_id: int) -> User:
    with app.app_context():
        return db.session.get(User, user_id)


def post(client, url: str, data: dict | None = None):
    token = csrf_from(client.get("/", headers=EN).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})}, headers=EN)


# The list


def test_list_shows_only_the_organisations_officials(
    signed_in, make_official, create_assignment, create_user, unit, other_org_official
):
    anna = make_official("Anna Andersson", "anna@example.se")
    create_assignment(anna, body="Kommunstyrelsen", party="Gröna partiet")
    make_official("Bo Berg", "bo@example.se")
    create_user(permissions=(Permission.GROUP_CONTACT,), org=unit.organisation_id)
    html = page(signed_in)
    assert html.count("<h1>") == 1 and "<h1>Officials</h1>" in html
    assert listed_names(html) == ["Anna Andersson", "Bo Berg"]
    assert "2 officials found." in html
    assert ">Officials of Testkommun</caption>" in html
    assert "<td>anna@example.se</td>" in html
    assert "<td>Gröna partiet</td>" in html and "<td>Kommunstyrelsen</td>" in html
    assert "<td>Active</td>" in html
    assert "annan@example.se" not in html and "Annat parti" not in html
    assert 'class="table-wrapper"' in html and '<label class="label" for="party">' in html


def test_search_by_name_or_email_ignores_case_and_escapes_wildcards(signed_in, make_official):
    make_official("Anna Andersson", "anna@example.se")
    make_official("Bo Berg", "bo_berg@example.se")
    make_official("Bob Bergman", "bobberg@example.se")
    make_official("Åsa Öberg", "asa@example.se")
    assert listed_names(page(signed_in, q="ANDERS")) == ["Anna Andersson"]
    assert listed_names(page(signed_in, q="åsa öBERG")) == ["Åsa Öberg"]  # Å, Ä, Ö too
    assert listed_names(page(signed_in, q="BO_BERG")) == ["Bo Berg"]
    assert listed_names(page(signed_in, q="  bergman ")) == ["Bob Bergman"]
    html = page(signed_in, q="%")
    assert listed_names(html) == [] and "0 officials found." in html
    assert "No officials match" in html


@pytest.fixture
def roster(app, make_official, create_assignment, unit):
    """Three officials: A (S, KF, member, spare time), B (M, KS, chair, full time), C (ended)."""
    a = make_official("Anna A")
    create_assignment(a, body="Kommunfullmäktige", party="S")
    b = make_official("Bo B")
    create_assignment(
        b, body="Kommunstyrelsen", party="M", role=AssignmentRole.ORDFORANDE, extent=Extent.HELTID
    )
    c = make_official("Cecilia C")
    create_assignment(
        c,
        body="Kommunstyrelsen",
        party="S",
        role=AssignmentRole.ORDFORANDE,
        extent=Extent.HELTID,
        starts_on=date(2019, 1, 1),
        ends_on=date(2022, 12, 31),
    )
    with app.app_context():
        user = db.session.get(User, c.id)
        user.active = False
        user.deactivated_at = utcnow()
        db.session.commit()
    org = unit.organisation_id
    return ids_by_name(app, Party, org), ids_by_name(app, Body, org)


@pytest.mark.parametrize(
    ("field", "value", "expected"),
    [
        ("party", "S", ["Anna A"]),
        ("party", "M", ["Bo B"]),
        ("body", "Kommunstyrelsen", ["Bo B"]),
        ("role", "ordforande", ["Bo B"]),
        ("role", "ordinarie", ["Anna A"]),
        ("extent", "heltid", ["Bo B"]),
        ("status", "active", ["Anna A", "Bo B"]),
        ("status", "deactivated", ["Cecilia C"]),
        ("party", "not-a-party", ["Anna A", "Bo B", "Cecilia C"]),
    ],
)
def test_each_filter(signed_in, roster, field, value, expected):
    parties, bodies = roster
    ids = {"party": parties, "body": bodies}.get(field, {})
    html = page(signed_in, **{field: ids.get(value, value)})
    assert listed_names(html) == expected


def test_filters_combine_on_one_assignment_and_show_status_in_words(signed_in, roster):
    parties, bodies = roster
    html = page(signed_in, party=parties["S"], body=bodies["Kommunstyrelsen"])
    assert listed_names(html) == []
    html = page(signed_in, status="deactivated")
    assert "<td>Deactivated</td>" in html
    # The ended assignment is not listed among the official's parties or bodies today.
    assert html.count("<td></td>") == 2


def test_pagination_by_fifty_keeps_the_filters(signed_in, make_official):
    for number in range(51):
        make_official(f"Pag {number:02d}")
    make_official("Someone else")
    first = page(signed_in, q="pag")
    assert "51 officials found." in first and "Page 1 of 2." in first
    assert len(listed_names(first)) == 50
    assert 'href="/security-unit/officials?q=pag&amp;page=2" rel="next"' in first
    assert 'rel="prev"' not in first
    second = page(signed_in, q="pag", page=2)
    assert listed_names(second) == ["Pag 50"]
    assert 'href="/security-unit/officials?q=pag&amp;page=1" rel="prev"' in second
    assert 'rel="next"' not in second
    for beyond in (9, 10**20):
        assert listed_names(page(signed_in, q="pag", page=beyond)) == ["Pag 50"]


def test_the_list_runs_the_same_number_of_queries_for_3_and_30_officials(
    signed_in, make_official, create_assignment, count_queries
):
    def queries() -> int:
        with count_queries() as statements:
            page(signed_in)
        return len(statements)

    def add(count: int, start: int) -> None:
        for number in range(start, start + count):
            official = make_official(f"Official {number:02d}")
            create_assignment(official, party=f"Parti {number % 4}")
            create_assignment(official, body="Kommunstyrelsen", party=f"Parti {number % 4}")

    add(3, 0)
    few = queries()
    add(27, 3)
    assert queries() == few
    assert few <= 6, few


# An official's page


@pytest.fixture
def trained(app, make_official, create_assignment, create_requirement, unit):
    """An official with an assignment, two required modules (one done), notes and an attempt."""
    official = make_official("Anna Andersson", "anna@example.se")
    create_assignment(official, body="Kommunstyrelsen", party="Gröna partiet")
    create_requirement(
        unit.organisation_id,
        ["organisation", "demokratiska-samtalet"],
        election_year=2026,
        counts_from=date(2026, 1, 1),
        deadline=today() + timedelta(days=100),
    )
    done_at = utcnow() - timedelta(hours=1)
    with app.app_context():
        db.session.add_all(
            [
                ModuleCompletion(
                    user_id=official.id,
                    module_id="organisation",
                    module_version="v1",
                    completed_at=done_at,
                ),
                ModuleCompletion(
                    user_id=official.id,
                    module_id="demokratiska-samtalet",
                    module_version="v1",
                    completed_at=datetime(2025, 3, 12, 10, tzinfo=UTC),
                ),
                ReflectionNote(
                    user_id=official.id,
                    module_id="organisation",
                    step_id="step-1",
                    question_id="q1",
                    body=MARKER,
                ),
                QuizAttempt(
                    user_id=official.id,
                    module_id="organisation",
                    quiz_version="v1",
                    token="t1",
                    answers={"q1": [MARKER]},
                    correct=3,
                    total=3,
                    passed=True,
                ),
            ]
        )
        db.session.commit()
    return official


def test_official_page_shows_assignments_and_required_training_never_notes(app, signed_in, trained):
    url = f"/security-unit/officials/{trained.id}"
    html = page(signed_in, url)
    assert html.count("<h1>") == 1 and "<h1>Anna Andersson</h1>" in html
    assert "anna@example.se" in html and "<dd>Active</dd>" in html
    assert '<th scope="row">Kommunstyrelsen</th>' in html and "<td>Gröna partiet</td>" in html
    assert "<td>Member</td>" in html and "<td>Spare time</td>" in html
    assert "<td>Until further notice</td>" in html and "<td>In office</td>" in html
    assert "End today" in html
    catalog = app.extensions["catalog"]
    assert catalog.module("organisation").text("en").title in html
    assert re.search(r"<td>Done on \d+ \w+ \d{4}</td>", html)
    assert 'id="csrf_token"' not in html  # one page, many forms: no repeated ids
    assert "<strong>Not done</strong>" in html
    assert "Last done on 12 March 2025, before completions began to count" in html
    assert "Send the invitation again" in html and "Deactivate the account" in html
    assert " style=" not in html and "<script>" not in html
    for shown in (url, f"{url}/edit", LIST):
        assert MARKER not in page(signed_in, shown)


def test_official_page_without_assignments_or_requirements(signed_in, make_official):
    official = make_official("")
    html = page(signed_in, f"/security-unit/officials/{official.id}")
    assert f"<h1>{official.email}</h1>" in html
    assert "This official has no assignments in the roster." in html
    assert "No training is required of this official today." in html


# Access


def routes(user_id: int, assignment_id: int) -> list[tuple[str, str]]:
    base = f"/security-unit/officials/{user_id}"
    return [
        ("GET", LIST),
        ("GET", base),
        ("GET", f"{base}/edit"),
        ("POST", f"{base}/edit"),
        ("POST", f"{base}/assignments/{assignment_id}/end"),
        ("POST", f"{base}/invite"),
        ("POST", f"{base}/deactivate"),
        ("POST", f"{base}/reactivate"),
    ]


def request(client, method: str, url: str):
    if method == "GET":
        return client.get(url, headers=EN)
    return post(client, url, {"confirm": "y", "name": "X", "email": "x@example.se", "locale": "en"})


def snapshot(app, user_id: int) -> tuple:
    with app.app_context():
        user = db.session.get(User, user_id)
        seats = db.session.execute(
            select(Assignment.id, Assignment.ends_on).filter_by(user_id=user_id)
        ).all()
        mails = db.session.scalar(select(func.count()).select_from(OutgoingMail))
        tokens = db.session.scalar(select(func.count()).select_from(SignInToken))
        return (
            user.name,
            user.email,
            user.locale,
            user.active,
            user.session_version,
            seats,
            mails,
            tokens,
        )


def test_another_organisations_official_is_404_everywhere_and_nothing_changes(
    app, signed_in, other_org_official
):
    official, seat = other_org_official
    before = snapshot(app, official.id)
    for method, url in routes(official.id, seat)[1:]:
        assert request(signed_in, method, url).status_code == 404, (method, url)
    assert snapshot(app, official.id) == before


def test_an_assignment_of_someone_else_is_404(
    app, signed_in, make_official, create_assignment, other_org_official
):
    own = make_official("Anna A")
    colleague = make_official("Bo B")
    colleagues_seat = create_assignment(colleague)
    _, foreign_seat = other_org_official
    for seat in (colleagues_seat, foreign_seat):
        response = post(signed_in, f"/security-unit/officials/{own.id}/assignments/{seat}/end")
        assert response.status_code == 404
    with app.app_context():
        assert db.session.get(Assignment, colleagues_seat).ends_on is None
        assert db.session.get(Assignment, foreign_seat).ends_on is None


@pytest.mark.parametrize("permission", [Permission.OFFICIAL, Permission.GROUP_CONTACT])
def test_officials_and_group_contacts_get_403(
    client, login_as, create_user, make_official, create_assignment, permission
):
    target = make_official("Anna A")
    seat = create_assignment(target)
    login_as(client, create_user(permissions=(permission,)))
    for method, url in routes(target.id, seat):
        assert request(client, method, url).status_code == 403, (method, url)


def test_guests_are_sent_to_sign_in(client, make_official, create_assignment):
    target = make_official("Anna A")
    seat = create_assignment(target)
    for method, url in routes(target.id, seat):
        response = request(client, method, url)
        assert response.status_code == 302, (method, url)
        assert response.headers["Location"].startswith("/sign-in?next=")


def test_every_post_needs_a_csrf_token_and_writes_nothing(
    app, signed_in, make_official, create_assignment
):
    target = make_official("Anna A", "anna@example.se")
    seat = create_assignment(target)
    before = snapshot(app, target.id)
    for method, url in routes(target.id, seat):
        if method == "POST":
            data = {"confirm": "y", "name": "X", "email": "x@example.se", "locale": "en"}
            response = signed_in.post(url, data=data, headers=EN)
            assert response.status_code == 400, url
            assert "The form has expired" in response.get_data(as_text=True)
    assert snapshot(app, target.id) == before


# What the security unit changes


def test_deactivation_ends_the_session_and_keeps_history(
    app, signed_in, login_as, make_official, create_assignment
):
    official = make_official("Anna A")
    seat = create_assignment(official)
    official_client = app.test_client()
    login_as(official_client, official)
    assert official_client.get("/my-training").status_code == 200
    with app.app_context():
        user = db.session.get(User, official.id)
        link = create_signin_token(user, 60)
        db.session.add(
            ModuleCompletion(user_id=official.id, module_id="organisation", module_version="v1")
        )
        db.session.commit()
    url = f"/security-unit/officials/{official.id}/deactivate"
    refused = post(signed_in, url)
    assert refused.status_code == 400
    assert "Tick the box to confirm" in refused.get_data(as_text=True)
    assert get_user(app, official.id).active
    response = post(signed_in, url, {"confirm": "y"})
    assert response.status_code == 302
    html = page(signed_in, response.headers["Location"])
    assert "has been deactivated and signed out everywhere" in html
    assert "Reactivate the account" in html and "Send the invitation again" not in html
    user = get_user(app, official.id)
    assert not user.active and user.deactivated_at is not None and user.session_version == 1
    signed_out = official_client.get("/my-training")
    assert signed_out.status_code == 302 and signed_out.headers["Location"].startswith("/sign-in")
    with app.app_context():
        assert find_valid_token(link) is None
        completions = (
            select(func.count()).select_from(ModuleCompletion).filter_by(user_id=official.id)
        )
        assert db.session.scalar(completions) == 1
        assert db.session.get(Assignment, seat) is not None


def test_deactivated_official_can_be_reactivated(app, signed_in, make_official):
    official = make_official("Anna A")
    post(signed_in, f"/security-unit/officials/{official.id}/deactivate", {"confirm": "y"})
    response = post(signed_in, f"/security-unit/officials/{official.id}/reactivate")
    assert response.status_code == 302
    assert "can be used again" in page(signed_in, response.headers["Location"])
    user = get_user(app, official.id)
    assert user.active and user.deactivated_at is None


def test_the_security_unit_cannot_deactivate_itself(app, signed_in, create_user, unit):
    me = unit
    with app.app_context():
        db.session.add(UserPermission(user_id=me.id, permission=Permission.OFFICIAL))
        db.session.commit()
    assert "This is your own account" in page(signed_in, f"/security-unit/officials/{me.id}")
    response = post(signed_in, f"/security-unit/officials/{me.id}/deactivate", {"confirm": "y"})
    assert response.status_code == 302
    assert "You cannot deactivate your own account." in page(
        signed_in, response.headers["Location"]
    )
    assert get_user(app, me.id).active


def test_end_an_assignment_today_or_on_its_first_day(
    app, signed_in, make_official, create_assignment
):
    official = make_official("Anna A")
    running = create_assignment(official)
    future = create_assignment(
        official, body="Kommunstyrelsen", starts_on=today() + timedelta(days=30)
    )
    ended = create_assignment(
        official, body="Nämnden", starts_on=date(2019, 1, 1), ends_on=date(2020, 1, 1)
    )
    base = f"/security-unit/officials/{official.id}/assignments"
    response = post(signed_in, f"{base}/{running}/end")
    assert response.status_code == 302
    assert "The assignment ends on" in page(signed_in, response.headers["Location"])
    post(signed_in, f"{base}/{future}/end")
    response = post(signed_in, f"{base}/{ended}/end")
    assert "had already ended" in page(signed_in, response.headers["Location"])
    with app.app_context():
        assert db.session.get(Assignment, running).ends_on == today()
        assert db.session.get(Assignment, future).ends_on == today() + timedelta(days=30)
        assert db.session.get(Assignment, ended).ends_on == date(2020, 1, 1)
    html = page(signed_in, f"/security-unit/officials/{official.id}")
    assert "End today" in html  # the future one, ending on its first day, has not ended yet
    assert html.count("<td>Ended</td>") == 1


def test_resend_invitation_queues_one_mail_and_ends_the_earlier_link(app, signed_in, make_official):
    official = make_official("Anna A", "anna@example.se")
    with app.app_context():
        earlier = create_signin_token(db.session.get(User, official.id), 60, purpose="invitation")
        db.session.commit()
    response = post(signed_in, f"/security-unit/officials/{official.id}/invite")
    assert response.status_code == 302
    assert "An invitation has been sent to anna@example.se." in page(
        signed_in, response.headers["Location"]
    )
    with app.app_context():
        mails = db.session.scalars(select(OutgoingMail)).all()
        assert [m.to_address for m in mails] == ["anna@example.se"]
        assert find_valid_token(earlier) is None
        fresh = (
            select(func.count())
            .select_from(SignInToken)
            .filter_by(user_id=official.id, purpose="invitation", used_at=None)
        )
        assert db.session.scalar(fresh) == 1


def test_edit_the_official(app, signed_in, make_official):
    official = make_official("Anna A", "anna@example.se")
    with app.app_context():
        sent = create_signin_token(db.session.get(User, official.id), 60, purpose="invitation")
        db.session.commit()
    url = f"/security-unit/officials/{official.id}/edit"
    form = page(signed_in, url)
    assert 'value="Anna A"' in form and 'value="anna@example.se"' in form
    assert '<input checked id="locale-0" name="locale" required type="radio" value="sv">' in form
    data = {"name": " Anna Berg ", "email": " Anna.Berg@Example.SE ", "locale": "en"}
    response = post(signed_in, url, data)
    assert response.status_code == 302
    assert "The official’s details have been saved." in page(
        signed_in, response.headers["Location"]
    )
    user = get_user(app, official.id)
    assert (user.name, user.email, user.locale) == ("Anna Berg", "anna.berg@example.se", "en")
    with app.app_context():
        assert find_valid_token(sent) is None  # it went to the old address


@pytest.mark.parametrize("elsewhere", [False, True])
def test_edit_with_an_email_in_use_is_a_field_error(
    app, signed_in, make_official, create_org, create_user, elsewhere
):
    official = make_official("Anna A", "anna@example.se")
    org = create_org(name="Annan kommun") if elsewhere else None
    create_user(email="taken@example.se", org=org) if elsewhere else make_official(
        "T", "taken@example.se"
    )
    url = f"/security-unit/officials/{official.id}/edit"
    response = post(signed_in, url, {"name": "Anna", "email": "TAKEN@example.se", "locale": "sv"})
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: " in html and "There is a problem" in html
    assert '<a href="#email">Another account already uses this e-mail address</a>' in html
    assert get_user(app, official.id).email == "anna@example.se"


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (
            {"name": "", "email": "a@example.se", "locale": "sv"},
            "name",
            "Enter the official’s name",
        ),
        (
            {"name": "A", "email": "not-an-address", "locale": "sv"},
            "email",
            "Enter an e-mail address",
        ),
        ({"name": "A", "email": "a@localhost", "locale": "sv"}, "email", "Enter an e-mail address"),
        ({"name": "A", "email": "a@example.se", "locale": "de"}, "locale-0", "Not a valid choice"),
    ],
)
def test_edit_rejects_bad_input(app, signed_in, make_official, data, field, message):
    official = make_official("Anna A", "anna@example.se")
    response = post(signed_in, f"/security-unit/officials/{official.id}/edit", data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'<a href="#{field}">{message}' in html
    assert get_user(app, official.id).name == "Anna A"
