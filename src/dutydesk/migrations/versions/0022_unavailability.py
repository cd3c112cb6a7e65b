"""people's declared unavailability (holidays), and pages sent by when they were queued (the
fairness report reads a period's pages)

Revision ID: 0022
Revises: 0021
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "unavailability",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("first_day", sa.Date(), nullable=False),
        sa.Column("last_day", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_unavailability_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_unavailability")),
    )
    with op.batch_alter_table("unavailability", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_unavailability_person_id"), ["person_id"])
    with op.batch_alter_table("group_pages", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_group_pages_queued_at"), ["queued_at"])


def downgrade() -> None:
    with op.batch_alter_table("group_pages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_group_pages_queued_at"))
    with op.batch_alter_table("unavailability", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_unavailability_person_id"))
    op.drop_table("unavailability")
