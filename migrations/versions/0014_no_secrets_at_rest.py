"""A roster file is kept for its preview only; a sent e-mail keeps no working link

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-08 12:00:00.000000

The file of an import already confirmed is dropped (its name and counts stay), and the link
tokens in e-mails already sent or given up are struck out, as the app now does at once.
"""

import re

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

# As course_app/logs.py writes it when this revision was made.
_TOKEN = re.compile(r"(/sign-in/link/|/my-data/new-email/)[^/?#\s\"]+")

roster_imports = sa.table(
    "roster_imports",
    sa.column("content", sa.LargeBinary()),
    sa.column("applied_at", sa.DateTime(timezone=True)),
)
outgoing_mail = sa.table(
    "outgoing_mail",
    sa.column("id", sa.Integer()),
    sa.column("body", sa.Text()),
    sa.column("sent_at", sa.DateTime(timezone=True)),
    sa.column("failed_at", sa.DateTime(timezone=True)),
)


def upgrade():
    with op.batch_alter_table("roster_imports", schema=None) as batch_op:
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=True)
    op.execute(
        roster_imports.update().where(roster_imports.c.applied_at.is_not(None)).values(content=None)
    )
    _strike_out_sent_links()


def _strike_out_sent_links():
    connection = op.get_bind()
    done = sa.or_(outgoing_mail.c.sent_at.is_not(None), outgoing_mail.c.failed_at.is_not(None))
    rows = connection.execute(sa.select(outgoing_mail.c.id, outgoing_mail.c.body).where(done))
    for mail_id, body in rows.all():
        struck = _TOKEN.sub(r"\1[redacted]", body)
        if struck != body:
            connection.execute(
                outgoing_mail.update().where(outgoing_mail.c.id == mail_id).values(body=struck)
            )


def downgrade():
    # The dropped files are gone; an empty one stands in for each.
    op.execute(
        roster_imports.update().where(roster_imports.c.content.is_(None)).values(content=b"")
    )
    with op.batch_alter_table("roster_imports", schema=None) as batch_op:
        batch_op.alter_column("content", existing_type=sa.LargeBinary(), nullable=False)
