"""refused mail: messages that could not be filed, kept for a person with their reason

Revision ID: 0014
Revises: 0013
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "refused_mail",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("received_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("code", sa.String(length=32), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("message_id", sa.String(length=400), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("raw", sa.LargeBinary(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_refused_mail")),
    )
    with op.batch_alter_table("refused_mail", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_refused_mail_received_at"), ["received_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("refused_mail", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_refused_mail_received_at"))

    op.drop_table("refused_mail")
