"""Time the roster import of 20,000 rows on SQLite and PostgreSQL: `make bench-roster`.

Creates a fresh SQLite file in a temporary folder and, when BENCH_DATABASE_URL is set, a fresh
PostgreSQL database (its name with "_roster" added, dropped and created again), each holding
one organisation and its security unit. Then, as the unit, in the process (Flask's test client:
the app's own time, no network), it takes a roster CSV of 20,000 rows (about 10 % of the people
with two seats) through every step: the upload, the preview, the confirmation page and the
import. First into an empty roster (once: it creates every official and queues every
invitation), then the usual re-import with 5 % of the rows changed, then the whole roster with
5 % of the assignments left out, which ends them. Prints each step's median. Run by hand; not
part of the test suite.
"""

from __future__ import annotations

import argparse
import io
import os
import random
import re
import statistics
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import flask_migrate
from fresh_database import fresh_postgresql

from course_app import create_app
from course_app.extensions import db
from course_app.models import Organisation, Permission, User, UserPermission

FIRST_NAMES = (
    "Åsa Örjan Märta Björn Göran Linnéa Håkan Sören Ängla Jöns Anna Karl Maria Erik Eva Lars "
    "Kerstin Per Ingrid Nils Birgitta Mats Åke Agneta Jörgen Malin Gunnel Mikael Sara Östen"
).split()
LAST_NAMES = (
    "Öberg Åström Ängström Lindqvist Sjögren Nyström Björk Hägg Ek Lundén Svärd Wästberg "
    "Andersson Johansson Karlsson Nilsson Eriksson Larsson Olsson Persson Söderberg Ståhl "
    "Löfgren Källström Bäckman Forsén Hedström Öhman Ågren Jäderberg"
).split()
PARTIES = (
    "Socialdemokraterna Moderaterna Sverigedemokraterna Centerpartiet Vänsterpartiet "
    "Kristdemokraterna Liberalerna Miljöpartiet"
).split()
BODIES = ["Regionfullmäktige", "Regionstyrelsen", "Hälso- och sjukvårdsnämnden"] + [
    f"{kind} {place}"
    for kind in ("Kommunfullmäktige i", "Socialnämnden i", "Barn- och utbildningsnämnden i")
    for place in ("Ånge", "Örebro", "Älmhult", "Håbo", "Gävle", "Västerås", "Malmö", "Luleå")
]
ROLES = ["Ordinarie"] * 11 + ["Ersättare"] * 8 + ["Ordförande", "Vice ordförande"]
EXTENTS = ["Fritid"] * 17 + ["Deltid", "Deltid", "Heltid"]
HEADER = "Förnamn;Efternamn;E-post;Parti;Organ;Uppdrag;Omfattning;Från;Till\n"
ROSTER = "/security-unit/roster"


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=3, help="timed runs of each re-import (3)")
    return parser.parse_args()


def _seat(rng: random.Random, body: str) -> list[str]:
    fullmaktige = "fullmäktige" in body
    role = rng.choice(ROLES)
    starts = "2026-10-15" if fullmaktige else "2027-01-01"
    ends = "2030-10-14" if fullmaktige else ("2030-12-31" if rng.random() < 0.5 else "")
    return [body, role, rng.choice(EXTENTS), starts, ends]


def roster_rows(count: int) -> list[list[str]]:
    """Return count rows of a roster: about one person in ten holds a second seat."""
    rng = random.Random(2026)
    rows: list[list[str]] = []
    person = 0
    while len(rows) < count:
        person += 1
        first, last = rng.choice(FIRST_NAMES), rng.choice(LAST_NAMES)
        email = f"ledamot{person}@region.se"
        bodies = rng.sample(BODIES, 2 if rng.random() < 0.1 else 1)
        for body in bodies[: count - len(rows)]:
            rows.append([first, last, email, rng.choice(PARTIES), *_seat(rng, body)])
    return rows


def changed(rows: list[list[str]], share: float, seed: int) -> list[list[str]]:
    """Return the rows with a share of them changed: another party, extent or end date."""
    rng = random.Random(seed)
    rows = [list(row) for row in rows]
    for row in rng.sample(rows, int(len(rows) * share)):
        column = rng.choice((3, 6, 8))
        options = {3: PARTIES, 6: ("Fritid", "Deltid", "Heltid"), 8: ("", "2028-12-31")}[column]
        row[column] = rng.choice([o for o in options if o != row[column]])
    return rows


def as_csv(rows: list[list[str]]) -> bytes:
    """Return the rows as Excel's "CSV UTF-8" with semicolons."""
    return ("\ufeff" + HEADER + "".join(";".join(row) + "\n" for row in rows)).encode()


def _timed(step: Callable):
    started = time.perf_counter()
    response = step()
    return time.perf_counter() - started, response


def _checked(response, status: int = 200):
    assert response.status_code == status, (response.status_code, response.get_data()[:2000])
    return response.get_data(as_text=True)


def import_once(client, content: bytes, scope: str) -> dict[str, float]:
    """Upload, preview, answer and confirm one file; return each step's seconds."""
    seconds, response = _timed(
        lambda: client.post(ROSTER, data={"roster": (io.BytesIO(content), "r.csv")})
    )
    location = response.headers["Location"]
    times = {"upload": seconds}
    times["preview"], response = _timed(lambda: client.get(location))
    html = _checked(response)
    digest = re.search(r'name="digest" type="hidden" value="([^"]*)"', html).group(1)
    ends = re.findall(r'name="end" type="checkbox" value="(\d+)"', html)
    answers = {"digest": digest, "scope": scope, "end": ends, "language": "sv"}
    times["confirmation page"], response = _timed(lambda: client.post(location, data=answers))
    _checked(response)
    answers["confirmed"] = "yes"
    times["import"], response = _timed(lambda: client.post(location, data=answers))
    _checked(response, 302)
    return times


def _report(name: str, runs: list[dict[str, float]]) -> None:
    steps = {step: statistics.median(run[step] for run in runs) for step in runs[0]}
    figures = "  ".join(f"{step} {seconds:5.1f} s" for step, seconds in steps.items())
    print(f"  {name:<34}{figures}  (median of {len(runs)})", flush=True)


def _signed_in_client(app):
    with app.app_context():
        org = Organisation(slug="region", name="Region Exempel")
        unit = User(organisation=org, email="sakerhet@region.se", name="Säkerhetsenheten")
        db.session.add_all([org, unit])
        db.session.flush()
        db.session.add(UserPermission(user_id=unit.id, permission=Permission.SECURITY_UNIT))
        db.session.commit()
        user_id = unit.id
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = f"{user_id}:0"
    return client


def bench(name: str, url: str, rows: list[list[str]], runs: int) -> None:
    """Time the roster import's steps on one database."""
    config = {"SQLALCHEMY_DATABASE_URI": url, "RATELIMIT_ENABLED": False}
    app = create_app({**config, "WTF_CSRF_ENABLED": False})
    with app.app_context():
        flask_migrate.upgrade()
    client = _signed_in_client(app)
    print(f"{name}: {len(rows)} rows, {len(as_csv(rows)) // 1024} KiB", flush=True)
    _report("first import (empty roster)", [import_once(client, as_csv(rows), "partial")])
    edits = [changed(rows, 0.05, seed) for seed in range(runs)]
    runs_changed = [import_once(client, as_csv(edit), "partial") for edit in edits]
    _report("re-import, 5 % of rows changed", runs_changed)
    whole = []
    for run in range(runs):
        left_out = set(random.Random(run).sample(range(len(rows)), len(rows) // 20))
        kept = [row for n, row in enumerate(rows) if n not in left_out]
        whole.append(import_once(client, as_csv(kept), "whole"))
    _report("whole roster, 5 % of seats end", whole)


def main() -> None:
    args = _arguments()
    rows = roster_rows(args.rows)
    with tempfile.TemporaryDirectory() as folder:
        bench("SQLite", f"sqlite:///{Path(folder) / 'roster.db'}", rows, args.runs)
    if os.environ.get("BENCH_DATABASE_URL"):
        bench(
            "PostgreSQL",
            fresh_postgresql(os.environ["BENCH_DATABASE_URL"], "roster"),
            rows,
            args.runs,
        )


if __name__ == "__main__":
    os.environ.setdefault("APP_ENV", "development")
    main()
