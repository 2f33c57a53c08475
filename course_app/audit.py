"""Write and read the audit log: sign-ins, imports, requirement changes, report views, edits.

`record()` adds a record to the current transaction, so that it is committed with the action it
describes (or, for a refused sign-in, by the view on its own). It also writes the same event to
the security log (security_log.py). Details are small facts: a method, a file name, counts, a
format, the names of the fields changed. Never a note, an answer, a password or a token.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import click
from flask import current_app, has_request_context, request
from flask.cli import AppGroup
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import delete, func, select

from course_app import security_log
from course_app.extensions import db
from course_app.models import AuditRecord
from course_app.models.base import utcnow
from course_app.security_unit import roster_summary
from course_app.training.periods import period_label, start_of_day_utc

# Every action recorded, with its label on the security unit's page.
ACTIONS = {
    "sign_in.success": _l("Signed in"),
    "sign_in.failure": _l("Sign-in refused"),
    "account.deleted": _l("Deleted their account"),
    "roster.imported": _l("Imported a roster"),
    "requirement.created": _l("Added a requirement"),
    "requirement.changed": _l("Changed a requirement"),
    "requirement.deleted": _l("Deleted a requirement"),
    "report.viewed": _l("Viewed the coverage report"),
    "report.exported": _l("Exported the coverage report"),
    "official.edited": _l("Changed an official’s details"),
    "official.email_change_sent": _l("Asked an official to confirm a new e-mail address"),
    "account.email_changed": _l("Confirmed a new e-mail address"),
    "official.invited": _l("Sent an invitation"),
    "official.deactivated": _l("Deactivated an account"),
    "official.reactivated": _l("Reactivated an account"),
    "assignment.ended": _l("Ended an assignment"),
    "assignment.reopened": _l("Took back the ending of an assignment"),
    "contacts.edited": _l("Changed the local contacts"),
    "permissions.changed": _l("Changed permissions"),
    "certificate.looked_up": _l("Checked a certificate’s code"),
    "group.contact_added": _l("Made someone a party group’s contact"),
    "group.contact_removed": _l("Removed a party group’s contact"),
    "group.member_added": _l("Added someone to a party group"),
    "group.member_removed": _l("Removed someone from a party group"),
}

METHODS = {
    "password": _l("with a password"),
    "link": _l("with an e-mailed sign-in link"),
    "invitation": _l("with an invitation"),
}

FIELDS = {
    "name": _l("name"),
    "email": _l("e-mail address"),
    "locale": _l("language"),
}

audit_cli = AppGroup("audit", help="The audit log.")


def record(
    action: str,
    organisation_id: int | None,
    *,
    actor_id: int | None = None,
    subject_id: int | None = None,
    **details: object,
) -> None:
    """Add an audit record to the session (committed with the action) and log the event.

    The actor defaults to the signed-in user; the IP address is the request's.
    """
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    in_request = has_request_context()
    if actor_id is None and in_request and current_user.is_authenticated:
        actor_id = current_user.id
    ip = (request.remote_addr or None) if in_request else None
    db.session.add(
        AuditRecord(
            organisation_id=organisation_id,
            actor_id=actor_id,
            subject_id=subject_id,
            action=action,
            details=details,
            ip=ip,
        )
    )
    logged = {k: v for k, v in details.items() if k != "file"}  # a file name may name someone
    security_log.event(action, user=actor_id, subject=subject_id, **logged)


def describe(action: str, details: dict) -> str:
    """Return the record's details in words, in the current language."""
    parts = []
    if details.get("method") in METHODS:
        parts.append(str(METHODS[details["method"]]))
    if "found" in details:
        parts.append(str(_l("found") if details["found"] else _l("not found")))
    if details.get("group"):
        parts.append(str(details["group"]))
    if details.get("file"):
        parts.append(str(details["file"]))
    if details.get("format"):
        parts.append(str(details["format"]).upper())
    if details.get("period"):
        year = int(details["period"])
        parts.append(period_label(year))
    if details.get("fields"):
        parts.append(", ".join(str(FIELDS.get(f, f)) for f in details["fields"]))
    if details.get("permissions") is not None:
        parts.append(", ".join(details["permissions"]) or "–")
    if details.get("scope") in roster_summary.SCOPES:
        parts.append(str(roster_summary.SCOPES[details["scope"]]))
    if details.get("counts"):
        parts.append(", ".join(roster_summary.summary(details["counts"])))
    return "; ".join(parts)


def retention() -> timedelta:
    """How long audit records are kept."""
    return timedelta(days=current_app.config["AUDIT_RETENTION_DAYS"])


def prune(before: datetime, dry_run: bool = False) -> int:
    """Delete the records older than before (flushes); return how many."""
    condition = AuditRecord.at < before
    count = db.session.scalar(select(func.count()).select_from(AuditRecord).where(condition))
    if count and not dry_run:
        db.session.execute(delete(AuditRecord).where(condition))
    return count


@audit_cli.command("prune")
@click.option(
    "--before",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="Delete records from before this day (Stockholm). Default: the retention period ago.",
)
@click.option("--dry-run", is_flag=True, help="Count what would go, and change nothing.")
def prune_command(before: datetime | None, dry_run: bool) -> None:
    """Delete audit records older than the retention period (AUDIT_RETENTION_DAYS)."""
    cutoff = start_of_day_utc(before.date()) if before else utcnow() - retention()
    if cutoff > utcnow():
        raise click.ClickException("--before must not be in the future")
    count = prune(cutoff, dry_run)
    if dry_run:
        db.session.rollback()
    else:
        db.session.commit()
    suffix = " (dry run)" if dry_run else ""
    click.echo(f"audit records before {cutoff.date().isoformat()} deleted: {count}{suffix}")
