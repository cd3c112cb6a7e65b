"""build dismissals: a red spell a responder closed by hand, who did and why

Revision ID: 0025
Revises: 0024
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("red_spells", schema=None) as batch_op:
        batch_op.add_column(sa.Column("dismissed_by", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("dismissal_reason", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("red_spells", schema=None) as batch_op:
        batch_op.drop_column("dismissal_reason")
        batch_op.drop_column("dismissed_by")
