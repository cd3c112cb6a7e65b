"""builds: build results from CI, the GitHub deliveries already taken, the red spells of jobs
on a main branch (who claimed them, how they ended) and the team file's `builds:`

Revision ID: 0024
Revises: 0023
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "build_results",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("pipeline", sa.String(length=200), nullable=False),
        sa.Column("job", sa.String(length=200), nullable=False),
        sa.Column("build_id", sa.String(length=100), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("branch", sa.String(length=255), nullable=True),
        sa.Column("sha", sa.String(length=64), nullable=True),
        sa.Column("url", sa.String(length=500), nullable=True),
        sa.Column("workflow_name", sa.String(length=200), nullable=True),
        sa.Column("on_main", sa.Boolean(), nullable=False),
        sa.Column("finished_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_build_results")),
        sa.UniqueConstraint(
            "source",
            "pipeline",
            "job",
            "build_id",
            "attempt",
            name=op.f("uq_build_results_source"),
        ),
    )
    with op.batch_alter_table("build_results", schema=None) as batch_op:
        batch_op.create_index("ix_build_results_finished_at", ["finished_at"], unique=False)

    op.create_table(
        "build_settings",
        sa.Column("id", sa.String(length=16), nullable=False),
        sa.Column("definition", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_build_settings")),
    )
    op.create_table(
        "github_deliveries",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("received_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_github_deliveries")),
    )
    with op.batch_alter_table("github_deliveries", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_github_deliveries_received_at"), ["received_at"], unique=False
        )

    op.create_table(
        "red_spells",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("pipeline", sa.String(length=200), nullable=False),
        sa.Column("job", sa.String(length=200), nullable=False),
        sa.Column("branch", sa.String(length=255), nullable=False),
        sa.Column("started_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("first_failing_sha", sa.String(length=64), nullable=True),
        sa.Column("last_failing_sha", sa.String(length=64), nullable=True),
        sa.Column("first_failing_url", sa.String(length=500), nullable=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("told_person_id", sa.String(length=64), nullable=True),
        sa.Column("claimed_by", sa.String(length=64), nullable=True),
        sa.Column("claimed_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("ended_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("ending", sa.String(length=16), nullable=True),
        sa.Column("ended_by_sha", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["claimed_by"],
            ["people.id"],
            name=op.f("fk_red_spells_claimed_by_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_red_spells_task_id_tasks"), ondelete="SET NULL"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_red_spells")),
    )
    with op.batch_alter_table("red_spells", schema=None) as batch_op:
        batch_op.create_index(
            "ix_red_spells_job_ended_at", ["source", "pipeline", "job", "ended_at"], unique=False
        )
        batch_op.create_index("ix_red_spells_started_at", ["started_at"], unique=False)
        batch_op.create_index("ix_red_spells_ended_at", ["ended_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("red_spells", schema=None) as batch_op:
        batch_op.drop_index("ix_red_spells_ended_at")
        batch_op.drop_index("ix_red_spells_started_at")
        batch_op.drop_index("ix_red_spells_job_ended_at")
    op.drop_table("red_spells")
    with op.batch_alter_table("github_deliveries", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_github_deliveries_received_at"))
    op.drop_table("github_deliveries")
    op.drop_table("build_settings")
    with op.batch_alter_table("build_results", schema=None) as batch_op:
        batch_op.drop_index("ix_build_results_finished_at")
    op.drop_table("build_results")
