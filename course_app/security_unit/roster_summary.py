"""What a roster import does, in the words that its preview, confirmation, result and audit
record all use, so that a number means the same thing wherever the security unit reads it.

The counts are those stored with the import (RosterImport.counts and the audit record):
new_official (people), new_assignment (seats of people already listed, or a second seat of a
new person), changed, unchanged, ended and kept (running assignments not in the file that go
on). A new official's first seat is a new assignment too: the words count every new seat once.
"""

from __future__ import annotations

from collections.abc import Mapping

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

WHOLE = "whole"
PARTIAL = "partial"
SCOPES = {
    WHOLE: _l("The whole roster"),
    PARTIAL: _l("Only additions and changes"),
}
# How a file was read, for the preview: encodings by their Python codec names.
ENCODINGS = {
    "utf-8": _l("UTF-8"),
    "utf-8-sig": _l("UTF-8 (Excel’s “CSV UTF-8”)"),
    "cp1252": _l("Windows-1252 (Excel’s “CSV” on Windows)"),
    "cp850": _l("code page 850 (Excel’s “CSV (MS-DOS)”)"),
    "mac_roman": _l("Mac Roman (Excel’s “CSV (Macintosh)”)"),
}
DELIMITERS = {",": _l("commas"), ";": _l("semicolons")}


def new_assignments(counts: Mapping[str, int]) -> int:
    """Return how many assignments the import adds, new officials' first ones included."""
    return counts.get("new_official", 0) + counts.get("new_assignment", 0)


def summary(counts: Mapping[str, int]) -> list[str]:
    """Return each count of an import as a phrase; "ended" and "kept" only once they are known."""
    n = counts.get
    phrases = [
        ngettext(
            "%(num)d new official, invited by e-mail",
            "%(num)d new officials, invited by e-mail",
            n("new_official", 0),
        ),
        ngettext("%(num)d new assignment", "%(num)d new assignments", new_assignments(counts)),
        ngettext("%(num)d changed assignment", "%(num)d changed assignments", n("changed", 0)),
        ngettext(
            "%(num)d unchanged assignment", "%(num)d unchanged assignments", n("unchanged", 0)
        ),
    ]
    if "ended" in counts:
        phrases.append(
            ngettext("%(num)d ended assignment", "%(num)d ended assignments", counts["ended"])
        )
    if "kept" in counts:
        phrases.append(
            ngettext(
                "%(num)d assignment not in the file goes on",
                "%(num)d assignments not in the file go on",
                counts["kept"],
            )
        )
    return phrases


def source(encoding: str, delimiter: str, sheet: str) -> str:
    """Return how the file was read: the sheet of a workbook, or a CSV file's encoding."""
    if sheet:
        return _("Excel workbook, the sheet “%(sheet)s”.", sheet=sheet)
    if not encoding:
        return ""
    return _(
        "CSV file in %(encoding)s, values separated by %(delimiter)s.",
        encoding=ENCODINGS.get(encoding, encoding),
        delimiter=DELIMITERS.get(delimiter, delimiter),
    )
