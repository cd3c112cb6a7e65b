"""the Zendesk mirror: when Zendesk last changed a mirrored ticket and the priority it gave it,
each mirrored comment's id (kept once per ticket), and the webhook deliveries already taken
(replays are refused)

Revision ID: 0017
Revises: 0016
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "tickets",
        sa.Column("external_updated_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
    )
    op.add_column("tickets", sa.Column("external_priority", sa.String(length=16), nullable=True))
    op.add_column("ticket_messages", sa.Column("external_id", sa.String(length=64), nullable=True))
    op.create_index(
        "uq_ticket_messages_ticket_id_external_id",
        "ticket_messages",
        ["ticket_id", "external_id"],
        unique=True,
    )
    op.create_table(
        "zendesk_deliveries",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("expires_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_zendesk_deliveries")),
    )
    op.create_index(op.f("ix_zendesk_deliveries_expires_at"), "zendesk_deliveries", ["expires_at"])


def downgrade() -> None:
    op.drop_index(op.f("ix_zendesk_deliveries_expires_at"), table_name="zendesk_deliveries")
    op.drop_table("zendesk_deliveries")
    op.drop_index("uq_ticket_messages_ticket_id_external_id", table_name="ticket_messages")
    with op.batch_alter_table("ticket_messages") as batch_op:
        batch_op.drop_column("external_id")
    with op.batch_alter_table("tickets") as batch_op:
        batch_op.drop_column("external_priority")
        batch_op.drop_column("external_updated_at")
