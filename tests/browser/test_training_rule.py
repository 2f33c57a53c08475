"""The pages that tell the one training rule, with a requirement still coming and several
deadlines: My training, the official's page and the coverage report, with axe in both
languages and at 320 px."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect

from course_app.extensions import db
from course_app.models import Assignment, AssignmentRole, Audience, Extent, Requirement
from course_app.training.periods import local_date
from tests.browser.helpers import LANGS, START_LOCALE, check_page, click_and_wait
from tests.browser.test_roster import sign_in

pytestmark = pytest.mark.browser

WORDS = {
    "sv": {
        "later": "Krävs senare",
        "deadlines": "Mandatperiodens sista dagar",
        "as_of": "Visa rapporten per",
        "delete_link": "Ta bort det här kravet",
        "delete": "Ta bort kravet",
    },
    "en": {
        "later": "Required later",
        "deadlines": "The deadlines of the period",
        "as_of": "Show the report as of",
        "delete_link": "Delete this requirement",
        "delete": "Delete the requirement",
    },
}


def _the_case(live_server, org_id: int, official_id: int) -> None:
    """Three requirements with their own deadlines, one of them counting only later."""
    today = local_date(datetime.now(UTC))
    rows = [
        (["organisation"], today - timedelta(days=30), today + timedelta(days=60), Audience.KL_18A),
        (["sexistiskt-hot"], today - timedelta(days=30), today + timedelta(days=120), Audience.ALL),
        (
            ["demokratiska-samtalet"],
            today + timedelta(days=40),
            today + timedelta(days=200),
            Audience.ALL,
        ),
    ]
    with live_server.app.app_context():
        for modules, counts_from, deadline, audience in rows:
            db.session.add(
                Requirement(
                    organisation_id=org_id, election_year=2026, module_ids=modules,
                    audience=audience, counts_from=counts_from, deadline=deadline,
                )
            )  # fmt: skip
        db.session.add(
            Assignment(
                organisation_id=org_id, user_id=official_id, role=AssignmentRole.ORDINARIE,
                extent=Extent.HELTID, starts_on=today - timedelta(days=60),
            )
        )  # fmt: skip
        db.session.commit()


@LANGS
def test_my_training_shows_what_is_coming(new_page, live_server, lang):
    org_id = live_server.create_organisation("Regelkommun")
    official = live_server.create_official(org_id=org_id)
    _the_case(live_server, org_id, official.id)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, official)
    page.goto("/my-training")
    expect(page.get_by_role("heading", name=WORDS[lang]["later"])).to_be_visible()
    check_page(page)


@LANGS
def test_the_unit_sees_the_same_and_each_deadline(new_page, live_server, lang):
    org_id = live_server.create_organisation("Regelkommun")
    official = live_server.create_official(org_id=org_id)
    unit = live_server.create_security_unit(org_id=org_id)
    _the_case(live_server, org_id, official.id)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)
    page.goto(f"/security-unit/officials/{official.id}")
    expect(page.get_by_role("heading", name=WORDS[lang]["later"])).to_be_visible()
    check_page(page)
    page.goto("/security-unit/coverage")
    expect(page.get_by_role("heading", name=WORDS[lang]["deadlines"])).to_be_visible()
    check_page(page)
    links = page.get_by_role("link", name=WORDS[lang]["as_of"])
    expect(links).to_have_count(3)
    click_and_wait(page, links.nth(1))
    assert "as_of=" in page.url
    check_page(page)


@LANGS
def test_the_requirement_form_follows_the_period_and_a_requirement_is_deleted(
    new_page, live_server, lang
):
    org_id = live_server.create_organisation("Kravkommun")
    unit = live_server.create_security_unit(org_id=org_id)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)
    page.goto("/security-unit/requirements/new")
    period = page.locator("#election_year")
    later = period.locator("option").first.get_attribute("value")  # newest period first
    period.select_option(later)
    # The script moves the untouched suggestions with the period.
    expect(page.locator("#counts_from")).to_have_value(f"{later}-01-01")
    page.locator("input[name='module_ids']").first.check()
    click_and_wait(page, page.locator("#submit"))
    check_page(page)
    click_and_wait(page, page.locator("a[href^='/security-unit/requirements/']").last)
    click_and_wait(page, page.get_by_role("link", name=WORDS[lang]["delete_link"]))
    check_page(page)
    click_and_wait(page, page.get_by_role("button", name=WORDS[lang]["delete"]))
    expect(page.get_by_role("status")).to_be_visible()
    check_page(page)
