"""channels and announcements

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announce", sa.JSON(), nullable=True))
    with op.batch_alter_table("rotas", schema=None) as batch_op:
        batch_op.add_column(sa.Column("announce", sa.JSON(), nullable=True))
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("kind", sa.String(length=16), server_default="override", nullable=False)
        )
    op.create_table(
        "handoff_cursors",
        sa.Column("rota_id", sa.String(length=64), nullable=False),
        sa.Column("announced_until", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["rota_id"],
            ["rotas.id"],
            name=op.f("fk_handoff_cursors_rota_id_rotas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rota_id", name=op.f("pk_handoff_cursors")),
    )


def downgrade() -> None:
    op.drop_table("handoff_cursors")
    with op.batch_alter_table("overrides", schema=None) as batch_op:
        batch_op.drop_column("kind")
    with op.batch_alter_table("rotas", schema=None) as batch_op:
        batch_op.drop_column("announce")
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("announce")
