"""E-mail addresses in a roster file: valid, normalised, and deliverable by our mail server.

Pure: no Flask. email-validator checks the syntax and normalises (no DNS look-up). Refused on
top of that, with a reason: letters outside ASCII before the @ unless the mail server speaks
SMTPUTF8 (MAIL_SMTPUTF8), and look-alikes: a domain (or a local part) that mixes scripts, as a
Cyrillic "а" in a Latin name does, or is written in letters that pass for Latin ones, or in
full-width forms. Such addresses are typed or pasted by mistake, or meant to deceive.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

from confusable_homoglyphs import confusables
from email_validator import EmailNotValidError, validate_email

SHOWN_CHARACTERS = 5


@dataclass(frozen=True)
class CheckedEmail:
    """The address as it will be stored, or the code and parameters of why it is refused."""

    address: str | None
    code: str = ""
    characters: str = ""  # the characters the refusal is about, as "а (U+0430)"


def _listed(text: str) -> str:
    """Return the characters of text outside ASCII, once each, with their code points."""
    unusual = dict.fromkeys(char for char in text if not char.isascii())
    shown = [f"{char} (U+{ord(char):04X})" for char in list(unusual)[:SHOWN_CHARACTERS]]
    return ", ".join(shown)


def _looks_alike(part: str) -> bool:
    """Return True if part mixes scripts, passes for Latin letters, or has compatibility forms."""
    if part.isascii():
        return False
    if unicodedata.normalize("NFKC", part) != part:  # full-width "ａｓａ" reads as "asa"
        return True
    if confusables.is_mixed_script(part):
        return True
    # One script, but not Latin, and made of letters that look like Latin ones ("раура").
    return bool(confusables.is_confusable(part, preferred_aliases=["latin"]))


def check_email(value: str, smtputf8: bool) -> CheckedEmail:
    """Return the address in lower case as our mail can deliver it, or why it cannot be used."""
    try:
        result = validate_email(value, check_deliverability=False, allow_smtputf8=True)
    except EmailNotValidError:
        return CheckedEmail(None, "bad_email")
    local = result.local_part
    if not local.isascii() and not smtputf8:
        return CheckedEmail(None, "email_not_ascii", _listed(local))
    for part in (local, *result.domain.split(".")):
        if _looks_alike(part):
            return CheckedEmail(None, "email_look_alike", _listed(part))
    # The domain as mail servers know it (xn--…), so that no header needs more than ASCII for
    # it; email-validator has already mapped full-width dots and letters in it.
    return CheckedEmail(f"{local}@{result.ascii_domain}".lower())
