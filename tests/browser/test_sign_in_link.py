"""Signing in with a link sent by e-mail: it works once."""

from __future__ import annotations

import re
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from playwright.sync_api import expect

from course_app.mail import deliver_pending
from tests.browser.helpers import (
    LANGS,
    START_LOCALE,
    UI,
    allow_http_error,
    check_page,
    click_and_wait,
    expect_lang,
    sign_in_button,
    signed_in_as,
    switch_language,
)

pytestmark = pytest.mark.browser


def newest_link_for(outbox: Path, email: str, base_url: str) -> str:
    """Return the sign-in link in the newest e-mail written to the outbox for that address."""
    for path in sorted(outbox.glob("*.eml"), reverse=True):
        message = message_from_bytes(path.read_bytes(), policy=policy.default)
        if message["To"] != email:
            continue
        body = message.get_body(preferencelist=("plain",)).get_content()
        match = re.search(r"https?://\S+/sign-in/link/\S+", body)
        assert match, f"no sign-in link in {path}:\n{body}"
        assert match.group(0).startswith(base_url + "/"), "the link does not point at BASE_URL"
        return match.group(0)
    pytest.fail(f"no e-mail to {email} in {outbox}")


@LANGS
def test_sign_in_link_signs_in_once(new_page, live_server, official, lang):
    words = UI[lang]
    page = new_page(locale=START_LOCALE[lang])

    page.goto("/sign-in/link")
    check_page(page)
    switch_language(page, lang)
    page.get_by_label(words["email"], exact=True).fill(official.email)
    click_and_wait(page, page.get_by_role("button", name=words["send_link"], exact=True))
    expect(page.get_by_role("main")).to_contain_text(official.email)
    check_page(page)

    with live_server.app.app_context():
        deliver_pending()  # the queue's worker, as `flask mail deliver` runs it
    link = newest_link_for(live_server.outbox, official.email, live_server.url)
    page.goto(link)
    check_page(page)
    expect(page.get_by_role("heading", level=1)).to_have_text(words["sign_in"])
    click_and_wait(page, sign_in_button(page, lang))
    expect(signed_in_as(page, lang, official.email)).to_be_visible()
    expect_lang(page, lang)
    check_page(page)

    # The link has been used: opening it again says that it does not work.
    allow_http_error(page, 410)
    response = page.goto(link)
    assert response is not None and response.status == 410
    expect(page.get_by_role("heading", level=1)).to_have_text(words["link_broken"])
    check_page(page)
