"""A large roster costs a bounded number of queries at every step: none per row (no N+1)."""

import re

import pytest
from sqlalchemy import func, select

from course_app.extensions import db
from course_app.models import Assignment, OutgoingMail, Permission, SignInToken, User
from tests.conftest import csrf_from
from tests.security_unit.test_roster_import import HEADER, hidden_fields, upload

ROWS = 2_000
BODIES = ("Kommunfullmäktige", "Socialnämnden", "Byggnadsnämnden", "Kulturnämnden")
PARTIES = ("Exempelpartiet", "Kustpartiet", "Älvpartiet")
# Statements per step, however many rows: the rows are written in batches of a thousand.
MAX_STATEMENTS = 30


@pytest.fixture
def unit(create_user, client, login_as):
    user = create_user(permissions=(Permission.SECURITY_UNIT,))
    login_as(client, user)
    return user


def roster(rows: int = ROWS, extent: str = "Fritid", every: int = 1) -> bytes:
    """Return a roster of rows seats: one person in ten has two; every n-th row's extent given."""
    lines, person = [], 0
    while len(lines) < rows:
        person += 1
        seats = BODIES[:2] if person % 10 == 0 else BODIES[person % 4 : person % 4 + 1]
        for body in seats[: rows - len(lines)]:
            party = PARTIES[person % 3]
            kind = extent if len(lines) % every == 0 else "Fritid"
            lines.append(
                f"Åsa;Öberg {person};asa.oberg{person}@example.se;{party};{body};"
                f"Ordinarie;{kind};2026-10-15;\n"
            )
    return (HEADER + "".join(lines)).encode()


def _steps(client, content: bytes, count_queries, scope: str = "partial") -> dict[str, int]:
    """Take a file through every step of the import; return each step's statement count."""
    counts = {}
    with count_queries() as statements:
        location = upload(client, content).headers["Location"]
    counts["upload"] = len(statements)
    with count_queries() as statements:
        html = client.get(location).get_data(as_text=True)
    counts["preview"] = len(statements)
    digest = re.search(r'name="digest" type="hidden" value="([^"]*)"', html).group(1)
    ends = re.findall(r'name="end" type="checkbox" value="(\d+)"', html)
    answers = {"csrf_token": csrf_from(html), "digest": digest, "scope": scope, "end": ends}
    with count_queries() as statements:
        page = client.post(location, data={**answers, "language": "sv"})
    assert page.status_code == 200, page.get_data(as_text=True)
    counts["confirmation page"] = len(statements)
    with count_queries() as statements:
        done = client.post(location, data=hidden_fields(page.get_data(as_text=True)))
    assert done.status_code == 302
    counts["import"] = len(statements)
    return counts


def _count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def test_a_large_roster_is_previewed_and_imported_in_a_few_queries(
    app, client, unit, count_queries
):
    counts = _steps(client, roster(), count_queries)
    assert max(counts.values()) <= MAX_STATEMENTS, counts
    officials = _count(app, User) - 1  # the unit
    assert officials == ROWS * 10 // 11 + 1  # one person in ten holds two of the seats
    assert _count(app, Assignment) == ROWS
    assert _count(app, OutgoingMail) == _count(app, SignInToken) == officials


def test_a_re_import_that_changes_and_ends_seats_takes_a_few_queries(
    app, client, unit, count_queries
):
    _steps(client, roster(), count_queries)
    changed = roster(ROWS - 100, extent="Deltid", every=20)  # the last 100 left out: they end
    counts = _steps(client, changed, count_queries, scope="whole")
    assert max(counts.values()) <= MAX_STATEMENTS, counts
    with app.app_context():
        extents = db.session.scalars(select(Assignment.extent).order_by(Assignment.id)).all()
        ended = db.session.scalar(select(func.count()).where(Assignment.ends_on.is_not(None)))
    assert sum(extent.value == "deltid" for extent in extents) == (ROWS - 100 + 19) // 20
    assert ended == 100
