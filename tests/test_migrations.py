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
LATER = datetime(2024, 6, 3, 8, 30, tzinfo=UTC)


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


def _accounts_of_before_0013() -> None:
    """Four accounts: signed in on record, with a password, with a note, and never used."""
    with db.engine.begin() as conn:
        _sql(conn, "INSERT INTO organisations VALUES (9002, 'n', 'N', :t)", t=NOW)
        for uid, password in ((9011, None), (9012, "argon2-hash"), (9013, None), (9014, None)):
            _sql(
                conn,
                "INSERT INTO users (id, organisation_id, email, name, password_hash, active,"
                " session_version, created_at) VALUES (:id, 9002, :email, '', :pw, :yes, 0, :t)",
                id=uid,
                email=f"u{uid}@x.se",
                pw=password,
                yes=True,
                t=NOW,
            )
        _sql(
            conn,
            "INSERT INTO audit_records (organisation_id, at, actor_id, action, details)"
            " VALUES (9002, :t, 9011, 'sign_in.success', '{}')",
            t=LATER,
        )
        _sql(
            conn,
            "INSERT INTO reflection_notes (user_id, module_id, step_id, question_id, body,"
            " updated_at) VALUES (9013, 'm', 's', 'q', 'text', :t)",
            t=NOW,
        )


def test_accounts_in_use_before_0013_count_as_signed_in(migrated, tmp_path):
    app = create_app(make_config(migrated, tmp_path))
    with app.app_context():
        flask_migrate.downgrade(revision="0012")
        try:
            _accounts_of_before_0013()
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                rows = _sql(
                    conn,
                    "SELECT id, last_signed_in_at IS NOT NULL FROM users"
                    " WHERE organisation_id = 9002 ORDER BY id",
                ).all()
                assert [(uid, bool(used)) for uid, used in rows] == [
                    (9011, True),
                    (9012, True),
                    (9013, True),
                    (9014, False),
                ]
                same = _sql(
                    conn,
                    "SELECT COUNT(*) FROM users JOIN audit_records ON actor_id = users.id"
                    " WHERE users.id = 9011 AND last_signed_in_at = audit_records.at",
                ).scalar()
                assert same == 1
        finally:
            flask_migrate.upgrade()
            with db.engine.begin() as conn:
                for table in ("reflection_notes", "audit_records"):
                    column = "actor_id" if table == "audit_records" else "user_id"
                    _sql(conn, f"DELETE FROM {table} WHERE {column} IN (9011, 9012, 9013, 9014)")
                _sql(conn, "DELETE FROM users WHERE organisation_id = 9002")
                _sql(conn, "DELETE FROM organisations WHERE id = 9002")
        db.engine.dispose()


def _rows_of_before_0014() -> None:
    """A confirmed and a waiting roster upload; a sent and a queued e-mail with a link."""
    with db.engine.begin() as conn:
        _sql(conn, "INSERT INTO organisations VALUES (9003, 'o', 'O', :t)", t=NOW)
        for upload_id, applied in ((9021, NOW), (9022, None)):
            _sql(
                conn,
                "INSERT INTO roster_imports (id, organisation_id, filename, content, created_at,"
                " applied_at, counts) VALUES (:id, 9003, 'r.csv', :content, :t, :applied, '{}')",
                id=upload_id,
                content=b"Namn;E-post\nBo Ek;bo@x.se\n",
                t=NOW,
                applied=applied,
            )
        for mail_id, sent in ((9031, NOW), (9032, None)):
            _sql(
                conn,
                "INSERT INTO outgoing_mail (id, to_address, subject, body, created_at, attempts,"
                " next_attempt_at, sent_at) VALUES (:id, 'bo@x.se', 'S', :body, :t, 0, :t, :sent)",
                id=mail_id,
                body="Hej!\nhttps://tryggt.test/sign-in/link/Secret_Token-1?next=%2F\nHej då\n",
                t=NOW,
                sent=sent,
            )


def test_0014_drops_confirmed_roster_files_and_sent_links(migrated, tmp_path):
    app = create_app(make_config(migrated, tmp_path))
    with app.app_context():
        flask_migrate.downgrade(revision="0013")
        try:
            _rows_of_before_0014()
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                files = _sql(conn, "SELECT id, content FROM roster_imports ORDER BY id").all()
                assert [(i, c is None) for i, c in files] == [(9021, True), (9022, False)]
                bodies = dict(_sql(conn, "SELECT id, body FROM outgoing_mail").all())
            assert "Secret_Token-1" not in bodies[9031]
            assert "/sign-in/link/[redacted]?next=%2F\nHej då" in bodies[9031]
            assert "Secret_Token-1" in bodies[9032], "a message still to send keeps its link"
            flask_migrate.downgrade(revision="0013")
            with db.engine.connect() as conn:
                files = _sql(conn, "SELECT content FROM roster_imports ORDER BY id").scalars()
                assert [bytes(c)[:4] for c in files] == [b"", b"Namn"]
        finally:
            flask_migrate.upgrade()
            with db.engine.begin() as conn:
                _sql(conn, "DELETE FROM outgoing_mail WHERE id IN (9031, 9032)")
                _sql(conn, "DELETE FROM roster_imports WHERE organisation_id = 9003")
                _sql(conn, "DELETE FROM organisations WHERE id = 9003")
        db.engine.dispose()


def _mail_of_before_0017() -> None:
    """Three accounts: mail given up on; given up on, then one sent; only sent."""
    with db.engine.begin() as conn:
        _sql(conn, "INSERT INTO organisations VALUES (9004, 'p', 'P', :t)", t=NOW)
        for user_id, email in ((9041, "fel@x.se"), (9042, "igen@x.se"), (9043, "bra@x.se")):
            _sql(
                conn,
                "INSERT INTO users (id, organisation_id, email, name, active, session_version,"
                " created_at) VALUES (:id, 9004, :email, '', :yes, 0, :t)",
                id=user_id,
                email=email,
                t=NOW,
                yes=True,
            )
        for mail_id, to, failed, sent in (
            (9051, "fel@x.se", NOW, None),
            (9052, "igen@x.se", NOW, None),
            (9053, "igen@x.se", None, LATER),
            (9054, "bra@x.se", None, NOW),
        ):
            _sql(
                conn,
                "INSERT INTO outgoing_mail (id, to_address, subject, body, created_at, attempts,"
                " next_attempt_at, sent_at, failed_at)"
                " VALUES (:id, :to, 'S', 'B', :t, 1, :t, :sent, :failed)",
                id=mail_id,
                to=to,
                t=NOW,
                sent=sent,
                failed=failed,
            )


def test_0017_marks_the_addresses_whose_last_mail_was_given_up_on(migrated, tmp_path):
    app = create_app(make_config(migrated, tmp_path))
    with app.app_context():
        flask_migrate.downgrade(revision="0014")
        try:
            _mail_of_before_0017()
            flask_migrate.upgrade()
            with db.engine.connect() as conn:
                marks = _sql(
                    conn, "SELECT id, email_failed_at FROM users WHERE organisation_id = 9004"
                ).all()
            assert {i: at is not None for i, at in marks} == {9041: True, 9042: False, 9043: False}
        finally:
            flask_migrate.upgrade()
            with db.engine.begin() as conn:
                _sql(conn, "DELETE FROM outgoing_mail WHERE id BETWEEN 9051 AND 9054")
                _sql(conn, "DELETE FROM users WHERE organisation_id = 9004")
                _sql(conn, "DELETE FROM organisations WHERE id = 9004")
        db.engine.dispose()
