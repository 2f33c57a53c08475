"""Security events for operations, one structured line each through Python's logging.

Lines name the event, the user's id (or a short hash of an address no account has), the IP
address and the endpoint. Never a note, an answer, a password, a token or a full address.
"""

from __future__ import annotations

import hashlib
import logging

from flask import has_request_context, request

log = logging.getLogger("tryggt.security")


def address_hash(email: str) -> str:
    """Return a short, stable pseudonym for an e-mail address, to tell repeated tries apart."""
    normalised = (email or "").strip().lower()
    return hashlib.sha256(normalised.encode()).hexdigest()[:12]


def _value(value: object) -> str:
    text = str(value)
    return text if text and " " not in text and "=" not in text else repr(text)


def event(name: str, **fields: object) -> None:
    """Log one security event as `event=<name> key=value …`, with the request's IP and path."""
    record: dict[str, object] = {"event": name}
    record.update((key, value) for key, value in fields.items() if value is not None)
    if has_request_context():
        record.setdefault("ip", request.remote_addr or "-")
        record.setdefault("endpoint", request.endpoint or "-")
    line = " ".join(f"{key}={_value(value)}" for key, value in record.items())
    log.info(line, extra={"security_event": record})


def refused_other_organisation(user_id: int | None, table: str, object_id: int) -> None:
    """Log a look-up of another organisation's row, answered 404 as if it did not exist.

    The visitor learns nothing; operations see an access refusal, as for a 403.
    """
    event(
        "access_refused",
        user=user_id,
        status=404,
        reason="other_organisation",
        table=table,
        id=object_id,
    )
