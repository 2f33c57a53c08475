"""Sign-in link requests wait for the mail worker, whatever the address

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24 00:40:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "link_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("next_url", sa.String(length=500), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_requests")),
    )


def downgrade():
    op.drop_table("link_requests")
