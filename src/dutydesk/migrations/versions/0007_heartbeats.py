"""heartbeats: monitors that expect a ping every interval and raise an alert on a miss

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "heartbeats",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("interval_seconds", sa.Integer(), nullable=False),
        sa.Column("grace_seconds", sa.Integer(), nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_ping_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("due_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("missed", sa.Boolean(), nullable=False),
        sa.Column("revoked_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_heartbeats_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_heartbeats")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_heartbeats_token_digest")),
    )
    with op.batch_alter_table("heartbeats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_heartbeats_due_at"), ["due_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_heartbeats_service_id"), ["service_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("heartbeats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_heartbeats_service_id"))
        batch_op.drop_index(batch_op.f("ix_heartbeats_due_at"))
    op.drop_table("heartbeats")
