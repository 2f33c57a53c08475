"""What a failed delivery says: how it is recorded, whether to try again, whose fault it is.

Only an exception's class and SMTP codes are kept: a server's words may quote the message.
"""

from __future__ import annotations

import smtplib


def describe_error(exc: Exception) -> str:
    """Return the exception's class and SMTP code(s), never the server's words."""
    codes: list[int] = []
    if isinstance(exc, smtplib.SMTPResponseException):
        codes = [exc.smtp_code]
    elif isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({code for code, _ in exc.recipients.values()})
    return " ".join([type(exc).__name__, *map(str, codes)])[:200]


def refused_for_good(exc: Exception) -> bool:
    """Return True when the server refused the recipient permanently (5xx): no retry will do."""
    return isinstance(exc, smtplib.SMTPRecipientsRefused) and all(
        code >= 500 for code, _ in exc.recipients.values()
    )


def address_at_fault(error: Exception | None, address: str) -> bool:
    """Return True if a failure came from the address or the message, not from our mail server.

    Our server unreachable, or refusing our sign-in or sender, is no fault of the address: the
    log and `flask doctor` tell the operators.
    """
    if isinstance(error, smtplib.SMTPNotSupportedError):
        return not address.isascii()  # no SMTPUTF8 for this address (else STARTTLS or AUTH)
    if isinstance(error, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError):
        return True
    return not isinstance(error, OSError)  # smtplib's own errors are OSErrors too
