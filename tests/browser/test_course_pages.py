"""Every page of the course, as a guest reads it in each language: accessible and 320 px wide."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from course_app.catalog import load_catalog
from course_app.config import PROJECT_ROOT
from tests.browser.helpers import LANGS, START_LOCALE, UI, check_page, switch_language

pytestmark = pytest.mark.browser

# The course text only: the knowledge checks have browser tests of their own.
MODULES = [module.id for module in load_catalog(PROJECT_ROOT / "content").modules]


@LANGS
def test_a_guest_reads_every_module_and_step(new_page, lang):
    page = new_page(locale=START_LOCALE[lang])
    page.goto("/")
    switch_language(page, lang)
    for module_id in MODULES:
        page.goto(f"/modules/{module_id}")
        expect(page.get_by_role("heading", level=1)).to_have_count(1)
        check_page(page)
        for number in (1, 2, 3):
            page.goto(f"/modules/{module_id}/steps/{number}")
            progress = UI[lang]["step_of"].format(number=number, total=3)
            expect(page.locator(".step-progress label")).to_have_text(progress)
            check_page(page)
