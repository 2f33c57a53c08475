"""The certificate's PDF: every script a name may be written in prints, read back in logical
order; the PDF is tagged (PDF/UA-1); a character no font has is never dropped silently; nothing
is fetched from the network."""

from __future__ import annotations

import io
import logging
import re
import socket
import time
import unicodedata
from datetime import UTC, datetime

import pytest
from pypdf import PdfReader

from course_app.certificates.pdf import MissingGlyphs, StaticFiles, render_pdf
from course_app.extensions import db
from course_app.models import Certificate, User

NAMES = {
    "latin": "Zoë Åsa Öberg-Łukasiewicz Ðặng",
    "sami": "Áilu Ŋuolga Čáhppes-Đuđá",
    "finnish": "Päivi Jääskeläinen-Öhman",
    "arabic": "محمد عبد الله الحسيني",
    "persian": "فاطمه رضایی‌نژاد گلپایگانی",
    "chinese": "美玲 王 Lindström",
    "japanese": "山田 さくら（ヤマダ）",
}
MODULES = ["organisation", "demokratiska-samtalet", "om-nagot-hander", "sexistiskt-hot"]
VERSION = "3f9a12bc45de67f"  # and a digit: a content version's 16 hex digits
NO_FONT = "\U0002ebf0"  # CJK Extension I (Unicode 15.1): no installed font has it


def certify(app, user, name: str, modules=MODULES, organisation=None) -> None:
    """Give the user a certificate for 2022 under the name, completed on 2 May 2022."""
    with app.app_context():
        official = db.session.get(User, user.id)
        if organisation:
            official.organisation.name = organisation
        at = datetime(2022, 5, 2, 9, tzinfo=UTC).isoformat()
        entries = [
            {"id": m, "completed_at": at, "version": f"{VERSION}{n}"} for n, m in enumerate(modules)
        ]
        db.session.add(
            Certificate(
                organisation_id=official.organisation_id, user_id=official.id, election_year=2022,
                code="K7Q4-9XMD-2PAB", name=name, modules=entries,
            )
        )  # fmt: skip
        db.session.commit()


@pytest.fixture
def official(create_user):
    return create_user()


@pytest.fixture
def client(app, official, login_as):
    client = app.test_client()
    login_as(client, official)
    return client


def pdf_of(client) -> bytes:
    """Return the 2022 certificate's PDF, failing with the page's reason if it was not made."""
    response = client.get("/certificates/2022.pdf")
    if response.status_code != 200:
        page = client.get(response.location).get_data(as_text=True)
        reason = re.search(r'<div class="banner[^>]*>\s*<p>(.*?)</p>', page, re.S)
        pytest.fail(f"no PDF (install the fonts in docs/production.md): {reason and reason[1]}")
    assert response.mimetype == "application/pdf"
    return response.data


def plain(text: str) -> str:
    """Return text as read: presentation forms back to letters, no invisible format marks.

    Persian's zero-width non-joiner shapes the letters beside it and has no glyph of its own;
    text extractors may add bidi marks around right-to-left runs (pdftotext does).
    """
    text = unicodedata.normalize("NFKC", text)
    return " ".join("".join(ch for ch in text if unicodedata.category(ch) != "Cf").split())


def text_of(pdf: bytes) -> str:
    return plain("\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages))


def glyphs_per_character(pdf: bytes) -> dict[str, set[str]]:
    """Return, per character, the glyphs drawn for it (from each font's ToUnicode map)."""
    found: dict[str, set[str]] = {}
    fonts = PdfReader(io.BytesIO(pdf)).pages[0]["/Resources"]["/Font"]
    for name, ref in fonts.items():
        cmap = ref.get_object()["/ToUnicode"].get_data().decode("latin-1")
        for glyph, target in re.findall(r"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>", cmap):
            text = bytes.fromhex(target).decode("utf-16-be")
            found.setdefault(text, set()).add(f"{name}:{glyph}")
    return found


@pytest.mark.parametrize("script", list(NAMES))
def test_a_name_in_any_script_prints_every_character_in_order(app, official, client, script):
    certify(app, official, NAMES[script])
    text = text_of(pdf_of(client))
    assert plain(NAMES[script]) in text
    assert "K7Q4-9XMD-2PAB" in text


@pytest.mark.parametrize(("script", "letter"), [("arabic", "ل"), ("persian", "ی")])
def test_arabic_script_is_joined(app, official, client, script, letter):
    certify(app, official, NAMES[script])
    forms = glyphs_per_character(pdf_of(client))
    # A joined letter takes another form at the start, middle and end of a word, so the name's
    # letter is drawn with several glyphs; unjoined text draws each letter with one.
    assert len(forms[letter]) >= 2


def test_the_period_is_never_broken_at_its_dash(app, official, client):
    certify(app, official, NAMES["latin"])  # in Testkommun, whose sentence ends at the margin
    assert "som Testkommun kräver för mandatperioden 2022–2026." in text_of(pdf_of(client))


def test_the_pdf_is_tagged_with_its_language_and_title(app, official, client):
    certify(app, official, NAMES["latin"])
    reader = PdfReader(io.BytesIO(pdf_of(client)))
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"].value is True
    assert root["/Lang"] == "sv"
    assert root["/ViewerPreferences"]["/DisplayDocTitle"].value is True
    assert reader.metadata.title == "Intyg, mandatperioden 2022–2026 – Tryggt uppdrag"
    assert b'pdfuaid:part="1"' in root["/Metadata"].get_data()
    # A screen reader reads the heading, the name, the statement, the table, then the code.
    blocks = [kind for kind in structure_of(root["/StructTreeRoot"]) if kind != "Span"]
    assert blocks[:8] == ["Document", "Art", "H1", "P", "P", "Div", "Table", "Caption"]
    assert blocks[8:14] == ["THead", "TR", "TH", "TH", "TH", "TH"]
    assert blocks.count("TR") == 1 + len(MODULES) and blocks.count("TD") == 3 * len(MODULES)
    assert blocks[-4:] == ["P", "P", "NonStruct", "P"]


def structure_of(node) -> list[str]:
    """Return the structure elements' types in reading order."""
    kids = node.get("/K", [])
    kids = kids if isinstance(kids, list) else [kids]
    types = [str(node["/S"])[1:]] if "/S" in node else []
    for kid in kids:
        kid = kid.get_object()
        if hasattr(kid, "get") and "/S" in kid:
            types += structure_of(kid)
    return types


def test_six_modules_and_a_long_name_fit_one_page_set_ragged_right(app, official, client):
    long = "Anna-Karin Margareta Öberg-Łukasiewicz von Lindström af Ekenstam"
    modules = [*MODULES, "personlig-sakerhet", "moten-resor-hemmet"]
    certify(app, official, long, modules, organisation="Upplands-Väsby kommuns nämnd för teknik")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    pdf = pdf_of(client)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    text = text_of(pdf)
    # The headings and every version id whole: nothing breaks inside a word.
    assert "Module Completed on Content version Version ID" in text
    for n in range(6):
        assert f"version of 2 May 2022 {VERSION}{n}" in text


def test_a_character_no_font_has_gives_the_page_with_a_reason(app, official, client):
    certify(app, official, f"Kim {NO_FONT} Lee")
    response = client.get("/certificates/2022.pdf")
    assert response.status_code == 302
    assert response.location.endswith("/certificates/2022")
    page = client.get(response.location).get_data(as_text=True)
    assert "Pdf:en kunde inte göras" in page and "U+2EBF0" in page
    assert f"Kim {NO_FONT} Lee" in page  # the page shows the certificate in full


def test_missing_glyphs_are_found_when_warnings_are_not_logged(app, monkeypatch):
    monkeypatch.setattr(logging.getLogger("weasyprint"), "level", logging.ERROR)
    html = f'<html lang="sv"><title>t</title><p>A{NO_FONT}B\U000f0000</p></html>'
    with pytest.raises(MissingGlyphs) as missing:
        render_pdf(html, "http://localhost/", "/static/", app.static_folder)
    assert missing.value.characters == NO_FONT + "\U000f0000"
    assert str(missing.value) == "U+2EBF0 U+F0000"


@pytest.mark.parametrize(
    "url",
    ["https://cdn.example.net/static/app.css", "http://localhost/static/../config.py",
     "http://localhost/other/app.css", "file:///etc/passwd", "http://localhost/static/none.css"],
)  # fmt: skip
def test_only_the_apps_own_static_files_are_fetched(app, url):
    fetcher = StaticFiles("http://localhost/static/", app.static_folder)
    with pytest.raises(ValueError):
        fetcher.fetch(url)
    css = fetcher.fetch("http://localhost/static/certificate.css?v=1")
    assert css.content_type == "text/css" and b"@page" in css.read()


def test_a_remote_address_in_the_document_is_never_fetched(app, monkeypatch):
    asked, resolved = [], []
    fetch = StaticFiles.fetch

    def recorded(self, url, headers=None):
        asked.append(url)
        return fetch(self, url, headers)

    def resolve(*args, **kwargs):
        resolved.append(args)
        raise OSError("no network in this test")

    monkeypatch.setattr(StaticFiles, "fetch", recorded)
    monkeypatch.setattr(socket, "getaddrinfo", resolve)
    html = (
        '<html lang="sv"><title>t</title><link rel="stylesheet" href="https://cdn.example.net/x.css">'
        '<link rel="stylesheet" href="/static/certificate.css">'
        '<img src="http://tracker.example.net/p.png" alt=""><p>Text</p></html>'
    )
    assert render_pdf(html, "http://localhost/", "/static/", app.static_folder).startswith(b"%PDF")
    assert asked == [
        "https://cdn.example.net/x.css",
        "http://localhost/static/certificate.css",
        "http://tracker.example.net/p.png",
    ]
    assert resolved == []


def test_a_pdf_takes_well_under_a_second(app, official, client):
    certify(app, official, NAMES["chinese"] + " " + NAMES["arabic"])
    pdf_of(client)  # the first loads the fonts
    times = []
    for _ in range(3):
        started = time.perf_counter()
        pdf_of(client)
        times.append(time.perf_counter() - started)
    assert min(times) < 0.8
