"""status page: components and their state changes, status-page incidents and maintenance
with their components and updates, subscribers and their components, the management API's
keys, what the page owes later, the public snapshot and the team file's `status_page:`

Revision ID: 0019
Revises: 0018
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "status_components",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("is_group", sa.Boolean(), nullable=False),
        sa.Column("group_id", sa.String(length=64), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("status_since", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("only_show_if_degraded", sa.Boolean(), nullable=False),
        sa.Column("showcase", sa.Boolean(), nullable=False),
        sa.Column("from_file", sa.Boolean(), nullable=False),
        sa.Column("services", sa.JSON(), nullable=False),
        sa.Column("start_date", sa.String(length=10), nullable=True),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["group_id"],
            ["status_components.id"],
            name=op.f("fk_status_components_group_id_status_components"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_components")),
    )
    with op.batch_alter_table("status_components", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_components_group_id"), ["group_id"], unique=False
        )

    op.create_table(
        "status_due",
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=False),
        sa.Column("due_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_status_due")),
    )
    with op.batch_alter_table("status_due", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_due_due_at"), ["due_at"], unique=False)

    op.create_table(
        "status_page_settings",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_page_settings")),
    )
    op.create_table(
        "status_snapshots",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("built_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("document", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_snapshots")),
    )
    op.create_table(
        "status_subscribers",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("address", sa.String(length=2000), nullable=False),
        sa.Column("address_digest", sa.String(length=64), nullable=False),
        sa.Column("all_components", sa.Boolean(), nullable=False),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("confirmed_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("confirmation_sent_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_subscribers")),
        sa.UniqueConstraint("address_digest", name=op.f("uq_status_subscribers_address_digest")),
    )
    with op.batch_alter_table("status_subscribers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_subscribers_confirmed_at"), ["confirmed_at"], unique=False
        )

    op.create_table(
        "status_component_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("component_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=32), nullable=False),
        sa.Column("at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["status_components.id"],
            name=op.f("fk_status_component_changes_component_id_status_components"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_component_changes")),
    )
    with op.batch_alter_table("status_component_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_component_changes_component_id_at", ["component_id", "at"], unique=False
        )

    op.create_table(
        "status_incidents",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("impact", sa.String(length=16), nullable=False),
        sa.Column("impact_override", sa.String(length=16), nullable=True),
        sa.Column("incident_id", sa.Integer(), nullable=True),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("monitoring_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_update_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("scheduled_for", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("scheduled_until", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("scheduled_remind_prior", sa.Boolean(), nullable=False),
        sa.Column("scheduled_auto_in_progress", sa.Boolean(), nullable=False),
        sa.Column("scheduled_auto_completed", sa.Boolean(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_status_incidents_incident_id_incidents"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_incidents")),
    )
    with op.batch_alter_table("status_incidents", schema=None) as batch_op:
        batch_op.create_index("ix_status_incidents_created_at", ["created_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_status_incidents_incident_id"), ["incident_id"], unique=False
        )
        batch_op.create_index("ix_status_incidents_kind_status", ["kind", "status"], unique=False)

    op.create_table(
        "status_subscriber_components",
        sa.Column("subscriber_id", sa.String(length=64), nullable=False),
        sa.Column("component_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["status_components.id"],
            name=op.f("fk_status_subscriber_components_component_id_status_components"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subscriber_id"],
            ["status_subscribers.id"],
            name=op.f("fk_status_subscriber_components_subscriber_id_status_subscribers"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "subscriber_id", "component_id", name=op.f("pk_status_subscriber_components")
        ),
    )
    with op.batch_alter_table("status_subscriber_components", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_subscriber_components_component_id"),
            ["component_id"],
            unique=False,
        )

    op.create_table(
        "status_api_keys",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_used_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_status_api_keys_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_api_keys")),
        sa.UniqueConstraint("digest", name=op.f("uq_status_api_keys_digest")),
    )
    with op.batch_alter_table("status_api_keys", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_status_api_keys_user_id"), ["user_id"], unique=False)

    op.create_table(
        "status_incident_components",
        sa.Column("status_incident_id", sa.String(length=64), nullable=False),
        sa.Column("component_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["component_id"],
            ["status_components.id"],
            name=op.f("fk_status_incident_components_component_id_status_components"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["status_incident_id"],
            ["status_incidents.id"],
            name=op.f("fk_status_incident_components_status_incident_id_status_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "status_incident_id", "component_id", name=op.f("pk_status_incident_components")
        ),
    )
    with op.batch_alter_table("status_incident_components", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_status_incident_components_component_id"), ["component_id"], unique=False
        )

    op.create_table(
        "status_incident_updates",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("status_incident_id", sa.String(length=64), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("display_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("deliver_notifications", sa.Boolean(), nullable=False),
        sa.Column("affected_components", sa.JSON(), nullable=False),
        sa.Column("notified", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(
            ["status_incident_id"],
            ["status_incidents.id"],
            name=op.f("fk_status_incident_updates_status_incident_id_status_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_status_incident_updates")),
    )
    with op.batch_alter_table("status_incident_updates", schema=None) as batch_op:
        batch_op.create_index(
            "ix_status_incident_updates_status_incident_id_display_at",
            ["status_incident_id", "display_at"],
            unique=False,
        )


def downgrade() -> None:
    with op.batch_alter_table("status_incident_updates", schema=None) as batch_op:
        batch_op.drop_index("ix_status_incident_updates_status_incident_id_display_at")

    op.drop_table("status_incident_updates")
    with op.batch_alter_table("status_incident_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_incident_components_component_id"))

    op.drop_table("status_incident_components")
    with op.batch_alter_table("status_api_keys", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_api_keys_user_id"))

    op.drop_table("status_api_keys")
    with op.batch_alter_table("status_subscriber_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_subscriber_components_component_id"))

    op.drop_table("status_subscriber_components")
    with op.batch_alter_table("status_incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_status_incidents_kind_status")
        batch_op.drop_index(batch_op.f("ix_status_incidents_incident_id"))
        batch_op.drop_index("ix_status_incidents_created_at")

    op.drop_table("status_incidents")
    with op.batch_alter_table("status_component_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_status_component_changes_component_id_at")

    op.drop_table("status_component_changes")
    with op.batch_alter_table("status_subscribers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_subscribers_confirmed_at"))

    op.drop_table("status_subscribers")
    op.drop_table("status_snapshots")
    op.drop_table("status_page_settings")
    with op.batch_alter_table("status_due", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_due_due_at"))

    op.drop_table("status_due")
    with op.batch_alter_table("status_components", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_status_components_group_id"))

    op.drop_table("status_components")
