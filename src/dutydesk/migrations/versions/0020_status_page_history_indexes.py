"""status page history indexes: the uptime bars' window of component changes, and the
status-page incidents closed within the page's history

Revision ID: 0020
Revises: 0019
"""

from __future__ import annotations

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("status_component_changes", schema=None) as batch_op:
        batch_op.create_index("ix_status_component_changes_at", ["at"], unique=False)
    with op.batch_alter_table("status_incidents", schema=None) as batch_op:
        batch_op.create_index("ix_status_incidents_resolved_at", ["resolved_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("status_incidents", schema=None) as batch_op:
        batch_op.drop_index("ix_status_incidents_resolved_at")
    with op.batch_alter_table("status_component_changes", schema=None) as batch_op:
        batch_op.drop_index("ix_status_component_changes_at")
