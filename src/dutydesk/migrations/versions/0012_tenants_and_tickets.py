"""tenants (domains, contacts) and tickets (thread, attachments, followers, priority changes,
the clock against the response target)

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import dutydesk.db

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "tenants",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenants")),
    )
    op.create_table(
        "tenant_contacts",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.Column("email", sa.String(length=320), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_tenant_contacts_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tenant_contacts")),
        sa.UniqueConstraint("email", name=op.f("uq_tenant_contacts_email")),
    )
    with op.batch_alter_table("tenant_contacts", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tenant_contacts_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "tenant_domains",
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_tenant_domains_tenant_id_tenants"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("domain", name=op.f("pk_tenant_domains")),
    )
    with op.batch_alter_table("tenant_domains", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tenant_domains_tenant_id"), ["tenant_id"], unique=False
        )

    op.create_table(
        "tickets",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("tenant_id", sa.String(length=64), nullable=True),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("requester_email", sa.String(length=320), nullable=True),
        sa.Column("requester_name", sa.String(length=200), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("priority", sa.String(length=2), nullable=True),
        sa.Column("assignee_id", sa.String(length=64), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("external_id", sa.String(length=64), nullable=True),
        sa.Column("external_url", sa.String(length=500), nullable=True),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column("solved_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("first_replied_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("clock_kind", sa.String(length=16), nullable=True),
        sa.Column("clock_running_since", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("clock_used_seconds", sa.Integer(), nullable=False),
        sa.Column("answer_due_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_reminder_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column("next_reminder_stage", sa.Integer(), nullable=True),
        sa.Column("breached_at", dutydesk.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["people.id"],
            name=op.f("fk_tickets_assignee_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["tenant_id"],
            ["tenants.id"],
            name=op.f("fk_tickets_tenant_id_tenants"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tickets")),
        sa.UniqueConstraint("source", "external_id", name="uq_tickets_source_external_id"),
    )
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_tickets_answer_due_at"), ["answer_due_at"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_tickets_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index("ix_tickets_next_reminder_at", ["next_reminder_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_breached_at"), ["breached_at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_tickets_requester_email"), ["requester_email"], unique=False
        )
        batch_op.create_index("ix_tickets_status_priority", ["status", "priority"], unique=False)
        batch_op.create_index(batch_op.f("ix_tickets_tenant_id"), ["tenant_id"], unique=False)

    op.create_table(
        "ticket_followers",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("person_id", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_ticket_followers_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_followers_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("ticket_id", "person_id", name=op.f("pk_ticket_followers")),
    )
    with op.batch_alter_table("ticket_followers", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_followers_person_id"), ["person_id"], unique=False
        )

    op.create_table(
        "ticket_messages",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=8), nullable=False),
        sa.Column("author_person_id", sa.String(length=64), nullable=True),
        sa.Column("author_email", sa.String(length=320), nullable=True),
        sa.Column("author_name", sa.String(length=200), nullable=True),
        sa.Column("body_text", sa.Text(), nullable=False),
        sa.Column("full_text", sa.Text(), nullable=True),
        sa.Column("body_html", sa.Text(), nullable=True),
        sa.Column("message_id", sa.String(length=400), nullable=True),
        sa.Column("created_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_person_id"],
            ["people.id"],
            name=op.f("fk_ticket_messages_author_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_messages_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_messages")),
        sa.UniqueConstraint("message_id", name=op.f("uq_ticket_messages_message_id")),
    )
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_messages_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "ticket_priority_changes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("old", sa.String(length=2), nullable=True),
        sa.Column("new", sa.String(length=2), nullable=False),
        sa.Column("changed_by", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.String(length=1000), nullable=False),
        sa.Column("changed_at", dutydesk.db.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ticket_id"],
            ["tickets.id"],
            name=op.f("fk_ticket_priority_changes_ticket_id_tickets"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_priority_changes")),
    )
    with op.batch_alter_table("ticket_priority_changes", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_priority_changes_ticket_id"), ["ticket_id"], unique=False
        )

    op.create_table(
        "ticket_attachments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("message_id", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("content_type", sa.String(length=255), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=True),
        sa.Column("skipped", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["message_id"],
            ["ticket_messages.id"],
            name=op.f("fk_ticket_attachments_message_id_ticket_messages"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ticket_attachments")),
    )
    with op.batch_alter_table("ticket_attachments", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ticket_attachments_message_id"), ["message_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("ticket_attachments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_attachments_message_id"))

    op.drop_table("ticket_attachments")
    with op.batch_alter_table("ticket_priority_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_priority_changes_ticket_id"))

    op.drop_table("ticket_priority_changes")
    with op.batch_alter_table("ticket_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_messages_ticket_id"))

    op.drop_table("ticket_messages")
    with op.batch_alter_table("ticket_followers", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_ticket_followers_person_id"))

    op.drop_table("ticket_followers")
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_tenant_id"))
        batch_op.drop_index("ix_tickets_status_priority")
        batch_op.drop_index(batch_op.f("ix_tickets_requester_email"))
        batch_op.drop_index("ix_tickets_next_reminder_at")
        batch_op.drop_index(batch_op.f("ix_tickets_created_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_breached_at"))
        batch_op.drop_index(batch_op.f("ix_tickets_assignee_id"))
        batch_op.drop_index(batch_op.f("ix_tickets_answer_due_at"))

    op.drop_table("tickets")
    with op.batch_alter_table("tenant_domains", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tenant_domains_tenant_id"))

    op.drop_table("tenant_domains")
    with op.batch_alter_table("tenant_contacts", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tenant_contacts_tenant_id"))

    op.drop_table("tenant_contacts")
    op.drop_table("tenants")
