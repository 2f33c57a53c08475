"""Measure the course pages against a bare Flask page, both under gunicorn: `make bench`.

Creates a fresh database with the demo data (PostgreSQL from BENCH_DATABASE_URL, which is
dropped and created again; SQLite with --sqlite), starts the app and a bare Flask + Jinja page
of the same size on 127.0.0.1, signs in a demo official, then runs locust headless with a
fixed number of users against each page, alternating bare and app rounds. Prints requests/s,
p50 and p99 of every round and each page's share of the bare page's requests/s.
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack, contextmanager
from pathlib import Path
from urllib.parse import urljoin

import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
LOCAL = "127.0.0.1"
DEFAULT_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:5432/tryggt_bench"
EMAIL, PASSWORD = "ledamot@exempelkommun.se", "demo-losenord-2026"
STEP = "/modules/organisation/steps/1"
PAGES = (
    ("step page, guest", STEP, False),
    ("step page, signed in", STEP, True),
    ("overview, signed in", "/", True),
)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sqlite", action="store_true", help="use a fresh SQLite file")
    parser.add_argument("--seconds", type=int, default=10, help="length of a round (10)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds per page (2)")
    parser.add_argument("--users", type=int, default=20, help="concurrent clients (20)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (2)")
    return parser.parse_args()


def _fresh_database(sqlite: bool, folder: Path) -> str:
    """Return the URL of an empty database: a new SQLite file, or BENCH_DATABASE_URL recreated."""
    if sqlite:
        return f"sqlite:///{folder / 'bench.sqlite3'}"
    url = make_url(os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE))
    if url.host not in (LOCAL, "localhost"):
        sys.exit(f"BENCH_DATABASE_URL must be on {LOCAL}: it is dropped and created again")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)


def _analyze(database_url: str) -> None:
    """Give the planner the statistics a database in use has.

    Autovacuum analyzes a table only after 50 rows and a tenth of it have changed, so the demo's
    small tables would be planned from guesses for as long as the benchmark runs, where an
    organisation's real roster has been analyzed long before: PostgreSQL then read the whole
    users table for the party contacts, and spent about 0.25 ms more per signed-in step page.
    """
    engine = create_engine(database_url, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("ANALYZE" if database_url.startswith("sqlite") else "VACUUM ANALYZE"))
    engine.dispose()


def _environment(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "APP_ENV": "development",
        "FLASK_APP": "course_app",
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_urlsafe(32),
        "MAIL_DELIVER_AFTER_REQUEST": "0",
    }


def _flask(env: dict[str, str], *args: str) -> None:
    subprocess.run(
        [sys.executable, "-m", "flask", *args],
        env=env,
        cwd=ROOT,
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind((LOCAL, 0))
        return sock.getsockname()[1]


@contextmanager
def _gunicorn(app: str, env: dict[str, str], workers: int, log: Path):
    """Serve app with gunicorn on a free local port; yield its base URL, stop it afterwards."""
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "-w", str(workers), "-b", f"{LOCAL}:{port}", app]
    with log.open("w") as out:
        server = subprocess.Popen(command, env=env, cwd=ROOT, stdout=out, stderr=out)
    base = f"http://{LOCAL}:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(base + "/", timeout=30)
                break
            except requests.RequestException:
                if server.poll() is not None:
                    sys.exit(f"gunicorn stopped: see {log}")
                time.sleep(0.2)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)


def _sign_in(base: str) -> str:
    """Sign the demo official in; return the Cookie header of the signed-in session."""
    session = requests.Session()
    page = session.get(base + "/sign-in", timeout=10).text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = {"csrf_token": token, "email": EMAIL, "password": PASSWORD}
    response = session.post(base + "/sign-in", data=data, allow_redirects=False, timeout=10)
    if response.status_code != 302:
        sys.exit(f"signing in failed with {response.status_code}")
    # Follow the redirect as a browser does: the page shows the "signed in" message once and
    # the session cookie no longer holds it. Replayed with the message still in it, every
    # request would show the message again and set a new cookie.
    session.get(urljoin(base, response.headers["Location"]), timeout=10).raise_for_status()
    cookie = "; ".join(f"{name}={value}" for name, value in session.cookies.items())
    again = requests.get(base + STEP, headers={"Cookie": cookie}, timeout=10)
    if "Set-Cookie" in again.headers:
        sys.exit("the signed-in session still changes on every request")
    return cookie


def _round(base: str, path: str, cookie: str, args, folder: Path) -> dict[str, float]:
    """Run locust against base+path for one round; return requests/s, p50, p99 and failures."""
    prefix = folder / f"round-{time.monotonic_ns()}"
    command = [
        sys.executable,
        "-m",
        "locust",
        "-f",
        str(ROOT / "bench" / "locustfile.py"),
        "--headless",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "-u",
        str(args.users),
        "-r",
        str(args.users),
        "-t",
        f"{args.seconds}s",
        "--stop-timeout",
        "2",
        "--host",
        base,
        "--csv",
        str(prefix),
    ]
    env = {**os.environ, "BENCH_PATH": path, "BENCH_COOKIE": cookie}
    run = subprocess.run(command, env=env, capture_output=True, text=True)
    with open(f"{prefix}_stats.csv", newline="") as stats:
        row = next(r for r in csv.DictReader(stats) if r["Name"] == "page")
    if "CPU usage" in run.stderr:
        print("  (locust warned that its CPU use was high)")
    return {
        "rps": float(row["Requests/s"]),
        "p50": float(row["50%"]),
        "p99": float(row["99%"]),
        "failures": int(row["Failure Count"]),
    }


def _warm_up(base: str, path: str, cookie: str) -> int:
    """Ask for the page a few times, so every worker has loaded it; return its size."""
    headers = {"Cookie": cookie} if cookie else {}
    for _ in range(40):
        response = requests.get(base + path, headers=headers, timeout=10)
        response.raise_for_status()
    return len(response.content)


def _show(label: str, figures: dict[str, float]) -> None:
    failed = f", {figures['failures']} failed" if figures["failures"] else ""
    print(
        f"  {label:24} {figures['rps']:8.0f} req/s   p50 {figures['p50']:4.0f} ms"
        f"   p99 {figures['p99']:4.0f} ms{failed}",
        flush=True,
    )


def main() -> None:
    """Run the benchmark and print every round and the summary."""
    args = _arguments()
    with ExitStack() as stack:
        folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-")))
        database_url = _fresh_database(args.sqlite, folder)
        env = _environment(database_url)
        _flask(env, "db", "upgrade")
        _flask(env, "demo-data")
        _analyze(database_url)
        app = stack.enter_context(
            _gunicorn("course_app:create_app()", env, args.workers, folder / "app.log")
        )
        cookie = _sign_in(app)
        size = _warm_up(app, STEP, cookie)
        bare_env = {**os.environ, "BARE_BYTES": str(size)}
        bare = stack.enter_context(
            _gunicorn("bench.bare:create_app()", bare_env, args.workers, folder / "bare.log")
        )
        bare_size = _warm_up(bare, "/", "")
        for _, path, signed_in in PAGES:
            _warm_up(app, path, cookie if signed_in else "")
        print(
            f"{time.strftime('%Y-%m-%d %H:%M')}, {'SQLite' if args.sqlite else 'PostgreSQL'}, "
            f"gunicorn -w {args.workers}, {args.users} users, {args.seconds} s rounds, "
            f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f} before the rounds; "
            f"signed-in step page {size} bytes, bare page {bare_size} bytes",
            flush=True,
        )
        results: dict[str, list[dict]] = {"bare": []}
        for _ in range(args.repeat):
            for label, path, signed_in in PAGES:
                results["bare"].append(_round(bare, "/", "", args, folder))
                _show("bare Flask page", results["bare"][-1])
                figures = _round(app, path, cookie if signed_in else "", args, folder)
                results.setdefault(label, []).append(figures)
                _show(label, figures)
        _summary(results)


def _summary(results: dict[str, list[dict]]) -> None:
    bare = statistics.median(r["rps"] for r in results["bare"])
    print("\nmedian of the rounds:")
    for label, rounds in results.items():
        rps = statistics.median(r["rps"] for r in rounds)
        p50 = statistics.median(r["p50"] for r in rounds)
        p99 = max(r["p99"] for r in rounds)
        print(
            f"  {label:24} {rps:8.0f} req/s   p50 {p50:4.0f} ms   p99 {p99:4.0f} ms (worst)"
            f"   {rps / bare:6.0%} of the bare page"
        )


if __name__ == "__main__":
    main()
