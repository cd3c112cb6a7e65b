"""handover: the support-week handover reports and the team file's `handover:`; indexes for
the reports' period queries (alerts by creation, pages by time, tickets by solving, incidents
by resolution, tasks by completion, done ones)

Revision ID: 0023
Revises: 0022
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

_PERIOD_INDEXES = (
    ("alerts", "ix_alerts_created_at_service_id", ["created_at", "service_id"]),
    ("tickets", "ix_tickets_solved_at", ["solved_at"]),
    ("incidents", "ix_incidents_resolved_at", ["resolved_at"]),
    ("tasks", "ix_tasks_status_completed_at", ["status", "completed_at"]),
)


def upgrade() -> None:
    op.create_table(
        "handover_settings",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.Column("since_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_settings")),
    )
    op.create_table(
        "handovers",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rota_id", sa.String(length=64), nullable=False),
        sa.Column("handoff_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("period_start_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("outgoing_id", sa.String(length=64), nullable=True),
        sa.Column("incoming_id", sa.String(length=64), nullable=True),
        sa.Column("invited_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("made_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("report", sa.JSON(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("notes_by", sa.String(length=200), nullable=True),
        sa.Column("notes_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("acknowledged_by", sa.String(length=200), nullable=True),
        sa.Column("acknowledged_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["incoming_id"],
            ["people.id"],
            name=op.f("fk_handovers_incoming_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["outgoing_id"],
            ["people.id"],
            name=op.f("fk_handovers_outgoing_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handovers")),
        sa.UniqueConstraint("handoff_at", name="uq_handovers_handoff_at"),
    )
    for table, name, columns in _PERIOD_INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade() -> None:
    for table, name, _columns in reversed(_PERIOD_INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
    op.drop_table("handovers")
    op.drop_table("handover_settings")
