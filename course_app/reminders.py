"""`flask reminders send`: remind officials of required training before and after the deadline.

For each organisation, in the period in force today, every official in office who still lacks a
module required of them gets one e-mail at each configured point before each of their own
deadlines (default 30 and 7 days) and one after it, in their language, naming the modules due
by that deadline, with a sign-in link. What is required of whom, from when and by when is the
training rule's (course_app/training). A reminder is recorded per module (unique per official,
period, module, deadline and point), so a second run sends nothing; only the latest point that
is due is sent. Nobody who has finished, left office or whose account is closed gets one, and a
requirement not yet in force sends nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import click
from flask import current_app, render_template
from flask.cli import AppGroup
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from course_app import security_log
from course_app.auth.services import create_signin_token
from course_app.extensions import db
from course_app.i18n import format_day
from course_app.learn.services import current_catalog
from course_app.mail import queue_mail
from course_app.models import Organisation, ReminderSent, User
from course_app.models.base import utcnow
from course_app.security import external_url
from course_app.training import decisions, load, rule
from course_app.training.periods import local_date

reminders_cli = AppGroup("reminders", help="Remind officials of required training.")


@dataclass(frozen=True)
class Planned:
    """One reminder to queue: to one official, for one of their deadlines and one point."""

    organisation_id: int
    user_id: int
    election_year: int
    deadline: date
    kind: str
    modules: tuple[str, ...]


def plan(today: date) -> list[Planned]:
    """Return the reminders due today that have not been sent; reads only.

    Per organisation, the period in force today; per official in scope, decisions.reminders_due on
    where they stand (scored in SQL): their own modules, deadlines and points.
    """
    days_before = current_app.config["REMINDER_DAYS_BEFORE"]
    order = {m.id: i for i, m in enumerate(current_catalog().modules)}
    planned = []
    for org_id in db.session.scalars(select(Organisation.id).order_by(Organisation.id)):
        year = rule.period_in_force(load.rules_of(org_id), today)
        if year is None:
            continue
        standings = load.standings_in_sql(org_id, year, today)
        sent = _sent(org_id, year)
        for user_id, standing in sorted(standings.items()):
            done = _expanded(sent.get(user_id, set()), standing)
            for due in decisions.reminders_due(standing, today, days_before, done):
                modules = tuple(sorted(due.modules, key=lambda m: (order.get(m, len(order)), m)))
                planned.append(Planned(org_id, user_id, year, due.deadline, due.kind, modules))
    return planned


EVERY_MODULE = "*"  # in reminders recorded before they were kept per module


def _expanded(sent: set[tuple[str, date, str]], standing: rule.Standing):
    """Return sent with each "*" row standing for every module the official is asked for."""
    wild = {(deadline, kind) for module, deadline, kind in sent if module == EVERY_MODULE}
    return sent | {(m, d, k) for d, k in wild for m in standing.required}


def _sent(org_id: int, year: int) -> dict[int, set[tuple[str, date, str]]]:
    """Return the reminders already sent for the period: (module, deadline, kind) by user."""
    stmt = select(
        ReminderSent.user_id, ReminderSent.module_id, ReminderSent.deadline, ReminderSent.kind
    ).where(ReminderSent.organisation_id == org_id, ReminderSent.election_year == year)
    sent: dict[int, set[tuple[str, date, str]]] = {}
    for user_id, module_id, deadline, kind in db.session.execute(stmt):
        sent.setdefault(user_id, set()).add((module_id, deadline, kind))
    return sent


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
                    db.session.add_all(
                        ReminderSent(
                            organisation_id=item.organisation_id,
                            user_id=user.id,
                            election_year=item.election_year,
                            module_id=module_id,
                            deadline=item.deadline,
                            kind=item.kind,
                        )
                        for module_id in item.modules
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
