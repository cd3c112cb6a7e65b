"""indexes for the ingest hot path: a service's open alert group, a group's alerts by state,
and no second index on an alert's service

Revision ID: 0010
Revises: 0009
"""

from __future__ import annotations

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Finding the group new alerts join reads only groups still within their window, not every
    # group the service ever had.
    op.create_index(
        "ix_alert_groups_service_id_join_until", "alert_groups", ["service_id", "join_until"]
    )
    op.drop_index("ix_alert_groups_service_id", table_name="alert_groups")
    # Whether a group has triggered alerts, and how many in each state, from the index alone.
    op.create_index("ix_alerts_group_id_status", "alerts", ["group_id", "status"])
    op.drop_index("ix_alerts_group_id", table_name="alerts")
    # The unique (service_id, open_key) serves lookups by service; one index fewer to write for
    # every new alert.
    op.drop_index("ix_alerts_service_id", table_name="alerts")


def downgrade() -> None:
    op.create_index("ix_alerts_service_id", "alerts", ["service_id"])
    op.create_index("ix_alerts_group_id", "alerts", ["group_id"])
    op.drop_index("ix_alerts_group_id_status", table_name="alerts")
    op.create_index("ix_alert_groups_service_id", "alert_groups", ["service_id"])
    op.drop_index("ix_alert_groups_service_id_join_until", table_name="alert_groups")
