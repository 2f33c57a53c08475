"""Addresses that mail does not reach: marked when a message to one is given up on.

The security unit sees the mark on the official's page and in the list of officials, and
corrects the address; the official sees it under My data. A message delivered to the address
clears it, and so does a new address (models/user.py).
"""

from __future__ import annotations

from datetime import datetime

from flask import Flask
from sqlalchemy import update

from course_app import mail
from course_app.extensions import db
from course_app.models import User


def mark_given_up(app: Flask, address: str, at: datetime) -> None:
    """Mark the account with the address as not reached by mail (in the worker's transaction)."""
    db.session.execute(update(User).where(User.email == address).values(email_failed_at=at))


def clear_delivered(app: Flask, address: str, at: datetime) -> None:
    """Clear the mark of the account with the address: a message has reached it."""
    db.session.execute(
        update(User)
        .where(User.email == address, User.email_failed_at.is_not(None))
        .values(email_failed_at=None)
    )


def init_app(app: Flask) -> None:
    """Listen for the mail worker's outcomes in this app."""
    mail.given_up.connect(mark_given_up, app)
    mail.delivered.connect(clear_delivered, app)
