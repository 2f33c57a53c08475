"""Everything the app holds about one user: to download it, and to delete or erase it.

TABLES names every table that holds a user's data and what happens to it. A test compares it
with the database's tables, so that a new table cannot be forgotten.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import delete, literal, or_, select, update

from course_app.extensions import db
from course_app.models import (
    Assignment,
    AuditRecord,
    Body,
    Certificate,
    ChecklistTick,
    Discussion,
    DiscussionAttendance,
    GroupContact,
    GroupMember,
    LinkRequest,
    ModuleCompletion,
    OutgoingMail,
    Party,
    QuizAttempt,
    ReflectionNote,
    ReminderSent,
    SignInToken,
    StepProgress,
    User,
    UserPermission,
)
from course_app.models.base import utcnow
from course_app.training import load
from course_app.training.periods import local_date, period_label

# What happens to each table's rows about a user:
#   "deleted"  at once, when the official deletes their account;
#   "kept"     as evidence of training until the retention period ends, then erased;
#   "cleared"  the column pointing to the user is emptied (an edit's author);
# and the export section the rows appear in (None: not the user's data, only its author).
TABLES: dict[str, tuple[str, str | None]] = {
    "users": ("kept", "account"),
    # Kept, so that the security unit still finds the official (as deleted) among its officials.
    "user_permissions": ("kept", "permissions"),
    "sign_in_tokens": ("deleted", "sign_in_links"),
    "step_progress": ("deleted", "steps_done"),
    "checklist_ticks": ("deleted", "checklist_ticks"),
    "reflection_notes": ("deleted", "notes"),
    "quiz_attempts": ("deleted", "check_attempts"),
    "module_completions": ("kept", "completions"),
    "assignments": ("kept", "assignments"),
    "outgoing_mail": ("deleted", "emails"),
    "link_requests": ("deleted", None),
    "reminders_sent": (
        "deleted",
        "reminders",
    ),  # waits minutes for the mail worker; nothing to show
    "local_contacts": ("cleared", None),
    "requirements": ("cleared", None),
    "roster_imports": ("cleared", None),
    # The organisation's record of who did what; kept for its own retention period (audit.py).
    # On erasure the pointers to the account are emptied. The export lists the records about
    # the user, without who else acted.
    "audit_records": ("kept", "audit_log"),
    "certificates": ("kept", "certificates"),
    "group_members": ("deleted", "party_groups"),
    "group_contacts": ("deleted", "party_groups"),
    "discussion_attendance": ("deleted", "group_discussions"),
    # Who started a discussion or last saved its shared notes; the notes are the group's.
    "discussions": ("cleared", None),
}


def _iso(value) -> str | None:
    return value.isoformat() if value is not None else None


def _rows(stmt) -> list:
    return list(db.session.execute(stmt).all())


def _required_training(user: User) -> list[dict]:
    """Return what the training rule asks of the user today, as My training shows it."""
    now = load.standings_of([user.id], user.organisation_id, local_date(utcnow()))[user.id]
    return [
        {
            "module": m,
            "period": r.period_label,
            "counts_from": _iso(r.counts_from),
            "deadline": _iso(r.deadline),
            "completed": m in now.counted,
        }
        for m, r in now.required.items()
    ]


def export(user: User) -> dict:
    """Return everything held about user as plain data (for JSON and for the HTML file)."""
    uid = user.id
    return {
        "account": {
            "name": user.name,
            "email": user.email,
            "organisation": user.organisation.name,
            "language": user.locale,
            "has_password": bool(user.password_hash),
            "created_at": _iso(user.created_at),
            "last_signed_in_at": _iso(user.last_signed_in_at),
            "email_failed_at": _iso(user.email_failed_at),
            "deactivated_at": _iso(user.deactivated_at),
        },
        "permissions": sorted(p.permission.value for p in user.permissions),
        "assignments": [
            {
                "body": body,
                "party": party,
                "role": a.role.value,
                "extent": a.extent.value,
                "starts_on": _iso(a.starts_on),
                "ends_on": _iso(a.ends_on),
            }
            for a, body, party in _rows(
                select(Assignment, Body.name, Party.name)
                .outerjoin(Body, Body.id == Assignment.body_id)
                .outerjoin(Party, Party.id == Assignment.party_id)
                .where(Assignment.user_id == uid)
                .order_by(Assignment.starts_on, Assignment.id)
            )
        ],
        "steps_done": [
            {
                "module": r.module_id,
                "step": r.step_id,
                "content_version": r.content_version,
                "done_at": _iso(r.completed_at),
            }
            for r in _scalars(StepProgress, uid, StepProgress.completed_at)
        ],
        "checklist_ticks": [
            {"module": r.module_id, "step": r.step_id, "item": r.item_id}
            for r in _scalars(ChecklistTick, uid, ChecklistTick.id)
        ],
        "completions": [
            {
                "module": r.module_id,
                "content_version": r.module_version,
                "counts_from": _iso(r.counts_from),
                "completed_at": _iso(r.completed_at),
            }
            for r in _scalars(ModuleCompletion, uid, ModuleCompletion.completed_at)
        ],
        "check_attempts": [
            {
                "module": r.module_id,
                "check_version": r.quiz_version,
                "submitted_at": _iso(r.submitted_at),
                "correct": r.correct,
                "total": r.total,
                "passed": r.passed,
                "answers": r.answers,
            }
            for r in _scalars(QuizAttempt, uid, QuizAttempt.submitted_at)
        ],
        "notes": [
            {
                "module": r.module_id,
                "step": r.step_id,
                "question": r.question_id,
                "text": r.body,
                "updated_at": _iso(r.updated_at),
            }
            for r in _scalars(ReflectionNote, uid, ReflectionNote.id)
        ],
        # Never the link itself: only that one was made, and when.
        "sign_in_links": [
            {
                "kind": r.purpose,
                "created_at": _iso(r.created_at),
                "expires_at": _iso(r.expires_at),
                "used_at": _iso(r.used_at),
                "new_address": r.new_email,
            }
            for r in _scalars(SignInToken, uid, SignInToken.created_at)
        ],
        "reminders": [
            {
                "module": r.module_id,
                "kind": r.kind,
                "deadline": _iso(r.deadline),
                "sent_at": _iso(r.sent_at),
            }
            for r in _scalars(ReminderSent, uid, ReminderSent.sent_at)
        ],
        "required_training": _required_training(user),
        "audit_log": [
            {
                "action": r.action,
                "at": _iso(r.at),
                "by_you": r.actor_id == uid,
                "method": r.details.get("method"),
                "fields": ", ".join(r.details.get("fields") or []) or None,
                "ip": r.ip if r.actor_id == uid else None,
            }
            for r in db.session.scalars(
                select(AuditRecord)
                .where(or_(AuditRecord.actor_id == uid, AuditRecord.subject_id == uid))
                .order_by(AuditRecord.at, AuditRecord.id)
            )
        ],
        "certificates": [
            {
                "period": period_label(c.election_year),
                "code": c.code,
                "issued_at": _iso(c.issued_at),
                "modules": c.modules,
            }
            for c in _scalars(Certificate, uid, Certificate.election_year)
        ],
        "party_groups": [
            {"party": party, "kind": kind, "phone": phone}
            for party, kind, phone in _rows(
                select(Party.name, literal("added_by_security_unit"), literal(None))
                .join(GroupMember, GroupMember.party_id == Party.id)
                .where(GroupMember.user_id == uid)
                .union_all(
                    select(Party.name, literal("security_contact"), GroupContact.phone)
                    .join(GroupContact, GroupContact.party_id == Party.id)
                    .where(GroupContact.user_id == uid)
                )
            )
        ],
        "group_discussions": [
            {"module": module, "step": step, "held_on": _iso(held_on)}
            for module, step, held_on in _rows(
                select(Discussion.module_id, Discussion.step_number, Discussion.held_on)
                .join(DiscussionAttendance, DiscussionAttendance.discussion_id == Discussion.id)
                .where(DiscussionAttendance.user_id == uid)
                .order_by(Discussion.held_on)
            )
        ],
        "emails": [
            {"subject": m.subject, "queued_at": _iso(m.created_at), "sent_at": _iso(m.sent_at)}
            for m in db.session.scalars(
                select(OutgoingMail)
                .where(OutgoingMail.to_address == user.email)
                .order_by(OutgoingMail.created_at)
            )
        ],
    }


def _scalars(model, user_id: int, order) -> list:
    return list(db.session.scalars(select(model).where(model.user_id == user_id).order_by(order)))


def retention() -> timedelta:
    """How long the evidence of a deleted account's training is kept."""
    return timedelta(days=current_app.config["DELETED_ACCOUNT_RETENTION_DAYS"])


def delete_account(user: User) -> None:
    """Delete what is the official's own at once; keep the evidence of training (flushes).

    The account can no longer sign in, its address is freed, and every session ends.
    """
    uid = user.id
    address = user.email
    for model in (
        ReflectionNote,
        ChecklistTick,
        StepProgress,
        QuizAttempt,
        SignInToken,
        ReminderSent,
        GroupMember,
        GroupContact,
        DiscussionAttendance,
    ):
        db.session.execute(delete(model).where(model.user_id == uid))
    db.session.execute(delete(OutgoingMail).where(OutgoingMail.to_address == address))
    db.session.execute(delete(LinkRequest).where(LinkRequest.email == address))
    now = utcnow()
    db.session.execute(
        update(User)
        .where(User.id == uid)
        .values(
            email=f"deleted-{uid}@deleted.invalid",
            password_hash=None,
            active=False,
            deactivated_at=user.deactivated_at or now,
            deleted_at=now,
            session_version=User.session_version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    db.session.expire(user)


@dataclass
class Erased:
    accounts: int = 0
    completions: int = 0
    assignments: int = 0


def erase_expired_accounts(now: datetime | None = None, dry_run: bool = False) -> Erased:
    """Erase deleted accounts whose retention period has ended, with all they kept (flushes)."""
    cutoff = (now or utcnow()) - retention()
    ids = list(
        db.session.scalars(
            select(User.id).where(User.deleted_at.is_not(None), User.deleted_at <= cutoff)
        )
    )
    result = Erased(accounts=len(ids))
    if not ids:
        return result
    for model, field in ((ModuleCompletion, "completions"), (Assignment, "assignments")):
        stmt = select(model.id).where(model.user_id.in_(ids))
        setattr(result, field, len(db.session.scalars(stmt).all()))
    if dry_run:
        return result
    for model in (
        ModuleCompletion,
        Assignment,
        QuizAttempt,
        StepProgress,
        ChecklistTick,
        Certificate,
    ):
        db.session.execute(delete(model).where(model.user_id.in_(ids)))
    for model in (ReflectionNote, SignInToken, UserPermission, ReminderSent):
        db.session.execute(delete(model).where(model.user_id.in_(ids)))
    for column in (AuditRecord.actor_id, AuditRecord.subject_id):
        db.session.execute(
            update(AuditRecord)
            .where(column.in_(ids))
            .values({column: None})
            .execution_options(synchronize_session=False)
        )
    db.session.execute(delete(User).where(User.id.in_(ids)))
    return result
