"""The documented backup of PostgreSQL restores, with every row (deploy/backup-restore-check.sh)."""

from __future__ import annotations

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import flask_migrate
import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from course_app import create_app
from course_app.auth import services
from course_app.extensions import db
from course_app.models import Permission, ReflectionNote
from tests.conftest import make_config

SCRIPT = Path(__file__).resolve().parent.parent / "deploy" / "backup-restore-check.sh"
URL = os.environ.get("TEST_DATABASE_URL", "")

pytestmark = pytest.mark.skipif(
    not URL.startswith("postgresql") or not shutil.which("pg_dump"),
    reason="needs PostgreSQL (TEST_DATABASE_URL) and its client tools",
)


@pytest.fixture
def source_database(tmp_path):
    """A new database, migrated, with an organisation, an official and a note."""
    name = f"backup_{uuid.uuid4().hex[:8]}"
    admin = create_engine(make_url(URL).set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(URL).set(database=name).render_as_string(hide_password=False)
    app = create_app(make_config(url, tmp_path))
    with app.app_context():
        flask_migrate.upgrade()
        org = services.create_organisation("backupkommun", "Backupkommun")
        user = services.create_user(org, "a@backup.se", [Permission.OFFICIAL])
        db.session.add(
            ReflectionNote(
                user_id=user.id, module_id="m", step_id="s", question_id="q", body="å ä ö"
            )
        )
        db.session.commit()
        db.engine.dispose()
    yield url
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def test_a_backup_restores_with_every_row(source_database, tmp_path):
    backup = tmp_path / "tryggt.dump"
    result = subprocess.run(
        ["bash", str(SCRIPT), source_database, str(backup)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    assert "restore check passed" in result.stdout
    assert backup.stat().st_size > 0
    rows = int(result.stdout.strip().rsplit(" ", 2)[-2])
    assert rows >= 4  # organisation, user, permission, note, alembic_version …
