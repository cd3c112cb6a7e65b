"""external rotas: feeds followed, their state, shifts and contacts

Revision ID: 0026
Revises: 0025
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "external_rotas",
        sa.Column("rota_id", sa.String(length=64), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("refresh_seconds", sa.Integer(), nullable=False),
        sa.Column("stale_after_seconds", sa.Integer(), nullable=False),
        sa.Column("match", sa.JSON(), nullable=False),
        sa.Column("next_fetch_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("etag", sa.String(length=512), nullable=True),
        sa.Column("last_modified", sa.String(length=512), nullable=True),
        sa.Column("feed", sa.LargeBinary(), nullable=True),
        sa.Column("read_source", sa.String(length=64), nullable=True),
        sa.Column("read_revision", sa.String(length=32), nullable=True),
        sa.Column("read_window_start", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("events_read", sa.Integer(), nullable=False),
        sa.Column("shifts_digest", sa.String(length=64), nullable=True),
        sa.Column("last_attempt_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_success_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_changed_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("failure_reason", sa.String(length=32), nullable=True),
        sa.Column("failure_message", sa.Text(), nullable=True),
        sa.Column("failing_since", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("stale_told_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("suspect_feed", sa.LargeBinary(), nullable=True),
        sa.Column("suspect_since", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("suspect_etag", sa.String(length=512), nullable=True),
        sa.Column("suspect_last_modified", sa.String(length=512), nullable=True),
        sa.ForeignKeyConstraint(
            ["rota_id"],
            ["rotas.id"],
            name=op.f("fk_external_rotas_rota_id_rotas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rota_id", name=op.f("pk_external_rotas")),
    )
    with op.batch_alter_table("external_rotas", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_external_rotas_next_fetch_at"), ["next_fetch_at"], unique=False
        )

    op.create_table(
        "external_contacts",
        sa.Column("rota_id", sa.String(length=64), nullable=False),
        sa.Column("id", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["rota_id"],
            ["external_rotas.rota_id"],
            name=op.f("fk_external_contacts_rota_id_external_rotas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("rota_id", "id", name=op.f("pk_external_contacts")),
    )
    op.create_table(
        "external_shifts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("rota_id", sa.String(length=64), nullable=False),
        sa.Column("start_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("end_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("person_id", sa.String(length=320), nullable=False),
        sa.Column("event_uid", sa.String(length=255), nullable=False),
        sa.ForeignKeyConstraint(
            ["rota_id"],
            ["external_rotas.rota_id"],
            name=op.f("fk_external_shifts_rota_id_external_rotas"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_external_shifts")),
    )
    with op.batch_alter_table("external_shifts", schema=None) as batch_op:
        batch_op.create_index(
            "ix_external_shifts_rota_start", ["rota_id", "start_at"], unique=False
        )

    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.add_column(sa.Column("feeds_revision", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("team", schema=None) as batch_op:
        batch_op.drop_column("feeds_revision")

    with op.batch_alter_table("external_shifts", schema=None) as batch_op:
        batch_op.drop_index("ix_external_shifts_rota_start")

    op.drop_table("external_shifts")
    op.drop_table("external_contacts")
    with op.batch_alter_table("external_rotas", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_external_rotas_next_fetch_at"))

    op.drop_table("external_rotas")
