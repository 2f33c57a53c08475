"""Time the coverage report and its exports for 50,000 officials: `make bench-coverage`.

Creates a fresh PostgreSQL database (BENCH_DATABASE_URL with "_coverage" added to its name,
dropped and created again) holding one organisation with 50,000 officials, about 60,000
assignments and about 150,000 completions spread over the periods 2022–2026 and 2026–2030,
then requests the report page, the print view and both exports as its security unit, in the
process (Flask's test client: the app's own time, no network). Prints the median of several
runs of each. Run by hand; not part of the test suite.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from datetime import UTC, date, datetime, timedelta

import flask_migrate
from fresh_database import fresh_postgresql
from sqlalchemy import insert, text

from course_app import create_app
from course_app.extensions import db
from course_app.models import (
    Assignment,
    AssignmentRole,
    Body,
    Extent,
    ModuleCompletion,
    Organisation,
    Party,
    Permission,
    Requirement,
    User,
    UserPermission,
)

DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/tryggt_bench"
MODULES = ["organisation", "demokratiska-samtalet", "om-nagot-hander", "sexistiskt-hot"]
AS_OF = date(2027, 4, 13)
# Completions in each period: from its counts-from date to a last day, with a chance.
PERIODS = ((date(2022, 1, 1), date(2025, 12, 31), 0.5), (date(2026, 1, 1), date(2027, 6, 30), 0.7))


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officials", type=int, default=50_000)
    parser.add_argument("--runs", type=int, default=9, help="timed runs of each request (9)")
    return parser.parse_args()


def _moment(rng: random.Random, first: date, last: date) -> datetime:
    day = first + timedelta(days=rng.randrange((last - first).days + 1))
    return datetime(day.year, day.month, day.day, rng.randrange(7, 22), tzinfo=UTC)


def _fill(officials: int) -> int:
    """Add the organisation and its roster; return the security unit's user id."""
    rng = random.Random(2026)
    org = Organisation(slug="stor", name="Storkommun")
    db.session.add(org)
    db.session.flush()
    parties = [Party(organisation_id=org.id, name=f"Parti {n}") for n in range(8)]
    bodies = [Body(organisation_id=org.id, name=f"Nämnd {n}") for n in range(20)]
    db.session.add_all(parties + bodies)
    for year, counts_from in ((2022, date(2022, 1, 1)), (2026, date(2026, 1, 1))):
        db.session.add(
            Requirement(
                organisation_id=org.id,
                election_year=year,
                module_ids=MODULES,
                counts_from=counts_from,
                deadline=date(year + 1, 4, 13),
            )
        )
    unit = User(organisation_id=org.id, email="sakerhet@stor.se", name="Säkerhet")
    db.session.add(unit)
    db.session.flush()
    db.session.add(UserPermission(user_id=unit.id, permission=Permission.SECURITY_UNIT))
    users = [
        {"organisation_id": org.id, "email": f"ledamot{n}@stor.se", "name": f"Ledamot {n:05d}"}
        for n in range(officials)
    ]
    ids = list(db.session.scalars(insert(User).returning(User.id), users))
    db.session.execute(
        insert(UserPermission), [{"user_id": i, "permission": Permission.OFFICIAL} for i in ids]
    )
    roles, extents = list(AssignmentRole)[:3], [Extent.FRITID] * 8 + [Extent.DELTID, Extent.HELTID]
    seats, done = [], []
    for i in ids:
        for _ in range(1 if rng.random() < 0.8 else 2):
            starts = date(2022, 10, 15) if rng.random() < 0.6 else date(2026, 10, 15)
            seats.append(
                {
                    "organisation_id": org.id,
                    "user_id": i,
                    "body_id": rng.choice(bodies).id,
                    "party_id": rng.choice(parties).id,
                    "role": rng.choice(roles),
                    "extent": rng.choice(extents),
                    "starts_on": starts,
                    "ends_on": None if rng.random() < 0.9 else date(2026, 12, 31),
                }
            )
        for module in rng.sample(MODULES, rng.randrange(1, 5)):
            for counts_from, last, chance in PERIODS:
                if rng.random() < chance:
                    done.append(
                        {
                            "user_id": i,
                            "module_id": module,
                            "module_version": "v1",
                            "counts_from": counts_from,
                            "completed_at": _moment(rng, counts_from, last),
                        }
                    )
    db.session.execute(insert(Assignment), seats)
    db.session.execute(insert(ModuleCompletion), done)
    db.session.commit()
    print(f"{len(ids)} officials, {len(seats)} assignments, {len(done)} completions")
    return unit.id


def _time(client, path: str, runs: int) -> tuple[float, int]:
    response = client.get(path)  # warm-up: the first request compiles templates
    assert response.status_code == 200, (path, response.status_code)
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        response = client.get(path)
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, len(response.get_data())


def main() -> None:
    args = _arguments()
    url = fresh_postgresql(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE), "coverage")
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
        started = time.perf_counter()
        unit_id = _fill(args.officials)
        print(f"filled in {time.perf_counter() - started:.0f} s")
        db.session.commit()
        # What autovacuum would do soon after a load this size: statistics, and the visibility
        # map and hint bits. Left to autovacuum, it would run during the timed requests.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{unit_id}:0"
    query = f"?period=2026&as_of={AS_OF.isoformat()}"
    print(f"{'request':<28}{'median ms':>12}{'bytes':>12}")
    for name, path in (
        ("report page", "/security-unit/coverage"),
        ("print view", "/security-unit/coverage/print"),
        ("CSV export", "/security-unit/coverage.csv"),
        ("XLSX export", "/security-unit/coverage.xlsx"),
    ):
        ms, size = _time(client, path + query, args.runs)
        print(f"{name:<28}{ms:>12.0f}{size:>12}")


if __name__ == "__main__":
    os.environ.setdefault("APP_ENV", "development")
    main()
