"""An index of each organisation's users by name, for its lists read a page at a time

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06 12:10:00.000000

"""

from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.create_index(
            "ix_users_org_name", ["organisation_id", "name", "email", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_index("ix_users_org_name")
