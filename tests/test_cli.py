"""Command-line tools for organisations, users and the demo data."""

from datetime import date

from sqlalchemy import select

from course_app.cli import DEMO_PASSWORD, DEMO_USERS
from course_app.extensions import db
from course_app.models import (
    Assignment,
    AssignmentRole,
    Body,
    Extent,
    LocalContacts,
    ModuleCompletion,
    Organisation,
    Party,
    Permission,
    Requirement,
    User,
)
from tests.conftest import csrf_from


def test_org_create(app, runner):
    result = runner.invoke(args=["org", "create", "--slug", "vasteras", "--name", "Västerås stad"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert (
            db.session.scalar(select(Organisation.name).filter_by(slug="vasteras"))
            == "Västerås stad"
        )
    again = runner.invoke(args=["org", "create", "--slug", "vasteras", "--name", "X"])
    assert again.exit_code != 0
    assert "already exists" in again.output


def test_users_create_reads_the_password_from_stdin(app, runner, create_org):
    create_org(slug="lund")
    args = [
        "users",
        "create",
        "--org",
        "lund",
        "--email",
        "Ny@Lund.se",
        "--permission",
        "official",
        "--permission",
        "group_contact",
    ]
    result = runner.invoke(args=args, input="ett långt lösenord\n")
    assert result.exit_code == 0, result.output
    with app.app_context():
        user = db.session.scalar(select(User).filter_by(email="ny@lund.se"))
        assert {r.permission for r in user.permissions} == {
            Permission.OFFICIAL,
            Permission.GROUP_CONTACT,
        }
        assert user.password_hash.startswith("$argon2id$")
    client = app.test_client()
    html = client.get("/sign-in").get_data(as_text=True)
    response = client.post(
        "/sign-in",
        data={
            "csrf_token": csrf_from(html),
            "email": "ny@lund.se",
            "password": "ett långt lösenord",
        },
    )
    assert response.status_code == 302


def test_users_create_refuses_short_password_unknown_org_and_duplicates(
    app, runner, create_org, create_user
):
    create_org(slug="umea")
    base = ["users", "create", "--org", "umea", "--permission", "official", "--email"]
    assert "at least 12" in runner.invoke(args=[*base, "a@umea.se"], input="kort\n").output
    assert (
        "no organisation"
        in runner.invoke(
            args=[
                "users",
                "create",
                "--org",
                "nope",
                "--permission",
                "official",
                "--email",
                "b@x.se",
            ],
            input="x" * 20 + "\n",
        ).output
    )
    user = create_user()
    assert "already exists" in runner.invoke(args=[*base, user.email], input="x" * 20 + "\n").output
    with app.app_context():
        assert db.session.scalar(select(User).filter_by(email="a@umea.se")) is None


def test_users_create_with_a_sign_in_link(app, runner, create_org):
    create_org(slug="kiruna")
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--org",
            "kiruna",
            "--email",
            "l@kiruna.se",
            "--permission",
            "security_unit",
            "--link",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "15 minutes" in result.output
    link = result.output.strip().split()[-1]
    assert link.startswith("http://tryggt.test/sign-in/link/")
    client = app.test_client()
    path = link.removeprefix("http://tryggt.test")
    page = client.get(path).get_data(as_text=True)
    assert client.post(path, data={"csrf_token": csrf_from(page)}).status_code == 302
    assert "l@kiruna.se" in client.get("/").get_data(as_text=True)


def test_demo_data_creates_a_roster_and_one_login_per_permission(app, runner):
    first = runner.invoke(args=["demo-data"])
    second = runner.invoke(args=["demo-data"])
    assert first.exit_code == second.exit_code == 0
    for email, _, _ in DEMO_USERS:
        assert email in first.output
    assert DEMO_PASSWORD in first.output
    with app.app_context():
        users = db.session.scalars(select(User)).all()
        logins = [u for u in users if u.email in {e for e, _, _ in DEMO_USERS}]
        assert len(logins) == len(DEMO_USERS)
        permissions = {r.permission for u in logins for r in u.permissions}
        assert permissions == set(Permission)
        # A realistic roster, loaded once: a second run adds nothing.
        assert 40 <= len(users) <= 50
        parties = db.session.scalars(select(Party.name)).all()
        bodies = db.session.scalars(select(Body.name)).all()
        assert len(parties) == 4 and "Kommunstyrelsen" in bodies and len(bodies) == 4
        seats = db.session.scalars(select(Assignment)).all()
        assert {s.extent for s in seats} == set(Extent)
        assert AssignmentRole.POLITISK_SEKRETERARE in {s.role for s in seats}
        [requirement, *_] = db.session.scalars(select(Requirement)).all()
        assert requirement.election_year == 2026
        assert requirement.counts_from == date(2026, 1, 1)
        done = db.session.scalars(select(ModuleCompletion.completed_at)).all()
        assert any(at.date() < date(2026, 1, 1) for at in done)
        assert any(at.date() >= date(2026, 1, 1) for at in done)
        [contacts] = db.session.scalars(select(LocalContacts)).all()
        assert contacts.security_phone and contacts.local_routine
        assert contacts.occupational_health == ""


def test_demo_data_is_refused_in_production(app, runner):
    app.config["APP_ENV"] = "production"
    result = runner.invoke(args=["demo-data"])
    assert result.exit_code != 0
    assert "not loaded in production" in result.output
