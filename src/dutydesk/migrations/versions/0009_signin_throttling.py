"""sign-in throttling: failed sign-ins by name and address replace the per-account lock-out

Revision ID: 0009
Revises: 0008
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "signin_failures",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("name_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_signin_failures")),
    )
    with op.batch_alter_table("signin_failures", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_signin_failures_at"), ["at"], unique=False)
        batch_op.create_index(
            "ix_signin_failures_name_digest_at", ["name_digest", "at"], unique=False
        )
        batch_op.create_index("ix_signin_failures_address_at", ["address", "at"], unique=False)
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until")
        batch_op.drop_column("failed_signins")


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("failed_signins", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(
            sa.Column("locked_until", dutydesk.db.UTCDateTime(timezone=True), nullable=True)
        )
    with op.batch_alter_table("signin_failures", schema=None) as batch_op:
        batch_op.drop_index("ix_signin_failures_address_at")
        batch_op.drop_index("ix_signin_failures_name_digest_at")
        batch_op.drop_index(batch_op.f("ix_signin_failures_at"))
    op.drop_table("signin_failures")
