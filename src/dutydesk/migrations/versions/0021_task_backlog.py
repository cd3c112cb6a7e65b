"""task backlog: when a task was picked up and who completed it, its labels in a table of their
own to find a label's tasks through an index, and a person's (or nobody's) open tasks oldest
first from one index

Revision ID: 0021
Revises: 0020
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("picked_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("completed_by", sa.String(length=200), nullable=True))
        batch_op.drop_index("ix_tasks_owner_id_status")
        batch_op.create_index(
            "ix_tasks_owner_id_status_created_at",
            ["owner_id", "status", "created_at"],
            unique=False,
        )
    # Tasks made before this had an owner only when given one as they were made.
    op.execute("UPDATE tasks SET picked_at = created_at WHERE owner_id IS NOT NULL")
    op.create_table(
        "task_labels",
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_labels_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("task_id", "label", name=op.f("pk_task_labels")),
    )
    with op.batch_alter_table("task_labels", schema=None) as batch_op:
        batch_op.create_index("ix_task_labels_label_task_id", ["label", "task_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("task_labels", schema=None) as batch_op:
        batch_op.drop_index("ix_task_labels_label_task_id")
    op.drop_table("task_labels")
    with op.batch_alter_table("tasks", schema=None) as batch_op:
        batch_op.drop_index("ix_tasks_owner_id_status_created_at")
        batch_op.create_index("ix_tasks_owner_id_status", ["owner_id", "status"], unique=False)
        batch_op.drop_column("completed_by")
        batch_op.drop_column("picked_at")
