"""The schema comes from Alembic migrations alone, and they run both ways."""

import flask_migrate
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from course_app import create_app
from course_app.extensions import db
from tests.conftest import make_config


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
