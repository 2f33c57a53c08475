"""Party groups: added members, contacts, discussions with shared notes, and attendance

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-02 19:24:36.270491

"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "discussions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("module_id", sa.String(length=64), nullable=False),
        sa.Column("step_number", sa.Integer(), nullable=True),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("started_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("notes_revision", sa.Integer(), server_default="0", nullable=False),
        sa.Column("notes_updated_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("notes_updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["notes_updated_by_id"],
            ["users.id"],
            name=op.f("fk_discussions_notes_updated_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["organisation_id"],
            ["organisations.id"],
            name=op.f("fk_discussions_organisation_id_organisations"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_discussions_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["started_by_id"],
            ["users.id"],
            name=op.f("fk_discussions_started_by_id_users"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_discussions")),
    )
    with op.batch_alter_table("discussions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussions_organisation_id"), ["organisation_id"], unique=False
        )
        batch_op.create_index("ix_discussions_party_held", ["party_id", "held_on"], unique=False)

    op.create_table(
        "group_contacts",
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_group_contacts_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_contacts_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("party_id", "user_id", name=op.f("pk_group_contacts")),
    )
    with op.batch_alter_table("group_contacts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_contacts_user_id"), ["user_id"], unique=False)

    op.create_table(
        "group_members",
        sa.Column("party_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["party_id"],
            ["parties.id"],
            name=op.f("fk_group_members_party_id_parties"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_group_members_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("party_id", "user_id", name=op.f("pk_group_members")),
    )
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_members_user_id"), ["user_id"], unique=False)

    op.create_table(
        "discussion_attendance",
        sa.Column("discussion_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["discussion_id"],
            ["discussions.id"],
            name=op.f("fk_discussion_attendance_discussion_id_discussions"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_discussion_attendance_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("discussion_id", "user_id", name=op.f("pk_discussion_attendance")),
    )
    with op.batch_alter_table("discussion_attendance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_discussion_attendance_user_id"), ["user_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("discussion_attendance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_discussion_attendance_user_id"))

    op.drop_table("discussion_attendance")
    with op.batch_alter_table("group_members", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_members_user_id"))

    op.drop_table("group_members")
    with op.batch_alter_table("group_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_contacts_user_id"))

    op.drop_table("group_contacts")
    with op.batch_alter_table("discussions", schema=None) as batch_op:
        batch_op.drop_index("ix_discussions_party_held")
        batch_op.drop_index(batch_op.f("ix_discussions_organisation_id"))

    op.drop_table("discussions")
