"""The security unit sets which modules are required, of whom and by when, for each period."""

import re
from datetime import date

import pytest
from flask import request
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.models import Audience, Permission, Requirement
from course_app.models.base import utcnow
from course_app.security_unit import requirements_views
from course_app.security_unit.requirements import suggested_period
from course_app.training.periods import default_counts_from, default_deadline, local_date
from tests.conftest import csrf_from

LIST = "/security-unit/requirements"
NEW = "/security-unit/requirements/new"
VALID = {
    "election_year": "2026",
    "module_ids": ["organisation", "om-nagot-hander"],
    "audience": "all",
    "counts_from": "2026-01-01",
    "deadline": "2027-04-13",
}


@pytest.fixture
def client(app):
    """A client whose browser asks for English (the Swedish texts come later)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def security_unit(create_user):
    return create_user(permissions=(Permission.SECURITY_UNIT,))


@pytest.fixture
def unit_client(client, login_as, security_unit):
    login_as(client, security_unit)
    return client


@pytest.fixture
def requirement(create_requirement, security_unit):
    return create_requirement(
        security_unit.organisation_id,
        ["organisation"],
        2026,
        date(2026, 1, 1),
        date(2027, 4, 13),
        audience=Audience.KL_18A,
    )


def stored(app, organisation_id: int) -> list[Requirement]:
    with app.app_context():
        stmt = select(Requirement).filter_by(organisation_id=organisation_id)
        return list(db.session.scalars(stmt.order_by(Requirement.id)))


def checked(html: str, name: str, value: str) -> bool:
    """Return whether the page ticks the checkbox or radio button name=value."""
    pattern = (
        rf'<input checked id="{name}-\d+" name="{name}" (?:required )?type="\w+" value="{value}">'
    )
    return re.search(pattern, html) is not None


def count_all(app) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(Requirement))


def test_the_list_shows_the_organisations_own_requirements_by_period(
    unit_client, create_org, create_requirement, security_unit
):
    org = security_unit.organisation_id
    create_requirement(org, ["organisation"], 2022, date(2022, 1, 1), date(2023, 4, 13))
    create_requirement(
        org,
        ["sexistiskt-hot", "demokratiska-samtalet"],
        2026,
        date(2026, 1, 1),
        date(2027, 4, 13),
        audience=Audience.SELECTED,
        roles=["ordforande", "vice_ordforande"],
        extents=["heltid"],
    )
    create_requirement(org, ["om-nagot-hander"], 2026, date(2026, 3, 1), date(2026, 12, 31))
    elsewhere = create_org(name="Annan kommun")
    create_requirement(elsewhere, ["organisation"], 2026, date(2026, 1, 1), date(2026, 6, 30))
    html = unit_client.get(LIST).get_data(as_text=True)
    assert html.count("<h1>") == 1 and "<title>Training requirements – " in html
    assert html.index("Mandate period 2026–2030") < html.index("Mandate period 2022–2026")
    assert "Roles: Chair, Vice chair" in html and "Extents: Full time" in html
    assert "All officials" in html
    assert "13 April 2027" in html and "1 March 2026" in html and "13 April 2023" in html
    assert "30 June 2026" not in html
    assert html.count('scope="row"') == 3
    assert f'href="{NEW}"' in html


def test_an_empty_list_says_so(unit_client):
    html = unit_client.get(LIST).get_data(as_text=True)
    assert "No requirements have been set yet." in html


def test_a_new_requirement_starts_from_the_defaults(app, unit_client, security_unit):
    year = suggested_period(local_date(utcnow()))
    html = unit_client.get(NEW).get_data(as_text=True)
    assert f'<option selected value="{year}">{year}–{year + 4}</option>' in html
    assert f'value="{default_counts_from(year).isoformat()}"' in html
    assert f'value="{default_deadline(year).isoformat()}"' in html
    assert checked(html, "audience", "all")
    assert "180 days after fullmäktige’s term starts" in html
    assert "never changes anyone’s stored completions" in html
    assert 'aria-describedby="save-hint"' in html
    form = {
        "csrf_token": csrf_from(html),
        "election_year": str(year),
        "module_ids": ["organisation", "sexistiskt-hot"],
        "audience": "all",
        "roles": ["ordforande"],  # ignored: the requirement is for everyone
        "counts_from": default_counts_from(year).isoformat(),
        "deadline": default_deadline(year).isoformat(),
    }
    response = unit_client.post(NEW, data=form)
    assert response.status_code == 302 and response.headers["Location"] == LIST
    assert "The requirement has been saved." in unit_client.get(LIST).get_data(as_text=True)
    [saved] = stored(app, security_unit.organisation_id)
    assert saved.election_year == year
    assert saved.module_ids == ["organisation", "sexistiskt-hot"]
    assert (saved.audience, saved.roles, saved.extents) == (Audience.ALL, [], [])
    assert saved.counts_from == default_counts_from(year)
    assert saved.deadline == default_deadline(year)
    assert saved.updated_by_id == security_unit.id


def test_a_requirement_for_chosen_roles_and_extents(app, unit_client, post_form, security_unit):
    data = {**VALID, "audience": "selected", "roles": ["ersattare"], "extents": ["deltid"]}
    assert post_form(unit_client, NEW, data).status_code == 302
    [saved] = stored(app, security_unit.organisation_id)
    assert (saved.audience, saved.roles, saved.extents) == (
        Audience.SELECTED,
        ["ersattare"],
        ["deltid"],
    )


@pytest.mark.parametrize(
    ("change", "anchor", "message"),
    [
        ({"module_ids": []}, "#module_ids-0", "Choose at least one module"),
        ({"module_ids": ["no-such-module"]}, "#module_ids-0", "Choose only modules that are"),
        ({"audience": "selected"}, "#roles-0", "Choose at least one role or extent"),
        (
            {"deadline": "2025-12-31"},
            "#deadline",
            "The deadline must be after the date from which completions count",
        ),
        ({"deadline": "2026-01-01"}, "#deadline", "The deadline must be after the date"),
        (
            {"deadline": "2031-01-01"},
            "#deadline",
            "within the period 2026–2030: from 1 January 2026 to 14 October 2030",
        ),
        ({"deadline": "13/4/2027"}, "#deadline", "Enter a date as YYYY-MM-DD"),
        ({"counts_from": ""}, "#counts_from", "Enter a date as YYYY-MM-DD"),
        ({"election_year": "2027"}, "#election_year", "Choose one of the mandate periods"),
    ],
)
def test_bad_input_is_refused_with_a_summary_and_kept(
    app, unit_client, post_form, security_unit, change, anchor, message
):
    data = {**VALID, "roles": [], **change}
    response = post_form(unit_client, NEW, data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "<title>Error: Add a requirement – " in html
    assert "There is a problem" in html and f'href="{anchor}"' in html and message in html
    assert html.count(message) == 2  # in the summary and beside the field
    if change.get("deadline", "").startswith("20"):
        assert f'value="{change["deadline"]}"' in html
    if "module_ids" not in change:
        assert checked(html, "module_ids", "om-nagot-hander")
    assert stored(app, security_unit.organisation_id) == []


def test_selected_with_no_role_keeps_the_choice(unit_client, post_form):
    response = post_form(unit_client, NEW, {**VALID, "audience": "selected"})
    html = response.get_data(as_text=True)
    assert checked(html, "audience", "selected")
    assert 'aria-describedby="roles-hint roles-error"' in html


def test_the_unit_changes_a_requirement(app, unit_client, post_form, requirement, security_unit):
    url = f"{LIST}/{requirement}"
    html = unit_client.get(url).get_data(as_text=True)
    assert "<h1>Change the requirement</h1>" in html
    assert checked(html, "audience", "kl_18a") and checked(html, "module_ids", "organisation")
    data = {**VALID, "audience": "selected", "extents": ["heltid", "fritid"]}
    response = post_form(unit_client, url, data)
    assert response.status_code == 302 and response.headers["Location"] == LIST
    [saved] = stored(app, security_unit.organisation_id)
    assert saved.id == requirement
    assert saved.module_ids == ["organisation", "om-nagot-hander"]
    assert (saved.audience, saved.roles, saved.extents) == (
        Audience.SELECTED,
        [],
        ["heltid", "fritid"],
    )


def test_an_old_period_stays_choosable_when_editing(unit_client, create_requirement, security_unit):
    old = create_requirement(
        security_unit.organisation_id, ["organisation"], 2014, date(2014, 1, 1), date(2015, 4, 13)
    )
    html = unit_client.get(f"{LIST}/{old}").get_data(as_text=True)
    assert '<option selected value="2014">2014–2018</option>' in html


def test_another_organisations_requirement_is_not_found(
    app, client, create_org, create_user, login_as, post_form, requirement, security_unit
):
    other_unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=create_org())
    login_as(client, other_unit)
    url = f"{LIST}/{requirement}"
    assert client.get(url).status_code == 404
    response = post_form(client, url, {**VALID, "module_ids": ["sexistiskt-hot"]}, page=NEW)
    assert response.status_code == 404
    [saved] = stored(app, security_unit.organisation_id)
    assert (saved.module_ids, saved.audience) == (["organisation"], Audience.KL_18A)
    assert "2026–2030" not in client.get(LIST).get_data(as_text=True)


def test_a_missing_requirement_is_not_found(unit_client):
    assert unit_client.get(f"{LIST}/999999").status_code == 404


ROUTES = [LIST, NEW, f"{LIST}/{{id}}"]


@pytest.mark.parametrize("path", ROUTES)
@pytest.mark.parametrize(
    "permissions", [(Permission.OFFICIAL,), (Permission.OFFICIAL, Permission.GROUP_CONTACT)]
)
def test_only_the_security_unit_may_open_them(
    app, client, create_user, login_as, requirement, security_unit, path, permissions
):
    user = create_user(permissions=permissions, org=security_unit.organisation_id)
    login_as(client, user)
    url = path.format(id=requirement)
    assert client.get(url).status_code == 403
    token = csrf_from(client.get("/").get_data(as_text=True))
    if url != LIST:
        assert client.post(url, data={**VALID, "csrf_token": token}).status_code == 403
    assert count_all(app) == 1


@pytest.mark.parametrize("path", ROUTES)
def test_guests_are_sent_to_sign_in(app, client, requirement, path):
    url = path.format(id=requirement)
    response = client.get(url)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in?next=")
    if url != LIST:
        token = csrf_from(client.get("/").get_data(as_text=True))
        response = client.post(url, data={**VALID, "csrf_token": token})
        assert response.headers["Location"].startswith("/sign-in?next=")
    assert count_all(app) == 1


@pytest.mark.parametrize("path", [NEW, f"{LIST}/{{id}}"])
@pytest.mark.parametrize("token", [None, "expired"])
def test_a_post_without_a_valid_csrf_token_writes_nothing(
    app, unit_client, requirement, security_unit, path, token
):
    data = {**VALID, "module_ids": ["sexistiskt-hot"]}
    if token:
        data["csrf_token"] = token
    response = unit_client.post(path.format(id=requirement), data=data)
    assert response.status_code == 400
    [saved] = stored(app, security_unit.organisation_id)
    assert saved.module_ids == ["organisation"]


def test_the_list_makes_a_constant_number_of_queries(
    unit_client, count_queries, create_requirement, security_unit
):
    def add(number: int) -> None:
        for i in range(number):
            year = 2022 if i % 2 else 2026
            create_requirement(
                security_unit.organisation_id,
                ["organisation", "sexistiskt-hot"],
                year,
                date(year, 1, 1),
                date(year + 1, 4, 13),
                audience=Audience.SELECTED,
                roles=["ordinarie"],
                extents=["heltid"],
            )

    counts = []
    for number in (1, 9):
        add(number)
        with count_queries() as statements:
            html = unit_client.get(LIST).get_data(as_text=True)
        counts.append(len(statements))
    assert html.count("Roles: Member") == 10
    assert counts[0] == counts[1] <= 2, counts


@pytest.fixture
def stale_forms_handled(app, monkeypatch):
    """Route the area's CSRF errors on requirement forms to requirements_views.stale_form.

    The area's handler lives in views.py; this stands in for its dispatch to that function.
    """
    handlers = app.error_handler_spec["security_unit"][400]
    area_handler = handlers[CSRFError]

    def dispatch(error):
        if request.endpoint in requirements_views.FORM_ENDPOINTS:
            return requirements_views.stale_form()
        return area_handler(error)

    monkeypatch.setitem(handlers, CSRFError, dispatch)


@pytest.mark.usefixtures("stale_forms_handled")
def test_an_expired_form_keeps_what_was_typed(app, unit_client, requirement, security_unit):
    data = {
        **VALID,
        "csrf_token": "expired",
        "deadline": "2027-05-31",
        "module_ids": ["sexistiskt-hot"],
    }
    response = unit_client.post(f"{LIST}/{requirement}", data=data)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "so nothing was saved" in html
    assert 'value="2027-05-31"' in html and checked(html, "module_ids", "sexistiskt-hot")
    assert not checked(html, "module_ids", "organisation")
    [saved] = stored(app, security_unit.organisation_id)
    assert (saved.module_ids, saved.deadline) == (["organisation"], date(2027, 4, 13))
    response = unit_client.post(NEW, data={**data, "csrf_token": "expired"})
    assert response.status_code == 400 and "<h1>Add a requirement</h1>" in response.get_data(
        as_text=True
    )
    assert count_all(app) == 1


def test_the_chosen_periods_dates_are_filled_in_and_the_rest_kept(unit_client, post_form):
    """Without JavaScript, a button fills in the chosen period's suggested dates; nothing is
    saved, and what was typed stays."""
    data = {**VALID, "election_year": "2030", "audience": "kl_18a", "suggest": "1"}
    response = post_form(unit_client, NEW, data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f'value="{default_counts_from(2030).isoformat()}"' in html
    assert f'value="{default_deadline(2030).isoformat()}"' in html
    assert checked(html, "audience", "kl_18a") and checked(html, "module_ids", "om-nagot-hander")
    assert '"2030": ["2030-01-01"' in html  # the same suggestions, for the enhancing script


def test_a_requirement_that_counted_no_one_can_be_deleted(
    app, unit_client, post_form, requirement, security_unit
):
    url = f"{LIST}/{requirement}/delete"
    assert "Delete this requirement" in unit_client.get(f"{LIST}/{requirement}").get_data(True)
    assert "Delete the requirement?" in unit_client.get(url).get_data(as_text=True)
    response = post_form(unit_client, url)
    assert response.status_code == 302 and response.headers["Location"] == LIST
    assert stored(app, security_unit.organisation_id) == []
    with app.app_context():
        from course_app.models import AuditRecord

        actions = db.session.scalars(select(AuditRecord.action)).all()
    assert "requirement.deleted" in actions


def test_a_requirement_that_counted_a_completion_is_kept(
    app, unit_client, post_form, requirement, security_unit, create_user
):
    from datetime import UTC, datetime

    from course_app.models import ModuleCompletion

    official = create_user(org=security_unit.organisation_id)
    with app.app_context():
        db.session.add(
            ModuleCompletion(
                user_id=official.id, module_id="organisation", module_version="v",
                completed_at=datetime(2026, 3, 1, 12, tzinfo=UTC), counts_from=date(2026, 1, 1),
            )
        )  # fmt: skip
        db.session.commit()
    html = unit_client.get(f"{LIST}/{requirement}").get_data(as_text=True)
    assert "Delete this requirement" not in html and "kept as a record" in html
    url = f"{LIST}/{requirement}/delete"
    response = post_form(unit_client, url, page=f"{LIST}/{requirement}")
    assert response.status_code == 302
    assert [r.id for r in stored(app, security_unit.organisation_id)] == [requirement]


def test_a_completion_before_counts_from_or_elsewhere_does_not_keep_it(
    app, unit_client, post_form, requirement, security_unit, create_user, create_org
):
    from datetime import UTC, datetime

    from course_app.models import ModuleCompletion

    early = create_user(org=security_unit.organisation_id)
    stranger = create_user(org=create_org())
    with app.app_context():
        for user, day in (
            (early, datetime(2025, 12, 31, 12, tzinfo=UTC)),
            (stranger, datetime(2026, 3, 1, 12, tzinfo=UTC)),
        ):
            db.session.add(
                ModuleCompletion(
                    user_id=user.id,
                    module_id="organisation",
                    module_version="v",
                    completed_at=day,
                    counts_from=date(1970, 1, 1),
                )
            )
        db.session.commit()  # fmt: skip
    post_form(unit_client, f"{LIST}/{requirement}/delete")
    assert stored(app, security_unit.organisation_id) == []


def test_another_organisation_cannot_delete_it(
    app, client, create_org, create_user, login_as, post_form, requirement, security_unit
):
    login_as(client, create_user(permissions=(Permission.SECURITY_UNIT,), org=create_org()))
    url = f"{LIST}/{requirement}/delete"
    assert client.get(url).status_code == 404
    assert post_form(client, url, page=NEW).status_code == 404
    assert len(stored(app, security_unit.organisation_id)) == 1
