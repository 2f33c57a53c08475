"""The one training rule, told the same everywhere: the case that showed the copies disagreeing.

Three officials in fullmäktige from 2026-10-15 (fritid, heltid, deltid) and three requirements
for 2026–2030: organisation for KL 4 kap. 18 a § by 2027-03-01, sexistiskt hot for everyone by
2027-06-30, and demokratiska samtalet for everyone, counting from 2027-06-01, by 2027-12-31.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from course_app import reminders
from course_app.extensions import db
from course_app.models import Audience, Extent, ModuleCompletion, OutgoingMail, Permission
from course_app.security_unit.coverage import coverage
from course_app.training.periods import local_date

ORG, SEX, DEM = "organisation", "sexistiskt-hot", "demokratiska-samtalet"
ORDER = [ORG, DEM, "om-nagot-hander", SEX, "personlig-sakerhet"]
KL_DEADLINE, ALL_DEADLINE, LATE_START, LATE_DEADLINE = (
    date(2027, 3, 1),
    date(2027, 6, 30),
    date(2027, 6, 1),
    date(2027, 12, 31),
)


@pytest.fixture
def term(app, create_org, create_user, create_assignment, create_requirement):
    """The new organisation of the case, with its three officials and requirements."""
    org = create_org()
    create_requirement(org, [ORG], 2026, date(2026, 1, 1), KL_DEADLINE, Audience.KL_18A)
    create_requirement(org, [SEX], 2026, date(2026, 1, 1), ALL_DEADLINE)
    create_requirement(org, [DEM], 2026, LATE_START, LATE_DEADLINE)
    people = {}
    for extent in (Extent.FRITID, Extent.HELTID, Extent.DELTID):
        user = create_user(org=org, email=f"{extent.value}@kommun.se")
        create_assignment(user, extent=extent, starts_on=date(2026, 10, 15))
        people[extent.value] = user
    return org, people


def _year_of_reminders(app, org: int) -> list[reminders.Planned]:
    """Send the reminders every day from January 2027 to January 2028; return all sent."""
    sent = []
    with app.app_context():
        day = date(2027, 1, 1)
        while day <= date(2028, 1, 31):
            sent += [p for p in reminders.plan(day) if p.organisation_id == org]
            reminders.send(day)
            day += timedelta(days=1)
    return sent


def test_reminders_name_only_the_officials_own_modules_and_deadlines(app, term):
    org, people = term
    sent = _year_of_reminders(app, org)
    fritid = [p for p in sent if p.user_id == people["fritid"].id]
    assert fritid, "the fritid official is reminded of what applies to her"
    assert all(ORG not in p.modules for p in fritid)  # KL 18 a § does not apply to her
    assert {p.deadline for p in fritid} == {ALL_DEADLINE, LATE_DEADLINE}
    heltid = [p for p in sent if p.user_id == people["heltid"].id]
    assert {p.deadline: p.modules for p in heltid if p.kind == "after"}[KL_DEADLINE] == (ORG,)


def test_no_reminder_of_a_requirement_before_it_counts(app, term):
    org, _people = term
    sent = _year_of_reminders(app, org)
    dem = [p for p in sent if DEM in p.modules]
    assert dem, "the late requirement is reminded once it counts"
    assert all(p.deadline == LATE_DEADLINE for p in dem)
    # Its first point is 30 days before its deadline, well after it starts to count.
    assert min(p.deadline - timedelta(days=30) for p in dem) >= LATE_START


def test_each_official_is_reminded_30_days_before_each_of_their_own_deadlines(app, term):
    org, people = term
    with app.app_context():
        first_kl = reminders.plan(KL_DEADLINE - timedelta(days=30))
        first_all = reminders.plan(ALL_DEADLINE - timedelta(days=30))
        nothing = reminders.plan(KL_DEADLINE - timedelta(days=31))
    kl = {(p.user_id, p.kind, p.modules) for p in first_kl if p.organisation_id == org}
    assert kl == {
        (people["heltid"].id, "before-30", (ORG,)),
        (people["deltid"].id, "before-30", (ORG,)),
    }
    everyone = {(p.user_id, p.kind, p.modules) for p in first_all if p.organisation_id == org}
    assert {(k, modules) for k, kind, modules in everyone if kind == "before-30"} == {
        (people[k].id, (SEX,)) for k in ("fritid", "heltid", "deltid")
    }
    # Those who still lack organisation are past that deadline: told so, beside the other.
    assert {(k, modules) for k, kind, modules in everyone if kind == "after"} == {
        (people[k].id, (ORG,)) for k in ("heltid", "deltid")
    }
    assert not [p for p in nothing if p.organisation_id == org]


def test_never_twice_for_one_official_module_and_point(app, term):
    org, _people = term
    sent = _year_of_reminders(app, org)
    keys = [(p.user_id, m, p.deadline, p.kind) for p in sent for m in p.modules]
    assert len(keys) == len(set(keys))
    with app.app_context():
        bodies = db.session.scalars(
            select(OutgoingMail.subject).where(OutgoingMail.to_address == "fritid@kommun.se")
        ).all()
    # Her deadlines are her own: never told that a 1 March deadline has passed.
    assert not any("1 mars" in subject for subject in bodies)


def test_the_stated_deadline_is_the_officials_own_in_the_mail(app, term, runner):
    _org, _people = term
    result = runner.invoke(args=["reminders", "send", "--dry-run", "--today", "2027-03-02"])
    assert result.exit_code == 0, result.output
    lines = [line for line in result.output.splitlines() if line.startswith("would remind")]
    assert lines, result.output
    assert all("deadline 2027-03-01" in line and "organisation" in line for line in lines)
    assert len(lines) == 2  # heltid and deltid; the fritid official has nothing due on 2 March


def test_the_report_counts_no_one_missing_for_a_requirement_not_yet_in_force(app, term):
    org, people = term
    with app.app_context():
        before = coverage(org, 2026, date(2027, 5, 31), ORDER, missing_limit=None)
        after = coverage(org, 2026, LATE_START, ORDER, missing_limit=None)
    assert DEM not in before.module_ids
    assert all(DEM not in p.missing for p in before.missing)
    assert after.total.modules[DEM].required == 3
    fritid = {p.user_id: p.missing for p in before.missing}[people["fritid"].id]
    assert fritid == (SEX,)  # never organisation: KL 18 a § does not apply to her


def test_the_report_offers_each_deadline_and_names_its_requirement(
    app, client, term, create_user, login_as
):
    org, _people = term
    login_as(client, create_user(permissions=(Permission.SECURITY_UNIT,), org=org))
    html = client.get("/security-unit/coverage?period=2026&as_of=2027-01-15").get_data(True)
    for day in (KL_DEADLINE, ALL_DEADLINE, LATE_DEADLINE):
        assert f"as_of={day.isoformat()}" in html
    assert "räknas från 1 juni 2027" in html  # the late one is said not to count yet


def test_the_report_opens_on_the_period_of_today(
    app, client, create_org, create_user, create_requirement, login_as
):
    org = create_org()
    today = local_date(datetime.now(UTC))
    create_requirement(org, [ORG], 2026, date(2026, 1, 1), date(2027, 3, 1))
    create_requirement(org, [ORG], 2030, date(2030, 1, 1), date(2031, 3, 1))
    login_as(client, create_user(permissions=(Permission.SECURITY_UNIT,), org=org))
    html = client.get("/security-unit/coverage").get_data(True)
    expected = "2026" if today < date(2030, 10, 15) else "2030"
    assert re.search(rf'<option selected value="{expected}">', html), html


def test_my_training_shows_a_coming_requirement_as_coming(
    app, client, create_org, create_user, create_assignment, create_requirement, login_as
):
    org = create_org()
    today = local_date(datetime.now(UTC))
    start, deadline = today + timedelta(days=40), today + timedelta(days=200)
    create_requirement(org, [SEX], 2026, today - timedelta(days=10), today + timedelta(days=90))
    create_requirement(org, [DEM], 2026, start, deadline)
    official = create_user(org=org)
    create_assignment(official, starts_on=today - timedelta(days=30))
    login_as(client, official)
    html = client.get("/my-training").get_data(True)
    coming = html[html.index("Krävs senare") :]
    assert "Det demokratiska samtalet" in coming
    assert "Sexistiskt hot" not in coming
    required = html[: html.index("Krävs senare")]
    assert "Det demokratiska samtalet" not in required
    assert "1 modul krävs" in required


def test_a_certificate_waits_for_what_is_still_coming(app, term):
    from course_app.certificates.service import completed_periods
    from course_app.models import User

    org, people = term
    fritid = people["fritid"]
    with app.app_context():
        db.session.add(
            ModuleCompletion(
                user_id=fritid.id, module_id=SEX, module_version="v",
                completed_at=datetime(2027, 2, 1, 12, tzinfo=UTC), counts_from=date(2026, 1, 1),
            )
        )  # fmt: skip
        db.session.commit()
        user = db.session.get(User, fritid.id)
        assert 2026 not in completed_periods(user, date(2027, 3, 1))  # DEM is still coming
        db.session.add(
            ModuleCompletion(
                user_id=fritid.id, module_id=DEM, module_version="v",
                completed_at=datetime(2027, 6, 2, 12, tzinfo=UTC), counts_from=LATE_START,
            )
        )  # fmt: skip
        db.session.commit()
        assert 2026 in completed_periods(user, date(2027, 6, 2))


def test_the_personal_data_download_says_what_the_rule_asks_today(app, client, term, login_as):
    _org, people = term
    login_as(client, people["fritid"])
    held = client.get("/my-data/export.json").get_json()
    today = local_date(datetime.now(UTC))
    if today < ALL_DEADLINE:  # the case's dates; the download tells what holds today
        assert [
            (r["module"], r["deadline"], r["completed"]) for r in held["required_training"]
        ] == [(SEX, ALL_DEADLINE.isoformat(), False)]
    html = client.get("/my-data/export.html").get_data(True)
    assert "Utbildning som krävs av dig i dag" in html


def test_the_officials_page_tells_the_unit_what_my_training_tells_her(
    app, client, term, create_user, login_as
):
    org, people = term
    unit = create_user(permissions=(Permission.SECURITY_UNIT,), org=org)
    login_as(client, unit)
    page = client.get(f"/security-unit/officials/{people['fritid'].id}").get_data(True)
    login_as(client, people["fritid"])
    mine = client.get("/my-training").get_data(True)
    today = local_date(datetime.now(UTC))
    for html in (page, mine):
        assert "Organisation och förberedelser" not in html  # KL 18 a § is not hers
        if today < LATE_START:
            later = html[html.index("Krävs senare") :]
            assert "Det demokratiska samtalet" in later
            assert "från 1 juni 2027, senast 31 december 2027" in later
