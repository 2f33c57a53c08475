"""A party group's discussion: the security unit names the contact, the contact runs the
meeting view by keyboard alone and records who took part, and a participant sees it on their
own pages; the guide prints. axe in both languages and at 320 px on every page."""

from __future__ import annotations

from datetime import date

import pytest
from playwright.sync_api import expect

from course_app.extensions import db
from course_app.models import (
    Assignment,
    AssignmentRole,
    Discussion,
    Extent,
    GroupContact,
    Party,
    User,
)
from tests.browser.helpers import (
    LANGS,
    START_LOCALE,
    allow_http_error,
    check_page,
    click_and_wait,
    follow,
    press_and_wait,
    tab_to,
)
from tests.browser.test_roster import sign_in

pytestmark = pytest.mark.browser

SAVE_NOTES = {"sv": "Spara gruppens anteckningar", "en": "Save the group’s notes"}
TEXT_1 = {"sv": "Text 1", "en": "Text 1"}
NOTES_LABEL = {"sv": "Gruppens anteckningar", "en": "The group’s notes"}

WORDS = {
    "sv": {
        "groups": "Partigrupper",
        "member": "Medlem som ska bli kontakt",
        "make": "Gör till kontakt",
        "mine": "Min partigrupp",
        "start": "Starta ett samtal",
        "start_now": "Starta samtalet",
        "meeting": "Öppna mötesvyn",
        "next": "Nästa",
        "previous": "Föregående",
        "leave": "Lämna mötesvyn",
        "checklist": "Att sammanfatta: checklistan",
        "save_present": "Spara vilka som deltog",
        "saved": "Närvaron är sparad: 2 deltog.",
        "guide": "Samtalsguiden att skriva ut",
        "discussed": "Diskuterad i din partigrupp",
    },
    "en": {
        "groups": "Party groups",
        "member": "Member to make a contact",
        "make": "Make a contact",
        "mine": "My party group",
        "start": "Start a discussion",
        "start_now": "Start the discussion",
        "meeting": "Open the meeting view",
        "next": "Next",
        "previous": "Previous",
        "leave": "Leave the meeting view",
        "checklist": "To sum up: the checklist",
        "save_present": "Save who took part",
        "saved": "Attendance saved: 2 took part.",
        "guide": "The discussion guide to print",
        "discussed": "Discussed in your party group",
    },
}


def _seat(live_server, user, org_id: int, name: str) -> None:
    with live_server.app.app_context():
        party = (
            db.session.query(Party).filter_by(organisation_id=org_id, name="Gruppartiet").first()
        )
        if party is None:
            party = Party(organisation_id=org_id, name="Gruppartiet")
        db.session.get(User, user.id).name = name
        db.session.add(
            Assignment(
                organisation_id=org_id, user_id=user.id, party=party,
                role=AssignmentRole.ORDINARIE, extent=Extent.FRITID, starts_on=date(2022, 10, 15),
            )
        )  # fmt: skip
        db.session.commit()


@LANGS
def test_a_group_discusses_a_module_and_the_participant_sees_it(new_page, live_server, lang):
    words = WORDS[lang]
    org_id = live_server.create_organisation("Gruppkommun")
    unit = live_server.create_security_unit(org_id=org_id)
    contact = live_server.create_official(org_id=org_id)
    member = live_server.create_official(org_id=org_id)
    _seat(live_server, contact, org_id, "Kim Kontakt")
    _seat(live_server, member, org_id, "Mo Medlem")

    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name=words["groups"]))
    check_page(page)
    click_and_wait(page, page.get_by_role("link", name="Gruppartiet"))
    check_page(page)
    page.get_by_label(words["member"], exact=True).select_option(label="Kim Kontakt")
    click_and_wait(page, page.get_by_role("button", name=words["make"]))
    check_page(page)

    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, contact)
    click_and_wait(page, page.get_by_role("navigation").get_by_role("link", name=words["mine"]))
    check_page(page)
    click_and_wait(page, page.get_by_role("link", name="Gruppartiet"))
    check_page(page)
    follow(page, page.get_by_role("link", name=words["start"]))
    click_and_wait(page, page.get_by_role("button", name=words["start_now"]))
    check_page(page)
    discussion_url = page.url

    # The meeting view by keyboard alone: Tab and Enter through the links, then the arrow keys.
    follow(page, page.get_by_role("link", name=words["meeting"]))
    first_question = page.locator(".meeting-question").inner_text()
    follow(page, page.get_by_role("link", name=words["next"]))
    assert page.locator(".meeting-question").inner_text() != first_question
    press_and_wait(page, "ArrowLeft")
    assert page.locator(".meeting-question").inner_text() == first_question
    while page.get_by_role("link", name=words["next"]).count():
        press_and_wait(page, "ArrowRight")
    expect(page.get_by_role("heading", name=words["checklist"])).to_be_visible()
    check_page(page)
    follow(page, page.get_by_role("link", name=words["leave"]))

    for name in ("Kim Kontakt", "Mo Medlem"):
        box = page.get_by_role("checkbox", name=name)
        tab_to(page, box)
        page.keyboard.press("Space")
        expect(box).to_be_checked()
    tab_to(page, page.get_by_role("button", name=words["save_present"]))
    press_and_wait(page, "Enter")
    expect(page.get_by_text(words["saved"])).to_be_visible()
    check_page(page)

    click_and_wait(page, page.get_by_role("link", name=words["guide"]))
    check_page(page)
    page.emulate_media(media="print")
    expect(page.locator(".breadcrumb")).to_be_hidden()
    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".guide-questions li").first).to_be_visible()
    page.emulate_media(media="screen")

    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, member)
    page.goto("/modules/organisation")
    expect(page.get_by_text(words["discussed"])).to_be_visible()
    check_page(page)
    page.goto(discussion_url)
    check_page(page)


def _discussion_of_a_contact(live_server):
    """A contact of a new party group and one of its discussions: (contact, its address)."""
    org_id = live_server.create_organisation("Utan skript-kommun")
    contact = live_server.create_official(org_id=org_id)
    _seat(live_server, contact, org_id, "Kim Kontakt")
    with live_server.app.app_context():
        party = db.session.query(Party).filter_by(organisation_id=org_id).one()
        db.session.add(GroupContact(party_id=party.id, user_id=contact.id))
        discussion = Discussion(
            organisation_id=org_id, party_id=party.id, module_id="organisation",
            step_number=2, held_on=date(2026, 12, 1),
        )  # fmt: skip
        db.session.add(discussion)
        db.session.commit()
        return contact, f"/groups/{party.id}/discussions/{discussion.id}"


def test_the_meeting_view_and_attendance_work_without_javascript(new_page, live_server):
    contact, url = _discussion_of_a_contact(live_server)
    page = new_page(locale=START_LOCALE["sv"], java_script_enabled=False)
    sign_in(page, "sv", contact)
    page.goto(url + "/meeting/1")
    check_page(page)
    screens = 1
    while page.get_by_role("link", name="Nästa").count():
        click_and_wait(page, page.get_by_role("link", name="Nästa"))
        screens += 1
    expect(page.get_by_role("heading", name="Att sammanfatta: checklistan")).to_be_visible()
    assert screens >= 3  # the step's questions, then its checklist
    click_and_wait(page, page.get_by_role("link", name="Lämna mötesvyn"))
    page.get_by_role("checkbox", name="Kim Kontakt").check()
    click_and_wait(page, page.get_by_role("button", name="Spara vilka som deltog"))
    expect(page.get_by_text("Närvaron är sparad: 1 deltog.")).to_be_visible()


@LANGS
def test_a_stale_notes_form_keeps_the_text_to_copy(new_page, live_server, lang):
    contact, url = _discussion_of_a_contact(live_server)
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, contact)
    page.goto(url)
    allow_http_error(page, 400)
    page.eval_on_selector_all(
        "main input[name=csrf_token]", "els => els.forEach(e => e.value = 'x')"
    )
    text = "Vi ringer säkerhetsfunktionen först."
    page.get_by_role("textbox", name=NOTES_LABEL[lang]).fill(text)
    click_and_wait(page, page.get_by_role("button", name=SAVE_NOTES[lang]))
    expect(page.get_by_role("textbox", name=TEXT_1[lang])).to_have_value(text)
    check_page(page)
