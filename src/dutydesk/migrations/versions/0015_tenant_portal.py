"""the tenant portal: sign-in links mailed to tenants, their sessions, and link requests counted
for throttling

Revision ID: 0015
Revises: 0014
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "portal_link_requests",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("address", sa.String(length=64), nullable=False),
        sa.Column("email_digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_link_requests")),
    )
    with op.batch_alter_table("portal_link_requests", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_link_requests_at"), ["at"], unique=False)
        batch_op.create_index("ix_portal_link_requests_address_at", ["address", "at"], unique=False)
        batch_op.create_index(
            "ix_portal_link_requests_email_digest_at", ["email_digest", "at"], unique=False
        )
    op.create_table(
        "portal_links",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("next_path", sa.String(length=200), nullable=False),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("used_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_links")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_portal_links_token_digest")),
    )
    with op.batch_alter_table("portal_links", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_portal_links_email"), ["email"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_portal_links_expires_at"), ["expires_at"], unique=False
        )
    op.create_table(
        "portal_sessions",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("token_digest", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_portal_sessions_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_portal_sessions")),
        sa.UniqueConstraint("token_digest", name=op.f("uq_portal_sessions_token_digest")),
    )
    with op.batch_alter_table("portal_sessions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_portal_sessions_expires_at"), ["expires_at"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_portal_sessions_tenant_id"), ["tenant_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("portal_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_sessions_tenant_id"))
        batch_op.drop_index(batch_op.f("ix_portal_sessions_expires_at"))
    op.drop_table("portal_sessions")
    with op.batch_alter_table("portal_links", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_portal_links_expires_at"))
        batch_op.drop_index(batch_op.f("ix_portal_links_email"))
    op.drop_table("portal_links")
    with op.batch_alter_table("portal_link_requests", schema=None) as batch_op:
        batch_op.drop_index("ix_portal_link_requests_email_digest_at")
        batch_op.drop_index("ix_portal_link_requests_address_at")
        batch_op.drop_index(batch_op.f("ix_portal_link_requests_at"))
    op.drop_table("portal_link_requests")
