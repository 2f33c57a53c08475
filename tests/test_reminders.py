"""Reminders before and after the deadline: end to end through a real SMTP server, never twice,
never to someone who finished, left office or whose account is closed."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.models import Audience, ModuleCompletion, Permission, ReminderSent, User
from course_app.training.decisions import due_point as due_kind
from tests.test_mail_queue import Inbox, _use_smtp, smtp_server  # noqa: F401

DEADLINE = date(2027, 4, 13)


@pytest.mark.parametrize(
    ("today", "kind"),
    [
        (date(2027, 3, 13), None),
        (date(2027, 3, 14), "before-30"),
        (date(2027, 4, 5), "before-30"),
        (date(2027, 4, 6), "before-7"),
        (DEADLINE, "before-7"),
        (date(2027, 4, 14), "after"),
    ],
)
def test_the_reminder_due_on_a_day(today, kind):
    assert due_kind(today, DEADLINE, [30, 7]) == kind


@pytest.fixture
def period(app, create_org, create_user, create_assignment, create_requirement):
    org = create_org()
    create_requirement(
        org, ["organisation", "om-nagot-hander"], 2026, date(2026, 1, 1), DEADLINE, Audience.ALL
    )
    people = {
        "lagging": create_user(org=org, email="lagging@kommun.se"),
        "finished": create_user(org=org, email="finished@kommun.se"),
        "left": create_user(org=org, email="left@kommun.se"),
        "closed": create_user(org=org, email="closed@kommun.se"),
        "english": create_user(org=org, email="english@kommun.se"),
    }
    for key, user in people.items():
        ends = date(2026, 12, 31) if key == "left" else None
        create_assignment(user, ends_on=ends)
    with app.app_context():
        for module in ("organisation", "om-nagot-hander"):
            db.session.add(
                ModuleCompletion(
                    user_id=people["finished"].id, module_id=module, module_version="v",
                    completed_at=datetime(2026, 11, 1, tzinfo=UTC),
                )
            )  # fmt: skip
        db.session.add(
            ModuleCompletion(
                user_id=people["lagging"].id, module_id="organisation", module_version="v",
                completed_at=datetime(2026, 11, 1, tzinfo=UTC),
            )
        )  # fmt: skip
        db.session.get(User, people["closed"].id).active = False
        db.session.get(User, people["english"].id).locale = "en"
        db.session.commit()
    return org, people


def _send(runner, day: str, *extra: str):
    result = runner.invoke(args=["reminders", "send", "--today", day, *extra])
    assert result.exit_code == 0, result.output
    return result.output


def test_reminders_go_out_once_to_those_still_lacking_and_arrive(
    app,
    runner,
    period,
    smtp_server,  # noqa: F811
):
    org, people = period
    inbox = Inbox()
    _use_smtp(app, smtp_server(inbox))

    assert _send(runner, "2027-03-20") == "2 reminders queued\n"
    assert _send(runner, "2027-03-21") == "0 reminders queued\n"  # never the same twice
    mail = runner.invoke(args=["mail", "deliver"])
    assert mail.output == "mail: sent 2, to retry 0, given up 0\n"

    received = {message["To"]: message for message in inbox.messages}
    assert set(received) == {"lagging@kommun.se", "english@kommun.se"}
    swedish = received["lagging@kommun.se"].get_body().get_content()
    assert "13 april 2027" in swedish
    assert "Om något händer" in swedish and "Organisation och förberedelser" not in swedish
    assert "http://tryggt.test/sign-in/link/" in swedish
    english = received["english@kommun.se"]
    assert english["Subject"] == "Reminder: training to complete by 13 April 2027"

    # A week before the deadline the next reminder is due; after it, one more.
    assert _send(runner, "2027-04-07") == "2 reminders queued\n"
    assert _send(runner, "2027-04-20") == "2 reminders queued\n"
    assert _send(runner, "2027-05-20") == "0 reminders queued\n"
    with app.app_context():
        kinds = db.session.scalars(
            select(ReminderSent.kind).where(ReminderSent.user_id == people["lagging"].id)
        ).all()
        assert sorted(kinds) == ["after", "before-30", "before-7"]


def test_a_dry_run_lists_and_writes_nothing(app, runner, period):
    org, people = period
    output = _send(runner, "2027-03-20", "--dry-run")
    assert output.endswith("2 reminders (dry run)\n")
    assert f"would remind user {people['lagging'].id} (before-30" in output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ReminderSent)) == 0


def test_the_security_unit_sees_when_reminders_went_out(
    app, client, runner, period, create_user, login_as
):
    org, _people = period
    _send(runner, "2027-03-20")
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    login_as(client, unit)
    html = client.get("/security-unit/coverage?period=2026&as_of=2027-03-20").get_data(as_text=True)
    assert "30 dagar före sista dagen: 2 förtroendevalda" in html
