"""The demo organisation's roster: parties, bodies, about forty officials, their training.

Made from a fixed seed so that every `flask demo-data` gives the same roster. Names are
invented; the parties are fictional.
"""

from __future__ import annotations

import random
import unicodedata
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import func, select

from course_app.auth import services
from course_app.catalog import Catalog
from course_app.extensions import db
from course_app.models import (
    Assignment,
    AssignmentRole,
    Audience,
    Body,
    BodyKind,
    Extent,
    GroupContact,
    ModuleCompletion,
    Organisation,
    Party,
    Permission,
    Requirement,
    User,
)
from course_app.models.progress import NO_CYCLE
from course_app.training.periods import default_counts_from, default_deadline, term_for

ELECTION_YEAR = 2026
# The demo group contact's phone, in the range set aside for fiction (070-174 06 xx).
DEMO_PHONE = "070-174 06 10"
PARTIES = ("Exempelpartiet", "Kustpartiet", "Stadspartiet", "Byalistan")
BODIES = (
    ("Kommunfullmäktige", BodyKind.FULLMAKTIGE),
    ("Kommunstyrelsen", BodyKind.STYRELSE),
    ("Barn- och utbildningsnämnden", BodyKind.NAMND),
    ("Socialnämnden", BodyKind.NAMND),
)
FIRST_NAMES = (
    "Anna",
    "Björn",
    "Cecilia",
    "David",
    "Elin",
    "Fredrik",
    "Greta",
    "Hassan",
    "Ida",
    "Johan",
    "Karin",
    "Leila",
    "Magnus",
    "Nora",
    "Oskar",
    "Petra",
    "Rami",
    "Sara",
    "Tomas",
    "Ulla",
)
LAST_NAMES = (
    "Andersson",
    "Berg",
    "Carlsson",
    "Dahl",
    "Ek",
    "Forsberg",
    "Gustafsson",
    "Holm",
    "Isaksson",
    "Jönsson",
    "Karlsson",
    "Lindqvist",
    "Mohammed",
    "Nilsson",
    "Öberg",
    "Persson",
    "Åström",
)
OFFICIALS = 40


def _email(first: str, last: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", f"{first}.{last}").encode("ascii", "ignore")
    return f"{ascii_name.decode().lower()}@exempelkommun.se"


def _named(org: Organisation) -> tuple[list[Party], list[Body]]:
    parties = [Party(organisation_id=org.id, name=name) for name in PARTIES]
    bodies = [Body(organisation_id=org.id, name=name, kind=kind) for name, kind in BODIES]
    db.session.add_all(parties + bodies)
    return parties, bodies


def _seat(org, user, body, party, role, extent, starts_on, ends_on=None) -> Assignment:
    seat = Assignment(
        organisation_id=org.id,
        user_id=user.id,
        body=body,
        party=party,
        role=role,
        extent=extent,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    db.session.add(seat)
    return seat


def _roster(org: Organisation, parties, bodies, rng: random.Random) -> list[User]:
    """Add the officials and their seats; return them."""
    council_start = term_for(ELECTION_YEAR).starts_on
    board_start = term_for(ELECTION_YEAR, "styrelse").starts_on
    previous_board = term_for(ELECTION_YEAR - 4, "styrelse")
    users = []
    names = [(first, last) for first in FIRST_NAMES for last in LAST_NAMES]
    rng.shuffle(names)
    for number, (first, last) in enumerate(names[:OFFICIALS]):
        user = services.create_user(
            org, _email(first, last), [Permission.OFFICIAL], f"{first} {last}"
        )
        party = parties[number % len(parties)]
        role = AssignmentRole.ERSATTARE if number % 5 == 4 else AssignmentRole.ORDINARIE
        extent = Extent.HELTID if number < 2 else Extent.DELTID if number < 4 else Extent.FRITID
        _seat(org, user, bodies[0], party, role, extent, council_start)
        if number < 7:  # the board, with the chair and the opposition's councillor
            board_role = (AssignmentRole.ORDFORANDE, AssignmentRole.VICE_ORDFORANDE)
            seat_role = board_role[number] if number < 2 else AssignmentRole.ORDINARIE
            _seat(
                org,
                user,
                bodies[1],
                party,
                seat_role,
                extent,
                previous_board.starts_on,
                previous_board.ends_on,
            )
            _seat(org, user, bodies[1], party, seat_role, extent, board_start)
        elif number < 23:  # the two committees, eight seats each
            committee = bodies[2 + (number - 7) // 8]
            _seat(
                org,
                user,
                committee,
                party,
                AssignmentRole.ORDINARIE,
                Extent.FRITID,
                previous_board.starts_on,
            )
        users.append(user)
    secretary = services.create_user(
        org, "politisk.sekreterare@exempelkommun.se", [Permission.OFFICIAL], "Robin Sekreterare"
    )
    _seat(
        org,
        secretary,
        None,
        parties[0],
        AssignmentRole.POLITISK_SEKRETERARE,
        Extent.HELTID,
        date(2024, 3, 1),
    )
    return users + [secretary]


def _requirements(org: Organisation, catalog: Catalog) -> None:
    module_ids = [m.id for m in catalog.modules]
    common = {
        "organisation_id": org.id,
        "election_year": ELECTION_YEAR,
        "counts_from": default_counts_from(ELECTION_YEAR),
        "deadline": default_deadline(ELECTION_YEAR),
    }
    db.session.add(Requirement(module_ids=module_ids[:4], audience=Audience.ALL, **common))
    if len(module_ids) > 4:
        db.session.add(Requirement(module_ids=module_ids[4:], audience=Audience.KL_18A, **common))


def _completions(users: list[User], catalog: Catalog, rng: random.Random) -> None:
    """Give two thirds of the officials completions, some too old to count this period."""
    counts_from = default_counts_from(ELECTION_YEAR)
    for user in users:
        for module in catalog.modules[:4]:
            roll = rng.random()
            if roll < 0.3:  # done during the last period only
                day, cycle = date(2023, 2, 1) + timedelta(days=rng.randrange(700)), NO_CYCLE
            elif roll < 0.65:  # done in the run-up to this period or after it started
                day, cycle = counts_from + timedelta(days=rng.randrange(300)), counts_from
            else:
                continue
            at = datetime.combine(day, time(9 + rng.randrange(9), rng.randrange(60)), UTC)
            db.session.add(
                ModuleCompletion(
                    user_id=user.id,
                    module_id=module.id,
                    module_version=module.version,
                    counts_from=cycle,
                    completed_at=at,
                )
            )


def load_demo_roster(org: Organisation, catalog: Catalog, logins: dict[str, User]) -> bool:
    """Add the roster, requirements and completions once; return False if already there."""
    if db.session.scalar(
        select(func.count()).select_from(Party).where(Party.organisation_id == org.id)
    ):
        return False
    rng = random.Random(ELECTION_YEAR)
    parties, bodies = _named(org)
    users = _roster(org, parties, bodies, rng)
    council_start = term_for(ELECTION_YEAR).starts_on
    for email, user in logins.items():
        if Permission.OFFICIAL in {p.permission for p in user.permissions}:
            extent = Extent.FRITID if email.startswith("ledamot") else Extent.DELTID
            _seat(org, user, bodies[0], parties[0], AssignmentRole.ORDINARIE, extent, council_start)
    db.session.flush()
    for user in logins.values():
        # The demo group contact is the first party's security contact (see DEMO_CONTACTS).
        if Permission.GROUP_CONTACT in {p.permission for p in user.permissions}:
            db.session.add(GroupContact(party_id=parties[0].id, user_id=user.id, phone=DEMO_PHONE))
    _requirements(org, catalog)
    _completions(users, catalog, rng)
    db.session.flush()
    return True
