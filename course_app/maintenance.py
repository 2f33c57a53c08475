"""`flask maintenance run`: daily clean-up, for cron or a systemd timer.

Purges sign-in links that are used or expired, sent e-mail after a few days, given-up e-mail
after a month, link requests the worker never took, roster files uploaded but never imported
after a day, and audit records past their retention period, and erases deleted accounts whose
retention period has ended.
Prints counts only, never personal data.
"""

from __future__ import annotations

from datetime import timedelta

import click
from flask.cli import AppGroup
from sqlalchemy import and_, delete, func, or_, select

from course_app import audit, security_log
from course_app.account.data import erase_expired_accounts
from course_app.extensions import db
from course_app.models import LinkRequest, OutgoingMail, RosterImport, SignInToken
from course_app.models.base import utcnow

maintenance_cli = AppGroup("maintenance", help="Clean-up to run once a day.")

SENT_MAIL_DAYS = 7
FAILED_MAIL_DAYS = 30
LINK_REQUEST_DAYS = 1
# An uploaded roster (names, addresses, parties) is kept this long for its preview.
ROSTER_UPLOAD_DAYS = 1


def _purges(now) -> dict[str, tuple]:
    """Return, by kind, the table and the condition of the rows to purge."""
    return {
        "sign-in links used or expired": (
            SignInToken,
            or_(SignInToken.used_at.is_not(None), SignInToken.expires_at < now),
        ),
        "e-mails sent": (
            OutgoingMail,
            OutgoingMail.sent_at < now - timedelta(days=SENT_MAIL_DAYS),
        ),
        "e-mails given up": (
            OutgoingMail,
            OutgoingMail.failed_at < now - timedelta(days=FAILED_MAIL_DAYS),
        ),
        "link requests never handled": (
            LinkRequest,
            LinkRequest.created_at < now - timedelta(days=LINK_REQUEST_DAYS),
        ),
        # A confirmed import's file is dropped at the confirmation (roster_apply.claim_upload).
        "roster files never imported": (
            RosterImport,
            and_(
                RosterImport.applied_at.is_(None),
                RosterImport.created_at < now - timedelta(days=ROSTER_UPLOAD_DAYS),
            ),
        ),
    }


def run(dry_run: bool = False) -> dict[str, int]:
    """Purge and erase what is due; return the count per kind. Commits unless dry_run."""
    now = utcnow()
    counts: dict[str, int] = {}
    for kind, (model, condition) in _purges(now).items():
        counts[kind] = db.session.scalar(select(func.count()).select_from(model).where(condition))
        if not dry_run and counts[kind]:
            db.session.execute(delete(model).where(condition))
    erased = erase_expired_accounts(now, dry_run=dry_run)
    counts["deleted accounts erased"] = erased.accounts
    counts["their completions erased"] = erased.completions
    counts["their assignments erased"] = erased.assignments
    counts["audit records past retention"] = audit.prune(now - audit.retention(), dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
        security_log.event("maintenance.run", **{k.replace(" ", "_"): v for k, v in counts.items()})
    return counts


@maintenance_cli.command("run")
@click.option("--dry-run", is_flag=True, help="Count what would go, and change nothing.")
def run_command(dry_run: bool) -> None:
    """Purge used links and old mail, and erase deleted accounts past retention."""
    for kind, count in run(dry_run).items():
        click.echo(f"{kind}: {count}{' (dry run)' if dry_run else ''}")
