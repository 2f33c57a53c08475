"""The account is its owner's: a new address waits for the official to confirm it, a signed-in
official gets no invitation, a colleague's account is not the unit's to change, and the unit
cannot join a party group. Every state with axe, in both languages and at 320 px."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import expect

from course_app.auth.services import EMAIL_CHANGE, create_signin_token
from course_app.extensions import db
from course_app.mail import deliver_pending
from course_app.models import Party, Permission, User, UserPermission
from tests.browser.helpers import (
    LANGS,
    START_LOCALE,
    allow_http_error,
    check_page,
    click_and_wait,
    sign_in_with_password,
)
from tests.browser.test_roster import sign_in

pytestmark = pytest.mark.browser

WORDS = {
    "sv": {
        "email": "E-postadress",
        "name": "Namn",
        "save": "Spara uppgifterna",
        "waits": "väntar på att den förtroendevalda bekräftar den",
        "no_invitation": "så ingen inbjudan skickas härifrån",
        "use": "Använd den nya adressen",
        "other": "Länken gäller ett annat konto",
        "now": "Din e-postadress är nu",
        "invalid": "Länken har redan använts",
        "taken": "Ett annat konto använder redan",
        "colleague": "Det här kontot hör till säkerhetsfunktionen,",
        "member_email": "E-postadress till kontot som ska läggas till",
        "add": "Lägg till i gruppen",
        "second_account": "använder ett andra konto",
        "refused": "Ett konto för säkerhetsfunktionen kan inte gå med i en partigrupp.",
    },
    "en": {
        "email": "E-mail address",
        "name": "Name",
        "save": "Save the official’s details",
        "waits": "waits for the official to confirm it",
        "no_invitation": "so no invitation is sent from here",
        "use": "Use the new address",
        "other": "This link is for another account",
        "now": "Your e-mail address is now",
        "invalid": "This link has been used",
        "taken": "Another account already uses",
        "colleague": "This account belongs to the security unit,",
        "member_email": "E-mail address of the account to add",
        "add": "Add to the group",
        "second_account": "uses a second account",
        "refused": "An account of the security unit cannot join a party group.",
    },
}


def change_link_for(outbox: Path, email: str) -> str:
    """Return the path of the change-of-address link in the newest e-mail to that address."""
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] == email:
            body = message.get_body(preferencelist=("plain",)).get_content()
            return re.search(r"https?://[^/\s]+(/my-data/new-email/\S+)", body).group(1)
    pytest.fail(f"no e-mail to {email} in {outbox}")


def _taken_link(live_server, official_id: int, address: str) -> str:
    with live_server.app.app_context():
        user = db.session.get(User, official_id)
        token = create_signin_token(user, 60, purpose=EMAIL_CHANGE, new_email=address)
        db.session.commit()
    return f"/my-data/new-email/{token}"


@LANGS
def test_a_new_address_waits_for_the_official(new_page, live_server, lang):
    words = WORDS[lang]
    org_id = live_server.create_organisation("Adresskommun")
    unit = live_server.create_security_unit(org_id=org_id)
    official = live_server.create_official(org_id=org_id)
    other = live_server.create_official(org_id=org_id)
    mine = new_page(locale=START_LOCALE[lang])
    sign_in(mine, lang, official)  # the official has signed in: the address is theirs now
    theirs = new_page(locale=START_LOCALE[lang])
    sign_in(theirs, lang, unit)

    theirs.goto(f"/security-unit/officials/{official.id}")
    expect(theirs.get_by_role("main")).to_contain_text(words["no_invitation"])
    check_page(theirs)
    theirs.goto(f"/security-unit/officials/{official.id}/edit")
    check_page(theirs)
    new_address = f"ny-{lang}-{official.id}@example.se"
    theirs.get_by_label(words["name"], exact=True).fill("Åsa Öberg")
    theirs.get_by_label(words["email"], exact=True).fill(new_address)
    click_and_wait(theirs, theirs.get_by_role("button", name=words["save"]))
    expect(theirs.get_by_role("main")).to_contain_text(words["waits"])
    check_page(theirs)

    with live_server.app.app_context():
        deliver_pending()
    link = change_link_for(live_server.outbox, new_address)
    allow_http_error(theirs, 403)
    theirs.goto(link)
    expect(theirs.get_by_role("main")).to_contain_text(words["other"])
    check_page(theirs)

    mine.goto(link)
    expect(mine.get_by_role("main")).to_contain_text(new_address)
    check_page(mine)
    click_and_wait(mine, mine.get_by_role("button", name=words["use"]))
    expect(mine.get_by_role("status")).to_contain_text(words["now"])
    check_page(mine)

    # Signed out everywhere, on the sign-in page, in the language kept: in with the new address.
    sign_in_with_password(mine, lang, type(official)(official.id, new_address, official.password))
    allow_http_error(mine, 410)
    mine.goto(link)
    expect(mine.get_by_role("main")).to_contain_text(words["invalid"])
    check_page(mine)
    allow_http_error(mine, 409)
    mine.goto(_taken_link(live_server, official.id, other.email))
    click_and_wait(mine, mine.get_by_role("button", name=words["use"]))
    expect(mine.get_by_role("main")).to_contain_text(words["taken"])
    check_page(mine)


@LANGS
def test_a_colleague_and_the_groups_are_not_the_units(new_page, live_server, lang):
    words = WORDS[lang]
    org_id = live_server.create_organisation("Gruppkommun")
    unit = live_server.create_security_unit(org_id=org_id)
    colleague = live_server.create_security_unit(org_id=org_id)
    with live_server.app.app_context():
        db.session.add(UserPermission(user_id=colleague.id, permission=Permission.OFFICIAL))
        party = Party(organisation_id=org_id, name="Exempelpartiet")
        db.session.add(party)
        db.session.commit()
        party_id = party.id
    page = new_page(locale=START_LOCALE[lang])
    sign_in(page, lang, unit)

    page.goto(f"/security-unit/officials/{colleague.id}")
    expect(page.get_by_role("main")).to_contain_text(words["colleague"])
    check_page(page)

    page.goto(f"/security-unit/groups/{party_id}")
    expect(page.get_by_role("main")).to_contain_text(words["second_account"])
    check_page(page)
    page.get_by_label(words["member_email"], exact=True).fill(unit.email)
    allow_http_error(page, 400)
    click_and_wait(page, page.get_by_role("button", name=words["add"]))
    expect(page.locator(".error-summary")).to_contain_text(words["refused"])
    assert page.title().split()[0] in ("Fel:", "Error:"), page.title()
    check_page(page)
