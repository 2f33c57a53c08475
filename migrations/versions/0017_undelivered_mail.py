"""When mail to an account's address was last given up on, so that the address can be corrected

Revision ID: 0017
Revises: 0014
Create Date: 2026-12-08 12:00:00.000000

An address whose message was given up on, with nothing sent to it since, is marked now from the
mail still kept (outgoing_mail holds a few days of it).
"""

import sqlalchemy as sa
from alembic import op

revision = "0017"
down_revision = "0014"
branch_labels = None
depends_on = None

GIVEN_UP_SINCE_LAST_SENT = """
UPDATE users SET email_failed_at = (
    SELECT MAX(failed.failed_at) FROM outgoing_mail AS failed
    WHERE failed.to_address = users.email
)
WHERE EXISTS (
    SELECT 1 FROM outgoing_mail AS failed
    WHERE failed.to_address = users.email AND failed.failed_at IS NOT NULL
    AND NOT EXISTS (
        SELECT 1 FROM outgoing_mail AS sent
        WHERE sent.to_address = users.email AND sent.sent_at > failed.failed_at
    )
)
"""


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("email_failed_at", sa.DateTime(timezone=True), nullable=True))
    op.execute(GIVEN_UP_SINCE_LAST_SENT)


def downgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("email_failed_at")
