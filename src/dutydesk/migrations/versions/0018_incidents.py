"""incidents and tasks: incidents, their roles over time, participants, the document and
its versions, the timeline and its edits, linked alerts and tickets, the cadence's reminders,
reviews, the team file's `incidents:` and the Slack command requests already taken; tasks,
made today by reviews' follow-up actions

Revision ID: 0018
Revises: 0017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "incident_settings",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_settings")),
    )
    op.create_table(
        "incidents",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("priority", sa.String(length=2), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("declared_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("declared_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("mitigated_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("resolved_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reviewed_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("review_due_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_update_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_check_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("document", sa.Text(), nullable=False),
        sa.Column("document_version", sa.Integer(), nullable=False),
        sa.Column("document_saved_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("document_saved_by", sa.String(length=200), nullable=False),
        sa.Column("timeline_version", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incidents")),
    )
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incidents_status_declared_at", ["status", "declared_at"], unique=False
        )

    op.create_table(
        "slack_command_requests",
        sa.Column("key", sa.String(length=64), nullable=False),
        sa.Column("expires_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_slack_command_requests")),
    )
    with op.batch_alter_table("slack_command_requests", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_slack_command_requests_expires_at"), ["expires_at"], unique=False
        )

    op.create_table(
        "incident_document_versions",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("saved_by", sa.String(length=200), nullable=False),
        sa.Column("saved_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_document_versions_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "incident_id", "version", name=op.f("pk_incident_document_versions")
        ),
    )
    op.create_table(
        "incident_participants",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("joined_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_participants_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_incident_participants_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "person_id", name=op.f("pk_incident_participants")),
    )
    with op.batch_alter_table("incident_participants", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_participants_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "incident_reminders",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("due_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_reminders_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "kind", name=op.f("pk_incident_reminders")),
    )
    with op.batch_alter_table("incident_reminders", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_reminders_due_at"), ["due_at"], unique=False)

    op.create_table(
        "incident_reviews",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("what_happened", sa.Text(), nullable=False),
        sa.Column("impact", sa.Text(), nullable=False),
        sa.Column("went_well", sa.Text(), nullable=False),
        sa.Column("went_badly", sa.Text(), nullable=False),
        sa.Column("timeline", sa.Text(), nullable=False),
        sa.Column("held_by", sa.String(length=200), nullable=False),
        sa.Column("held_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_reviews_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", name=op.f("pk_incident_reviews")),
    )
    op.create_table(
        "incident_roles",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=True),
        sa.Column("started_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("ended_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=300), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_roles_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_incident_roles_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_roles")),
    )
    with op.batch_alter_table("incident_roles", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_roles_incident_id_role", ["incident_id", "role"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_incident_roles_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "incident_timeline",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("occurred_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author", sa.String(length=200), nullable=False),
        sa.Column("pinned", sa.Boolean(), nullable=False),
        sa.Column("edited_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("details", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_timeline_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_timeline")),
    )
    with op.batch_alter_table("incident_timeline", schema=None) as batch_op:
        batch_op.create_index(
            "ix_incident_timeline_incident_id_occurred_at",
            ["incident_id", "occurred_at", "id"],
            unique=False,
        )

    op.create_table(
        "tasks",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("labels", sa.JSON(), nullable=False),
        sa.Column("size", sa.String(length=1), nullable=True),
        sa.Column("link", sa.String(length=500), nullable=True),
        sa.Column("owner_id", sa.String(length=64), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=True),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("completed_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["people.id"], name=op.f("fk_tasks_owner_id_people"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tasks")),
    )
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.create_index("ix_tasks_owner_id_status", ["owner_id", "status"], unique=False)
        batch_op.create_index(batch_op.f("ix_tasks_source"), ["source"], unique=False)
        batch_op.create_index("ix_tasks_status_created_at", ["status", "created_at"], unique=False)

    op.create_table(
        "incident_tickets",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_tickets_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_incident_tickets_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "ticket_id", name=op.f("pk_incident_tickets")),
    )
    with op.batch_alter_table("incident_tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_tickets_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "incident_timeline_edits",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("occurred_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("edited_by", sa.String(length=200), nullable=False),
        sa.Column("edited_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["incident_timeline.id"],
            name=op.f("fk_incident_timeline_edits_entry_id_incident_timeline"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_incident_timeline_edits")),
    )
    with op.batch_alter_table("incident_timeline_edits", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_incident_timeline_edits_entry_id"), ["entry_id"], unique=False
        )

    op.create_table(
        "incident_alerts",
        sa.Column("incident_id", sa.Integer(), nullable=False),
        sa.Column("alert_id", sa.Integer(), nullable=False),
        sa.Column("linked_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["alert_id"],
            ["alerts.id"],
            name=op.f("fk_incident_alerts_alert_id_alerts"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["incident_id"],
            ["incidents.id"],
            name=op.f("fk_incident_alerts_incident_id_incidents"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("incident_id", "alert_id", name=op.f("pk_incident_alerts")),
    )
    with op.batch_alter_table("incident_alerts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_incident_alerts_alert_id"), ["alert_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("incident_alerts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_alerts_alert_id"))

    op.drop_table("incident_alerts")
    with op.batch_alter_table("incident_timeline_edits", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_timeline_edits_entry_id"))

    op.drop_table("incident_timeline_edits")
    with op.batch_alter_table("incident_tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_tickets_ticket_id"))

    op.drop_table("incident_tickets")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_status_created_at")
        batch_op.drop_index(batch_op.f("ix_tasks_source"))
        batch_op.drop_index("ix_tasks_owner_id_status")

    op.drop_table("tasks")
    with op.batch_alter_table("incident_timeline", schema=None) as batch_op:
        batch_op.drop_index("ix_incident_timeline_incident_id_occurred_at")

    op.drop_table("incident_timeline")
    with op.batch_alter_table("incident_roles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_roles_person_id"))
        batch_op.drop_index("ix_incident_roles_incident_id_role")

    op.drop_table("incident_roles")
    op.drop_table("incident_reviews")
    with op.batch_alter_table("incident_reminders", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_reminders_due_at"))

    op.drop_table("incident_reminders")
    with op.batch_alter_table("incident_participants", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_incident_participants_person_id"))

    op.drop_table("incident_participants")
    op.drop_table("incident_document_versions")
    with op.batch_alter_table("slack_command_requests", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_slack_command_requests_expires_at"))

    op.drop_table("slack_command_requests")
    with op.batch_alter_table("incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_incidents_status_declared_at")

    op.drop_table("incidents")
    op.drop_table("incident_settings")
