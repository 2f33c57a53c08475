"""An account's last sign-in, and the new address an e-mail change link confirms

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-08 10:00:00.000000

Accounts already in use get a last sign-in: the latest one in the audit log or, when none is
on record (before the audit log, or pruned), their creation time if anything shows that they
were used: a password, a session ended, or learner state of their own. The security unit can
act on an account's address and invitations only while it has none, so a doubt counts as used.
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

LAST_SIGN_IN_ON_RECORD = """
UPDATE users SET last_signed_in_at = (
    SELECT MAX(audit_records.at) FROM audit_records
    WHERE audit_records.actor_id = users.id AND audit_records.action = 'sign_in.success'
)
"""

OWN_STATE = (
    "reflection_notes",
    "step_progress",
    "checklist_ticks",
    "quiz_attempts",
    "module_completions",
)


def _used_without_record() -> str:
    owned = " OR ".join(
        f"EXISTS (SELECT 1 FROM {table} WHERE {table}.user_id = users.id)" for table in OWN_STATE
    )
    return (
        "UPDATE users SET last_signed_in_at = created_at WHERE last_signed_in_at IS NULL"
        f" AND (password_hash IS NOT NULL OR session_version > 0 OR {owned})"
    )


def upgrade():
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("last_signed_in_at", sa.DateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("sign_in_tokens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("new_email", sa.String(length=254), nullable=True))
    op.execute(LAST_SIGN_IN_ON_RECORD)
    op.execute(_used_without_record())


def downgrade():
    # A waiting change of address cannot be told from a sign-in link without its new address.
    op.execute("DELETE FROM sign_in_tokens WHERE purpose = 'email-change'")
    with op.batch_alter_table("sign_in_tokens", schema=None) as batch_op:
        batch_op.drop_column("new_email")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("last_signed_in_at")
