"""A PostgreSQL database of its own for a bench, dropped and created again on every run."""

from __future__ import annotations

import sys

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


def fresh_postgresql(url_text: str, suffix: str) -> str:
    """Return the address of url_text's database with suffix added, made empty; exit unless the
    server is on this machine (the database is dropped)."""
    url = make_url(url_text)
    if url.host not in ("127.0.0.1", "localhost"):
        sys.exit("BENCH_DATABASE_URL must be on 127.0.0.1: it is dropped and created again")
    url = url.set(database=f"{url.database}_{suffix}")
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{url.database}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{url.database}"'))
    admin.dispose()
    return url.render_as_string(hide_password=False)
