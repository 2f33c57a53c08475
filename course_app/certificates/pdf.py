"""The certificate as a tagged PDF (PDF/UA-1), made by WeasyPrint from the certificate's HTML.

Pango and HarfBuzz shape the text (Arabic and Persian joined, right to left) and fontconfig
finds an installed font for each script (docs/production.md names the font packages). A
character that no installed font has would print as an empty box: WeasyPrint logs each one, and
render_pdf raises MissingGlyphs instead of returning such a certificate.
"""

from __future__ import annotations

import logging
import mimetypes
import threading
from pathlib import Path
from urllib.parse import urljoin, urlsplit

from weasyprint import HTML, URLFetcher
from weasyprint.urls import URLFetcherResponse
from werkzeug.security import safe_join

# WeasyPrint logs a character drawn as .notdef with the character and its code point as args.
NOTDEF_MESSAGE = ".notdef glyph rendered"
VARIANT = "pdf/ua-1"


class MissingGlyphs(Exception):
    """No installed font has these characters, so the PDF would not show them."""

    def __init__(self, characters: str):
        super().__init__(" ".join(f"U+{ord(ch):04X}" for ch in characters))
        self.characters = characters


class StaticFiles(URLFetcher):
    """Serve the app's own static files; refuse any other address (nothing from the network)."""

    def __init__(self, static_url: str, folder: str):
        super().__init__()
        self.static_url = static_url
        self.folder = folder

    def fetch(self, url: str, headers=None) -> URLFetcherResponse:
        """Return a static file under static_url; raise ValueError for anything else."""
        if not url.startswith(self.static_url):
            raise ValueError(f"refused to fetch {url}: only the app's static files")
        found = safe_join(self.folder, urlsplit(url[len(self.static_url) :]).path)
        if found is None or not Path(found).is_file():
            raise ValueError(f"no static file at {url}")
        mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": mime_type})


class _Notdefs(logging.Handler):
    """Collect the characters that WeasyPrint drew as .notdef in this thread."""

    def __init__(self):
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.characters: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread and str(record.msg).startswith(NOTDEF_MESSAGE):
            self.characters.append(record.args[0])


def render_pdf(html: str, base_url: str, static_url: str, static_folder: str) -> bytes:
    """Return the HTML document as a tagged PDF; raise MissingGlyphs if a character has no font.

    base_url is the address the document's relative links resolve against; static_url (a path)
    and static_folder say which of them are the app's static files.
    """
    fetcher = StaticFiles(urljoin(base_url, static_url), static_folder)
    notdefs = _Notdefs()
    logger = logging.getLogger("weasyprint")
    if not logger.isEnabledFor(logging.WARNING):  # the check reads its warnings: let them through
        logger.setLevel(logging.WARNING)
    logger.addHandler(notdefs)
    try:
        pdf = HTML(string=html, base_url=base_url, url_fetcher=fetcher).write_pdf(
            pdf_variant=VARIANT
        )
    finally:
        logger.removeHandler(notdefs)
    if notdefs.characters:
        raise MissingGlyphs("".join(dict.fromkeys(notdefs.characters)))
    return pdf
