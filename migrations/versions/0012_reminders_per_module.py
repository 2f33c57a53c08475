"""A reminder is recorded per module, so that each official's own deadlines are reminded once

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 23:00:00.000000

Reminders recorded before hold "*" for their modules: they stand for every module that was
due by that deadline at that point.
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("reminders_sent", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("module_id", sa.String(length=64), nullable=False, server_default="*")
        )
        batch_op.drop_constraint(
            "uq_reminders_sent_user_id_election_year_deadline_kind", type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_reminders_sent_user_id_election_year_module_id_deadline_kind"),
            ["user_id", "election_year", "module_id", "deadline", "kind"],
        )
    with op.batch_alter_table("reminders_sent", schema=None) as batch_op:
        batch_op.alter_column("module_id", server_default=None)


def downgrade():
    # Back to one row per official, period, deadline and point: the first module's row stays.
    op.execute(
        "DELETE FROM reminders_sent WHERE id NOT IN (SELECT MIN(id) FROM reminders_sent "
        "GROUP BY user_id, election_year, deadline, kind)"
    )
    with op.batch_alter_table("reminders_sent", schema=None) as batch_op:
        batch_op.drop_constraint(
            "uq_reminders_sent_user_id_election_year_module_id_deadline_kind", type_="unique"
        )
        batch_op.create_unique_constraint(
            batch_op.f("uq_reminders_sent_user_id_election_year_deadline_kind"),
            ["user_id", "election_year", "deadline", "kind"],
        )
        batch_op.drop_column("module_id")
