"""Sending e-mail: through SMTP in production, to instance/outbox/ in development."""

from __future__ import annotations

import smtplib
import sys
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

from flask import current_app


def build_message(to: str, subject: str, body: str) -> EmailMessage:
    """Return a plain-text e-mail from the configured sender."""
    message = EmailMessage()
    message["From"] = current_app.config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="tryggt-uppdrag")
    message.set_content(body)
    return message


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
    print(f"--- e-mail written to {path} ---\n{message}", file=sys.stderr)
    return path


def send_mail(to: str, subject: str, body: str) -> None:
    """Send a plain-text e-mail with the configured backend."""
    message = build_message(to, subject, body)
    if current_app.config["MAIL_BACKEND"] == "smtp":
        _send_smtp(message)
    else:
        _send_outbox(message)
