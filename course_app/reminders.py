"""`flask reminders send`: remind officials of required training before and after the deadline.

For each organisation and each period whose requirements are in force today, every official in
office who still lacks a required module gets one e-mail at each configured point before the
deadline (default 30 and 7 days) and one after it, in their language, naming the modules and
the deadline, with a sign-in link. A reminder is recorded (unique per official, period,
deadline and kind), so a second run sends nothing; only the latest point that is due is sent.
Nobody who has finished, left office or whose account is closed gets one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from course_app import security_log
from course_app.auth.services import create_signin_token
from course_app.extensions import db
from course_app.i18n import format_day
from course_app.learn.services import current_catalog
from course_app.mail import queue_mail
from course_app.models import Organisation, ReminderSent, Requirement, User
from course_app.models.base import utcnow
from course_app.periods import local_date
from course_app.security import external_url
from course_app.security_unit.coverage import coverage

reminders_cli = AppGroup("reminders", help="Remind officials of required training.")


@dataclass(frozen=True)
class Planned:
    """One reminder to queue."""

    organisation_id: int
    user_id: int
    election_year: int
    deadline: date
    kind: str
    modules: tuple[str, ...]


def due_kind(today: date, deadline: date, days_before: list[int]) -> str | None:
    """Return the latest reminder point due today for the deadline, or None."""
    if today > deadline:
        return "after"
    due = [days for days in days_before if deadline - timedelta(days=days) <= today]
    return f"before-{min(due)}" if due else None


def _periods_in_force(org_id: int, today: date) -> list[int]:
    stmt = select(func.max(Requirement.election_year)).where(
        Requirement.organisation_id == org_id, Requirement.counts_from <= today
    )
    year = db.session.scalar(stmt)
    return [year] if year is not None else []


def plan(today: date) -> list[Planned]:
    """Return the reminders due today that have not been sent; reads only."""
    days_before = current_app.config["REMINDER_DAYS_BEFORE"]
    order = [m.id for m in current_catalog().modules]
    planned = []
    for org_id in db.session.scalars(select(Organisation.id).order_by(Organisation.id)):
        for year in _periods_in_force(org_id, today):
            report = coverage(org_id, year, today, order, missing_limit=None)
            if report.deadline is None:
                continue
            kind = due_kind(today, report.deadline, days_before)
            if kind is None or not report.missing:
                continue
            sent = set(
                db.session.scalars(
                    select(ReminderSent.user_id).where(
                        ReminderSent.organisation_id == org_id,
                        ReminderSent.election_year == year,
                        ReminderSent.deadline == report.deadline,
                        ReminderSent.kind == kind,
                    )
                )
            )
            planned += [
                Planned(org_id, person.user_id, year, report.deadline, kind, person.missing)
                for person in report.missing
                if person.user_id not in sent
            ]
    return planned


def _reachable(user_ids: list[int]) -> dict[int, User]:
    """Return the active accounts among user_ids (a closed or deleted one gets nothing)."""
    if not user_ids:
        return {}
    stmt = select(User).where(User.id.in_(user_ids), User.active.is_(True))
    return {user.id: user for user in db.session.scalars(stmt)}


def send(today: date) -> int:
    """Queue the reminders due today, each recorded once; commit; return how many."""
    planned = plan(today)
    users = _reachable([p.user_id for p in planned])
    link_days = current_app.config["REMINDER_LINK_DAYS"]
    queued = 0
    with current_app.test_request_context(base_url=current_app.config["BASE_URL"]):
        for item in planned:
            user = users.get(item.user_id)
            if user is None:
                continue
            try:
                with db.session.begin_nested():
                    db.session.add(
                        ReminderSent(
                            organisation_id=item.organisation_id,
                            user_id=user.id,
                            election_year=item.election_year,
                            deadline=item.deadline,
                            kind=item.kind,
                        )
                    )
            except IntegrityError:
                continue  # another run sent it meanwhile
            _queue(user, item, create_signin_token(user, link_days * 24 * 60, "reminder"))
            queued += 1
    db.session.commit()
    security_log.event("reminders.sent", count=queued, ip="-", endpoint="cli")
    return queued


def _queue(user: User, item: Planned, token: str) -> None:
    catalog = current_catalog()
    with force_locale(user.locale or "sv"):
        lang = user.locale or "sv"
        titles = [catalog.module(m).text(lang).title for m in item.modules if catalog.module(m)]
        link = external_url("auth.use_link", token=token, next="/my-training")
        subject = (
            _("The deadline for your training has passed")
            if item.kind == "after"
            else _("Reminder: training to complete by %(date)s", date=format_day(item.deadline))
        )
        body = render_template(
            "email/reminder.txt",
            name=user.name,
            titles=titles,
            deadline=item.deadline,
            after=item.kind == "after",
            link=link,
            days=current_app.config["REMINDER_LINK_DAYS"],
        )
    queue_mail(user.email, subject, body)


@reminders_cli.command("send")
@click.option("--dry-run", is_flag=True, help="List what would be sent; write nothing.")
@click.option(
    "--today", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="As if on this day."
)
def send_command(dry_run: bool, today) -> None:
    """Queue the reminders due today (run once a day, with the mail worker running)."""
    day = today.date() if today else local_date(utcnow())
    if dry_run:
        planned = plan(day)
        users = _reachable([p.user_id for p in planned])
        for item in planned:
            if item.user_id in users:
                click.echo(
                    f"would remind user {item.user_id} ({item.kind}, period {item.election_year},"
                    f" deadline {item.deadline}): {', '.join(item.modules)}"
                )
        click.echo(f"{sum(p.user_id in users for p in planned)} reminders (dry run)")
        return
    click.echo(f"{send(day)} reminders queued")
