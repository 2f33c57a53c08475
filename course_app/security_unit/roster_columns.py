"""The words a roster file may use: its column headers, roles, extents and languages.

Pure: no Flask. This is the one table of the headers the import recognises; the upload page
shows it as it is, so a header added here is both read and documented.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course_app.models.roster import AssignmentRole, Extent

# The headers accepted for each field: (Swedish ones, English ones), as municipal systems and
# spreadsheets write them. The first of each names a missing column in the file's language.
# Headers are compared by their letters and digits alone, in any case: "Fr.o.m.", "Fr o m" and
# "FROM" are one header, and so are "T.o.m." and "Tom".
HEADERS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "first_name": (("Förnamn", "Tilltalsnamn"), ("First name", "Given name")),
    "last_name": (("Efternamn",), ("Last name", "Surname", "Family name")),
    "name": (("Namn", "Fullständigt namn"), ("Name", "Full name")),
    "email": (
        ("E-post", "E-postadress", "Mejl", "Mejladress", "Mail"),
        ("Email", "Email address", "E-mail address"),
    ),
    "party": (("Parti", "Partibeteckning", "Partitillhörighet"), ("Party",)),
    "body": (("Organ", "Nämnd"), ("Body", "Committee")),
    "role": (("Uppdrag", "Roll", "Uppdragstyp"), ("Role",)),
    "extent": (("Omfattning", "Uppdragsomfattning"), ("Extent",)),
    "starts_on": (
        ("Från", "Fr.o.m.", "Från och med", "Fom", "Startdatum", "Från datum"),
        ("From", "Start", "Start date"),
    ),
    "ends_on": (
        ("Till", "T.o.m.", "Till och med", "Slutdatum", "Till datum"),
        ("To", "Until", "End", "End date"),
    ),
    "language": (("Språk",), ("Language",)),
}
REQUIRED = ("email", "role", "extent", "starts_on")  # and a name: first + last, or one Namn

# The words accepted for each role, extent and language, in any letter case.
ROLE_WORDS = {
    AssignmentRole.ORDINARIE: ("Ordinarie", "Ledamot", "Member"),
    AssignmentRole.ERSATTARE: ("Ersättare", "Substitute", "Deputy"),
    AssignmentRole.ORDFORANDE: ("Ordförande", "Chair"),
    AssignmentRole.VICE_ORDFORANDE: (
        "Vice ordförande",
        "1:e vice ordförande",
        "Vice chair",
        "First vice chair",
    ),
    AssignmentRole.ANDRE_VICE_ORDFORANDE: (
        "Andre vice ordförande",
        "2:e vice ordförande",
        "Second vice chair",
    ),
    AssignmentRole.POLITISK_SEKRETERARE: ("Politisk sekreterare", "Political secretary"),
}
EXTENT_WORDS = {
    Extent.HELTID: ("Heltid", "Full time", "Full-time"),
    Extent.DELTID: ("Deltid", "Part time", "Part-time"),
    Extent.FRITID: ("Fritid", "Spare time", "Leisure"),
}
LANGUAGE_WORDS = {
    "sv": ("sv", "svenska", "Swedish"),
    "en": ("en", "engelska", "English"),
}


def normal(text: str) -> str:
    """Return text as compared with the word tables: trimmed, single-spaced, case-folded."""
    return " ".join(text.split()).casefold()


def header_key(text: str) -> str:
    """Return a header as compared with HEADERS: its letters and digits, case-folded."""
    return "".join(char for char in text.casefold() if char.isalnum())


def _lookup(words: Mapping[Any, tuple[str, ...]]) -> dict[str, Any]:
    return {normal(word): value for value, names in words.items() for word in names}


def _fields() -> dict[str, tuple[str, str | None]]:
    """Map each header key to its field and language (None when both languages write it)."""
    fields: dict[str, tuple[str, str | None]] = {}
    for name, by_lang in HEADERS.items():
        for lang, headers in zip(("sv", "en"), by_lang, strict=True):
            for header in headers:
                key = header_key(header)
                known, known_lang = fields.setdefault(key, (name, lang))
                if known != name:
                    raise ValueError(f"the header {header!r} stands for {known} and {name}")
                if known_lang != lang:
                    fields[key] = (name, None)
    return fields


ROLES = _lookup(ROLE_WORDS)
EXTENTS = _lookup(EXTENT_WORDS)
LANGUAGES = _lookup(LANGUAGE_WORDS)
FIELDS = _fields()


def known_headers(cells: list) -> int:
    """Return how many of the cells are headers the import recognises."""
    return sum(isinstance(cell, str) and header_key(cell) in FIELDS for cell in cells)
