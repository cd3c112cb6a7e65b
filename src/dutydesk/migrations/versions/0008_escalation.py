"""escalation: policies, alert groups and their pages, people's notification rules

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "escalation_policies",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_escalation_policies")),
    )
    op.create_table(
        "alert_groups",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("service_id", sa.String(length=64), nullable=False),
        sa.Column("opened_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("join_until", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("closed_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("policy_id", sa.String(length=64), nullable=True),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("loop_index", sa.Integer(), nullable=False),
        sa.Column("next_step_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("assignee_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["service_id"],
            ["services.id"],
            name=op.f("fk_alert_groups_service_id_services"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_alert_groups")),
    )
    with op.batch_alter_table("alert_groups", schema=None) as batch_op:
        batch_op.create_index("ix_alert_groups_next_step_at", ["next_step_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_alert_groups_service_id"), ["service_id"])
    op.create_table(
        "group_pages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("group_id", sa.Integer(), nullable=False),
        sa.Column("queued_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("due_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("run", sa.Integer(), nullable=False),
        sa.Column("loop_index", sa.Integer(), nullable=False),
        sa.Column("step_index", sa.Integer(), nullable=False),
        sa.Column("policy_id", sa.String(length=64), nullable=True),
        sa.Column("person_id", sa.String(length=64), nullable=True),
        sa.Column("via", sa.String(length=32), nullable=False),
        sa.Column("destination", sa.String(length=2000), nullable=False),
        sa.Column("outbox_message_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["alert_groups.id"],
            name=op.f("fk_group_pages_group_id_alert_groups"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["outbox_message_id"],
            ["outbox_messages.id"],
            name=op.f("fk_group_pages_outbox_message_id_outbox_messages"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_group_pages")),
    )
    with op.batch_alter_table("group_pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_pages_group_id"), ["group_id"])
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.add_column(sa.Column("escalation_policy_id", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column("group_window", sa.String(length=16), server_default="5m", nullable=False)
        )
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.add_column(sa.Column("notify", sa.JSON(), server_default="[]", nullable=False))
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("group_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("retrigger_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_alerts_group_id"), ["group_id"])
        batch_op.create_index(batch_op.f("ix_alerts_retrigger_at"), ["retrigger_at"])
        batch_op.create_foreign_key(
            batch_op.f("fk_alerts_group_id_alert_groups"),
            "alert_groups",
            ["group_id"],
            ["id"],
            ondelete="SET NULL",
        )


def downgrade() -> None:
    with op.batch_alter_table("alerts", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_alerts_group_id_alert_groups"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_alerts_retrigger_at"))
        batch_op.drop_index(batch_op.f("ix_alerts_group_id"))
        batch_op.drop_column("retrigger_at")
        batch_op.drop_column("group_id")
    with op.batch_alter_table("people", schema=None) as batch_op:
        batch_op.drop_column("notify")
    with op.batch_alter_table("services", schema=None) as batch_op:
        batch_op.drop_column("group_window")
        batch_op.drop_column("escalation_policy_id")
    op.drop_table("group_pages")
    op.drop_table("alert_groups")
    op.drop_table("escalation_policies")
