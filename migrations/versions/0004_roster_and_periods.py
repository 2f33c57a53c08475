"""The roster (parties, bodies, assignments), training requirements, completion history,
and account permissions under their own name

Completions become a history: one per official, module and requirement cycle, and the
foreign keys of completions and check attempts refuse to delete a user (deactivate instead).
Existing completions are kept as they are, in the cycle "no requirement" (1970-01-01).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 21:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

PERMISSIONS = ("official", "group_contact", "security_unit")
ROLES = (
    "ordinarie",
    "ersattare",
    "ordforande",
    "vice_ordforande",
    "andre_vice_ordforande",
    "politisk_sekreterare",
)
EXTENTS = ("heltid", "deltid", "fritid")
BODY_KINDS = ("fullmaktige", "styrelse", "namnd", "bolag", "annat")
AUDIENCES = ("all", "kl_18a", "selected")


def _enum(name: str, values: tuple[str, ...]) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, length=32)


def _permissions_table(name: str, column: str, enum_name: str) -> None:
    op.create_table(
        name,
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column(column, _enum(enum_name, PERMISSIONS), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f(f"fk_{name}_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", column, name=op.f(f"pk_{name}")),
    )


def _organisation_table(name: str, *columns: sa.Column) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        *columns,
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f(f"fk_{name}_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{name}")),
        sa.UniqueConstraint(
            "organisation_id", "name", name=op.f(f"uq_{name}_organisation_id_name")
        ),
    )
    with op.batch_alter_table(name) as batch_op:
        batch_op.create_index(
            batch_op.f(f"ix_{name}_organisation_id"), ["organisation_id"], unique=False
        )


def _user_fk(table: str, ondelete: str) -> None:
    with op.batch_alter_table(table) as batch_op:
        batch_op.drop_constraint(f"fk_{table}_user_id_users", type_="foreignkey")
        batch_op.create_foreign_key(
            f"fk_{table}_user_id_users", "users", ["user_id"], ["id"], ondelete=ondelete
        )


def upgrade():
    _permissions_table("user_permissions", "permission", "permission")
    op.execute(
        "INSERT INTO user_permissions (user_id, permission) SELECT user_id, role FROM user_roles"
    )
    op.drop_table("user_roles")

    with op.batch_alter_table("users") as batch_op:
        batch_op.add_column(sa.Column("deactivated_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("sign_in_tokens") as batch_op:
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=16), server_default="link", nullable=False)
        )

    _organisation_table("parties")
    _organisation_table("bodies", sa.Column("kind", _enum("bodykind", BODY_KINDS), nullable=False))
    op.create_table(
        "assignments",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("body_id", sa.Integer(), nullable=True),
        sa.Column("party_id", sa.Integer(), nullable=True),
        sa.Column("role", _enum("assignmentrole", ROLES), nullable=False),
        sa.Column("extent", _enum("extent", EXTENTS), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "ends_on IS NULL OR ends_on >= starts_on", name=op.f("ck_assignments_dates_in_order")
        ),
        sa.ForeignKeyConstraint(
            ["body_id"],
            ["bodies.id"],
            name=op.f("fk_assignments_body_id_bodies"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_assignments_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_assignments_party_id_parties"),
            ondelete="RESTRICT",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_assignments_user_id_users"),
            ondelete="RESTRICT",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignments")),
    )
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.create_index(
            "ix_assignments_org_dates", ["organisation_id", "starts_on", "ends_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_assignments_user_id"), ["user_id"], unique=False)

    op.create_table(
        "requirements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("election_year", sa.Integer(), nullable=False),
        sa.Column("module_ids", sa.JSON(), nullable=False),
        sa.Column("audience", _enum("audience", AUDIENCES), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("extents", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("counts_from", sa.Date(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_requirements_organisation_id_organisations"),
        ),
        sa.ForeignKeyConstraint(
            ["updated_by_id"],
            ["users.id"],
            name=op.f("fk_requirements_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_requirements")),
    )
    with op.batch_alter_table("requirements") as batch_op:
        batch_op.create_index(
            "ix_requirements_org_year", ["organisation_id", "election_year"], unique=False
        )

    op.create_table(
        "roster_imports",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("uploaded_by_id", sa.Integer(), nullable=True),
        sa.Column("filename", sa.String(length=200), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("applied_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("counts", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_roster_imports_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["uploaded_by_id"],
            ["users.id"],
            name=op.f("fk_roster_imports_uploaded_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_roster_imports")),
    )
    with op.batch_alter_table("roster_imports") as batch_op:
        batch_op.create_index(
            batch_op.f("ix_roster_imports_organisation_id"), ["organisation_id"], unique=False
        )

    with op.batch_alter_table("module_completions") as batch_op:
        batch_op.add_column(
            sa.Column("counts_from", sa.Date(), server_default="1970-01-01", nullable=False)
        )
    with op.batch_alter_table("module_completions") as batch_op:
        batch_op.alter_column("counts_from", server_default=None)
        batch_op.drop_constraint("uq_module_completions_user_id_module_id", type_="unique")
        batch_op.create_unique_constraint(
            "uq_module_completions_user_id_module_id_counts_from",
            ["user_id", "module_id", "counts_from"],
        )
        batch_op.drop_index("ix_module_completions_user_id")
        batch_op.create_index(
            "ix_module_completions_module_time", ["module_id", "completed_at"], unique=False
        )
        batch_op.create_index(
            "ix_module_completions_user_module_time",
            ["user_id", "module_id", "completed_at"],
            unique=False,
        )
    _user_fk("module_completions", "RESTRICT")
    _user_fk("quiz_attempts", "RESTRICT")


def downgrade():
    _user_fk("quiz_attempts", "CASCADE")
    _user_fk("module_completions", "CASCADE")
    # Only the first completion of each module survives the older schema's one-per-module rule.
    op.execute(
        "DELETE FROM module_completions WHERE id NOT IN ("
        "SELECT MIN(id) FROM module_completions GROUP BY user_id, module_id)"
    )
    with op.batch_alter_table("module_completions") as batch_op:
        batch_op.drop_index("ix_module_completions_user_module_time")
        batch_op.drop_index("ix_module_completions_module_time")
        batch_op.create_index("ix_module_completions_user_id", ["user_id"], unique=False)
        batch_op.drop_constraint(
            "uq_module_completions_user_id_module_id_counts_from", type_="unique"
        )
        batch_op.create_unique_constraint(
            "uq_module_completions_user_id_module_id", ["user_id", "module_id"]
        )
        batch_op.drop_column("counts_from")

    with op.batch_alter_table("roster_imports") as batch_op:
        batch_op.drop_index(batch_op.f("ix_roster_imports_organisation_id"))
    op.drop_table("roster_imports")
    with op.batch_alter_table("requirements") as batch_op:
        batch_op.drop_index("ix_requirements_org_year")
    op.drop_table("requirements")
    with op.batch_alter_table("assignments") as batch_op:
        batch_op.drop_index(batch_op.f("ix_assignments_user_id"))
        batch_op.drop_index("ix_assignments_org_dates")
    op.drop_table("assignments")
    for name in ("bodies", "parties"):
        with op.batch_alter_table(name) as batch_op:
            batch_op.drop_index(batch_op.f(f"ix_{name}_organisation_id"))
        op.drop_table(name)

    with op.batch_alter_table("sign_in_tokens") as batch_op:
        batch_op.drop_column("purpose")
    with op.batch_alter_table("users") as batch_op:
        batch_op.drop_column("deactivated_at")

    _permissions_table("user_roles", "role", "role")
    op.execute(
        "INSERT INTO user_roles (user_id, role) SELECT user_id, permission FROM user_permissions"
    )
    op.drop_table("user_permissions")
