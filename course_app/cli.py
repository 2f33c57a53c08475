"""Command-line tools: organisations, users and the demo organisation."""

from __future__ import annotations

import sys

import click
from flask import Flask, current_app
from flask.cli import AppGroup, with_appcontext

from course_app import audit, security_log
from course_app.audit import audit_cli
from course_app.auth import services
from course_app.demo import load_demo_roster
from course_app.extensions import db
from course_app.mail_cli import mail_cli
from course_app.maintenance import maintenance_cli
from course_app.models import LocalContacts, Organisation, Permission, User, UserPermission
from course_app.reminders import reminders_cli
from course_app.security import external_url

org_cli = AppGroup("org", help="Manage organisations.")
users_cli = AppGroup("users", help="Manage users.")

DEMO_ORG = ("exempelkommun", "Exempelkommun")
DEMO_PASSWORD = "demo-losenord-2026"
DEMO_USERS = (
    ("ledamot@exempelkommun.se", "Alex Ledamot", (Permission.OFFICIAL,)),
    (
        "gruppledare@exempelkommun.se",
        "Kim Gruppledare",
        (Permission.OFFICIAL, Permission.GROUP_CONTACT),
    ),
    ("sakerhet@exempelkommun.se", "Sam Säkerhet", (Permission.SECURITY_UNIT,)),
)
# 070-174 06 xx is a range set aside for fiction; företagshälsovård is left empty on purpose,
# so that the demo also shows what officials see when a contact is missing.
DEMO_CONTACTS = {
    "security_phone": "070-174 06 05",
    "security_email": "sakerhet@exempelkommun.se",
    "party_contacts": "Exempelpartiet: Kim Gruppledare, 070-174 06 10",
    "local_routine": (
        "Är du i fara: ring 112. Ring sedan säkerhetsfunktionen, även på kvällar och helger.\n"
        "Skicka en incidentrapport till säkerhetsfunktionen inom ett dygn, "
        "även om du inte polisanmäler."
    ),
}


@org_cli.command("create")
@click.option("--slug", required=True, help="Short name used in commands, e.g. vasteras.")
@click.option("--name", required=True, help="Full name, e.g. Västerås stad.")
def create_org(slug: str, name: str) -> None:
    """Create an organisation."""
    if db.session.scalar(db.select(Organisation).filter_by(slug=slug)):
        raise click.ClickException(f"an organisation with slug '{slug}' already exists")
    org = services.create_organisation(slug, name)
    db.session.commit()
    security_log.event("cli.organisation_created", organisation=org.id, slug=slug)
    click.echo(f"Created organisation {slug} ({name}).")


def _read_password() -> str:
    if sys.stdin.isatty():
        return click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return sys.stdin.readline().rstrip("\n")


@users_cli.command("create")
@click.option("--org", "org_slug", required=True, help="The organisation's slug.")
@click.option("--email", required=True)
@click.option("--name", default="")
@click.option(
    "--permission",
    "permissions",
    required=True,
    multiple=True,
    type=click.Choice([r.value for r in Permission]),
    help="Repeat for several permissions.",
)
@click.option("--link", is_flag=True, help="Print a sign-in link instead of reading a password.")
def create_user(
    org_slug: str, email: str, name: str, permissions: tuple[str, ...], link: bool
) -> None:
    """Create a user; the password is read from standard input unless --link is given."""
    org = db.session.scalar(db.select(Organisation).filter_by(slug=org_slug))
    if org is None:
        raise click.ClickException(f"no organisation with slug '{org_slug}'")
    if services.email_taken(email):
        raise click.ClickException(f"a user with e-mail {email} already exists")
    password = None if link else _read_password()
    if password is not None and len(password) < 12:
        raise click.ClickException("the password must be at least 12 characters long")
    user = services.create_user(
        org, email, [Permission(r) for r in permissions], name=name, password=password
    )
    db.session.flush()
    audit.record(
        "permissions.changed", org.id, subject_id=user.id, permissions=sorted(set(permissions))
    )
    minutes = current_app.config["SIGNIN_LINK_MINUTES"]
    token = services.create_signin_token(user, minutes) if link else None
    db.session.commit()
    security_log.event(
        "cli.user_created", user=user.id, organisation=org.id, permissions=",".join(permissions)
    )
    click.echo(f"Created user {user.email} in {org.slug} ({', '.join(permissions)}).")
    if token:
        with current_app.test_request_context():
            link = external_url("auth.use_link", token=token)
        click.echo(f"Sign-in link (works once, for {minutes} minutes): {link}")


@users_cli.command("permissions")
@click.argument("email")
@click.option(
    "--permission",
    "permissions",
    required=True,
    multiple=True,
    type=click.Choice([r.value for r in Permission]),
    help="Repeat for several permissions; the user gets exactly these.",
)
def set_permissions(email: str, permissions: tuple[str, ...]) -> None:
    """Give a user exactly the permissions named (an audit record says who had what)."""
    user = db.session.scalar(db.select(User).where(User.email == services.normalise_email(email)))
    if user is None:
        raise click.ClickException(f"no user with e-mail {email}")
    wanted = sorted(set(permissions))
    before = sorted(p.permission.value for p in user.permissions)
    if wanted == before:
        click.echo(f"{user.email} already has exactly: {', '.join(wanted)}.")
        return
    user.permissions = [p for p in user.permissions if p.permission.value in wanted]
    held = {p.permission.value for p in user.permissions}
    user.permissions += [UserPermission(permission=Permission(p)) for p in wanted if p not in held]
    audit.record(
        "permissions.changed", user.organisation_id, subject_id=user.id, permissions=wanted
    )
    db.session.commit()
    click.echo(f"{user.email} now has: {', '.join(wanted)} (before: {', '.join(before) or '-'}).")


@click.command("demo-data")
@with_appcontext
def demo_data() -> None:
    """Create the demo organisation, its roster and one login of each kind; print the logins."""
    if current_app.config["APP_ENV"] == "production":
        raise click.ClickException("demo data is not loaded in production")
    org = db.session.scalar(db.select(Organisation).filter_by(slug=DEMO_ORG[0]))
    if org is None:
        org = services.create_organisation(*DEMO_ORG)
    if org.contacts is None:
        org.contacts = LocalContacts(**DEMO_CONTACTS)
    logins = {}
    for email, name, permissions in DEMO_USERS:
        logins[email] = services.find_user(email) or services.create_user(
            org, email, list(permissions), name=name, password=DEMO_PASSWORD
        )
    if load_demo_roster(org, current_app.extensions["catalog"], logins):
        click.echo("Added the demo roster: 4 parties, 4 bodies, 41 officials and requirements.")
    db.session.commit()
    click.echo(f"\nDemo organisation: {DEMO_ORG[1]}. Demo logins (password: {DEMO_PASSWORD}):")
    for email, name, permissions in DEMO_USERS:
        click.echo(f"  {email:32} {name} ({', '.join(r.value for r in permissions)})")
    click.echo("Open http://127.0.0.1:5000\n")


def init_app(app: Flask) -> None:
    """Register the commands."""
    app.cli.add_command(org_cli)
    app.cli.add_command(users_cli)
    app.cli.add_command(demo_data)
    app.cli.add_command(mail_cli)
    app.cli.add_command(maintenance_cli)
    app.cli.add_command(reminders_cli)
    app.cli.add_command(audit_cli)
