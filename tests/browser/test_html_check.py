"""The Nu HTML Checker that check_page runs: an error fails the page, a warning does not."""

import pytest

from tests.browser.html_check import check_html

pytestmark = pytest.mark.browser

VALID = '<!DOCTYPE html><html lang="sv"><head><title>Sida</title></head><body>{}</body></html>'


def test_an_html_error_fails_the_page_with_its_line_and_message():
    with pytest.raises(pytest.fail.Exception) as failure:
        check_html(VALID.format("<p><div>Ruta</div></p>"), "/nested")
    assert "the Nu HTML Checker found 1 error(s) on /nested" in str(failure.value)
    assert "line 1: No “p” element in scope but a “p” end tag seen." in str(failure.value)


def test_a_warning_alone_passes():
    # A redundant role is only a warning ("info") for the checker.
    check_html(VALID.format('<main role="main"><p>Text</p></main>'), "/warning")
