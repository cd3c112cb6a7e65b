"""the team's bank holidays kept with it, so that commands need not load the holidays package

Revision ID: 0011
Revises: 0010
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Empty until the next `dutydesk apply` or the worker's next pass fills it; until then the
    # holidays are computed as before.
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("bank_holidays", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("bank_holidays")
