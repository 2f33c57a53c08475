"""E-mail: queued in the caller's transaction, delivered by `flask mail deliver`.

Messages go out through SMTP in production and to instance/outbox/ in development. The worker
claims a message and commits before it talks to the server, and records the outcome in a short
transaction of its own: no transaction (on SQLite, the write lock) waits on a mail server.
Bodies hold sign-in links, so neither a body nor a server's reply is ever logged or stored with
an error, and a body's link tokens are struck out once the message is sent or given up.
"""

from __future__ import annotations

import logging
import smtplib
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import partial
from pathlib import Path

from blinker import Namespace
from flask import Flask, Response, current_app, g, has_app_context
from sqlalchemy import insert, select
from sqlalchemy.exc import OperationalError

from course_app.extensions import db, is_busy
from course_app.logs import redact
from course_app.mail_errors import address_at_fault, describe_error, refused_for_good
from course_app.models import OutgoingMail
from course_app.models.base import utcnow

log = logging.getLogger(__name__)
_signals = Namespace()
# Sent by the app with the address, in the transaction that records a message delivered or
# finally given up on (accounts mark and clear an address that mail does not reach).
delivered = _signals.signal("mail-delivered")
given_up = _signals.signal("mail-given-up")

# The wait after the first, second … failed attempt; the last one repeats.
BACKOFF = tuple(timedelta(minutes=m) for m in (1, 5, 30, 2 * 60, 6 * 60, 12 * 60, 24 * 60))
# How long a runner holds a message it is sending: well beyond a send's slowest (each step of
# the SMTP conversation may take the 30 s timeout), so that no second runner sends it too.
CLAIM_SECONDS = 10 * 60


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """Return a plain-text e-mail from the configured sender, dated and marked as automatic."""
    sender = current_app.config["MAIL_SENDER"]
    message = EmailMessage()
    message["From"] = sender
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = format_datetime(datetime.now(UTC))
    message["Message-ID"] = make_msgid(domain=sender_domain(sender))
    # No out-of-office or other automatic reply to a machine (RFC 3834; Exchange reads the X-).
    message["Auto-Submitted"] = "auto-generated"
    message["X-Auto-Response-Suppress"] = "All"
    message.set_content(body)
    return message


def sender_domain(sender: str) -> str:
    """Return the domain of a sender such as "Tryggt uppdrag <no-reply@kommun.se>"."""
    return parseaddr(sender)[1].rpartition("@")[2].lower() or "localhost"


def _send_smtp(message: EmailMessage) -> None:
    cfg = current_app.config
    smtp_class = smtplib.SMTP_SSL if cfg["MAIL_USE_SSL"] else smtplib.SMTP
    with smtp_class(cfg["MAIL_SERVER"], cfg["MAIL_PORT"], timeout=30) as smtp:
        if cfg["MAIL_USE_TLS"]:
            smtp.starttls()
        if cfg["MAIL_USERNAME"]:
            smtp.login(cfg["MAIL_USERNAME"], cfg["MAIL_PASSWORD"])
        smtp.send_message(message)


def _send_outbox(message: EmailMessage) -> Path:
    outbox = Path(current_app.config["MAIL_OUTBOX_DIR"])
    outbox.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%f")
    path = outbox / f"{stamp}.eml"
    path.write_bytes(message.as_bytes())
    # Say where, never what: the body holds a sign-in link.
    log.info("e-mail to %s written to %s", message["To"], path)
    return path


def _send(message: EmailMessage) -> None:
    if current_app.config["MAIL_BACKEND"] == "smtp":
        _send_smtp(message)
    else:
        _send_outbox(message)


def queue_mail(to: str, subject: str, body: str) -> OutgoingMail:
    """Add a plain-text e-mail to the queue in the caller's transaction (flushed, not committed)."""
    mail = OutgoingMail(to_address=to, subject=subject, body=body, next_attempt_at=utcnow())
    db.session.add(mail)
    db.session.flush()
    if has_app_context():
        g.mail_queued = True
    return mail


def queue_mails(messages: list[tuple[str, str, str]]) -> None:
    """Add plain-text e-mails (to, subject, body) to the queue in one statement (not committed)."""
    if not messages:
        return
    now = utcnow()
    values = [
        {"to_address": to, "subject": subject, "body": body, "next_attempt_at": now}
        for to, subject, body in messages
    ]
    db.session.execute(insert(OutgoingMail), values)
    if has_app_context():
        g.mail_queued = True


@dataclass
class DeliveryReport:
    """What one delivery round did."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0

    def __str__(self) -> str:
        return f"sent {self.sent}, to retry {self.retrying}, given up {self.failed}"


def deliver_pending(limit: int = 100) -> DeliveryReport:
    """Send up to limit due messages, each in a transaction of its own, and commit each outcome."""
    for produce in current_app.extensions.get("mail_producers", ()):
        produce()  # e.g. sign-in links asked for: made now, then sent below
    report = DeliveryReport()
    for _ in range(limit):
        outcome = _deliver_next()
        if outcome is None:
            break
        setattr(report, outcome, getattr(report, outcome) + 1)
    return report


def _begin_writing() -> None:
    """Begin a transaction that writes; on SQLite, with the write lock taken first.

    A second runner then waits for the first rather than reading the same row. PostgreSQL locks
    just the row (FOR UPDATE SKIP LOCKED).
    """
    if not db.session().in_transaction():
        db.session.connection(execution_options={"sqlite_begin_immediate": True})


def _due_message() -> OutgoingMail | None:
    """Lock and return the oldest due unsent message; another runner skips it until we commit."""
    _begin_writing()
    statement = (
        select(OutgoingMail)
        .where(
            OutgoingMail.sent_at.is_(None),
            OutgoingMail.failed_at.is_(None),
            OutgoingMail.next_attempt_at <= utcnow(),
        )
        .order_by(OutgoingMail.next_attempt_at, OutgoingMail.id)
        .limit(1)
        .with_for_update(skip_locked=True)
    )
    return db.session.scalars(statement).first()


def _claim() -> tuple[int, str, str, str] | None:
    """Claim the next due message for CLAIM_SECONDS and commit; return its id, to, subject, body.

    No transaction is open while the mail server is talked to: on SQLite it would hold the
    write lock, and every save in the app would wait for a slow server. Should this runner stop
    before it records the outcome, the message is due again once the claim runs out.
    """
    mail = _due_message()
    if mail is None:
        db.session.commit()  # ends the transaction (and SQLite's lock) without undoing the caller's
        return None
    mail.next_attempt_at = utcnow() + timedelta(seconds=CLAIM_SECONDS)
    claimed = (mail.id, mail.to_address, mail.subject, mail.body)
    db.session.commit()
    return claimed


def _deliver_next() -> str | None:
    """Send the next due message and commit what happened; return the outcome, None if idle."""
    claimed = _claim()
    if claimed is None:
        return None
    mail_id, *fields = claimed
    error = None
    try:
        _send(build_message(*fields))
    except Exception as exc:  # any failure is recorded, so one bad message cannot stall the queue
        error = exc
    try:
        outcome, attempts, last_error = _record(mail_id, error)
    except OperationalError as exc:
        if not is_busy(exc):
            raise
        # Once more after a lock wait that ran out: a message sent and not recorded as sent
        # would go out again once its claim runs out.
        db.session.rollback()
        outcome, attempts, last_error = _record(mail_id, error)
    log.log(
        logging.INFO if outcome == "sent" else logging.WARNING,
        "mail delivery id=%s attempts=%s outcome=%s error=%s",
        mail_id,
        attempts,
        outcome,
        last_error or "-",
        extra={"mail_id": mail_id, "attempts": attempts, "outcome": outcome},
    )
    return outcome


def _record(mail_id: int, error: Exception | None) -> tuple[str, int, str | None]:
    """Record a message's outcome in a short transaction; return it, the attempts and error."""
    _begin_writing()
    mail = db.session.get(OutgoingMail, mail_id, populate_existing=True)
    if mail is None:  # its recipient deleted their account meanwhile, and their mail with it
        db.session.commit()
        return ("sent" if error is None else "failed"), 0, None
    if error is None:
        mail.sent_at = utcnow()
        mail.last_error = None
        outcome = "sent"
    else:
        outcome = _record_failure(mail, error)
    if outcome != "retrying":
        # Sent or given up, the message is kept a few days as a record; its sign-in links must
        # not keep working from the database (a backup, a reader of the table).
        mail.body = redact(mail.body)
        _tell(outcome, error, mail.to_address)
    attempts, last_error = mail.attempts, mail.last_error
    db.session.commit()
    return outcome, attempts, last_error


def _tell(outcome: str, error: Exception | None, address: str) -> None:
    """Tell the app that mail reached the address, or that a message to it was given up on."""
    app = current_app._get_current_object()
    if outcome == "sent":
        delivered.send(app, address=address, at=utcnow())
    elif address_at_fault(error, address):
        given_up.send(app, address=address, at=utcnow())


def _record_failure(mail: OutgoingMail, exc: Exception) -> str:
    """Count a failed attempt and schedule the next, or give up; return the outcome."""
    now = utcnow()
    mail.attempts += 1
    mail.last_error = describe_error(exc)
    if mail.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"] or refused_for_good(exc):
        mail.failed_at = now
        return "failed"
    mail.next_attempt_at = now + BACKOFF[min(mail.attempts, len(BACKOFF)) - 1]
    return "retrying"


def _deliver_after_response(response: Response) -> Response:
    """In development, send the mail a request queued once the response has gone."""
    if (
        g.get("mail_queued")
        and current_app.config["MAIL_DELIVER_AFTER_REQUEST"]
        and response.status_code < 500
    ):
        response.call_on_close(partial(_deliver_in, current_app._get_current_object()))
    return response


def _deliver_in(app: Flask) -> None:
    # Runs after the request's context has ended, so only committed mail is seen.
    with app.app_context():
        try:
            deliver_pending()
        except Exception as exc:  # the worker will try again; the visitor has their page already
            log.error("mail delivery after the request failed: %s", type(exc).__name__)


def init_app(app: Flask) -> None:
    """Deliver queued mail after each request that queued some, where so configured."""
    app.after_request(_deliver_after_response)
