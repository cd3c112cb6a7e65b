"""what an audit entry is about (`subject`, "ticket:12"), so that one ticket's history is one
index search (entries of tickets already recorded get theirs from their details); the ticket
queue's indexes: each status's and each assignee's tickets in due order

Revision ID: 0016
Revises: 0015
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_tickets_status_answer_due_at", "tickets", ["status", "answer_due_at"])
    op.create_index(
        "ix_tickets_assignee_id_status_answer_due_at",
        "tickets",
        ["assignee_id", "status", "answer_due_at"],
    )
    # Both served by the new ones' first columns.
    op.drop_index("ix_tickets_answer_due_at", table_name="tickets")
    op.drop_index("ix_tickets_assignee_id", table_name="tickets")
    op.add_column("audit_entries", sa.Column("subject", sa.String(length=80), nullable=True))
    op.create_index("ix_audit_entries_subject_at", "audit_entries", ["subject", "at"])
    entries = sa.table(
        "audit_entries",
        sa.column("id", sa.Integer),
        sa.column("action", sa.String),
        sa.column("details", sa.JSON),
        sa.column("subject", sa.String),
    )
    connection = op.get_bind()
    rows = connection.execute(
        sa.select(entries.c.id, entries.c.details).where(entries.c.action.like("ticket.%"))
    ).all()
    filed = [
        {"entry_id": entry_id, "subject": f"ticket:{details['ticket']}"}
        for entry_id, details in rows
        if isinstance(details, dict) and isinstance(details.get("ticket"), int)
    ]
    if filed:
        connection.execute(
            entries.update()
            .where(entries.c.id == sa.bindparam("entry_id"))
            .values(subject=sa.bindparam("subject")),
            filed,
        )


def downgrade() -> None:
    op.create_index("ix_tickets_assignee_id", "tickets", ["assignee_id"])
    op.create_index("ix_tickets_answer_due_at", "tickets", ["answer_due_at"])
    op.drop_index("ix_tickets_assignee_id_status_answer_due_at", table_name="tickets")
    op.drop_index("ix_tickets_status_answer_due_at", table_name="tickets")
    op.drop_index("ix_audit_entries_subject_at", table_name="audit_entries")
    op.drop_column("audit_entries", "subject")
