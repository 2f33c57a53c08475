"""The schema comes from Alembic migrations alone, and they run both ways."""

from datetime import UTC, datetime

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from course_app import create_app
from course_app.extensions import db
from tests.conftest import make_config

NOW = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def _differences(app) -> list:
    with app.app_context():
        with db.engine.connect() as conn:
            context = MigrationContext.configure(conn, opts={"compare_type": True})
            differences = compare_metadata(context, db.metadata)
        db.engine.dispose()
    return differences


def test_upgrade_head_gives_exactly_the_models_schema(migrated, tmp_path):
    app = create_app(make_config(migrated, tmp_path))
    assert _differences(app) == []


def test_downgrade_base_then_upgrade_head(migrated, tmp_path):
    app = create_app(make_config(migrated, tmp_path))
    with app.app_context():
        flask_migrate.downgrade(revision="base")
        with db.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) <= {"alembic_version"}
        flask_migrate.upgrade()
    assert _differences(app) == []


def _sql(conn, statement: str, **params):
    return conn.execute(text(statement), params)


def _old_rows(app) -> None:
    with db.engine.begin() as conn:
        _sql(conn, "INSERT INTO organisations VALUES (9001, 'm', 'M', :t)", t=NOW)
        _sql(
            conn,
            "INSERT INTO users (id, organisation_id, email, name, active, session_version,"
            " created_at) VALUES (9001, 9001, 'm@x.se', 'M', :yes, 0, :t)",
            t=NOW,
            yes=True,
        )
        _sql(conn, "INSERT INTO user_roles VALUES (9001, 'official'), (9001, 'group_contact')")
        _sql(
            conn,
            "INSERT INTO module_completions (user_id, module_id, module_version, completed_at)"
            " VALUES (9001, 'organisation', 'v1', :t)",
            t=NOW,
        )


def test_roster_migration_keeps_roles_and_completions_both_ways(migrated, tmp_path):
    app = create_app(make_config(migrated, tmp_path))
    with app.app_context():
        flask_migrate.downgrade(revision="0003")
        try:
            _old_rows(app)
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                found = _sql(conn, "SELECT permission FROM user_permissions WHERE user_id = 9001")
                assert sorted(found.scalars()) == ["group_contact", "official"]
                completion = "SELECT module_version, counts_from FROM module_completions"
                version, cycle = _sql(conn, completion).one()
                assert version == "v1" and str(cycle) == "1970-01-01"
            flask_migrate.downgrade(revision="0003")
            with db.engine.connect() as conn:
                roles = _sql(conn, "SELECT role FROM user_roles WHERE user_id = 9001").scalars()
                assert sorted(roles) == ["group_contact", "official"]
                versions = _sql(conn, "SELECT module_version FROM module_completions").scalars()
                assert list(versions) == ["v1"]
        finally:
            flask_migrate.upgrade()
            with db.engine.begin() as conn:
                for table in ("module_completions", "user_permissions"):
                    _sql(conn, f"DELETE FROM {table} WHERE user_id = 9001")
                _sql(conn, "DELETE FROM users WHERE id = 9001")
                _sql(conn, "DELETE FROM organisations WHERE id = 9001")
        db.engine.dispose()
