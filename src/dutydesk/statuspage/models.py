"""The status page: components (some of them groups) and their state over time, status-page
incidents and scheduled maintenance with their updates, subscribers, the management API's keys,
what the page owes later (maintenance steps, notices, reminders), and the public snapshot."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

ID_LENGTH = 64
NAME_LENGTH = 255
# An update tenants read: a few paragraphs in plain English, not a log.
BODY_LENGTH = 20_000
ADDRESS_LENGTH = 2000

# Statuspage's values, so that its clients and the Terraform provider need no translation.
OPERATIONAL = "operational"
DEGRADED = "degraded_performance"
PARTIAL = "partial_outage"
MAJOR = "major_outage"
MAINTENANCE = "under_maintenance"
COMPONENT_STATES = (OPERATIONAL, DEGRADED, PARTIAL, MAJOR, MAINTENANCE)
# A component in one of these is not working as it should: it reminds the comms lead.
TROUBLED_STATES = (DEGRADED, PARTIAL, MAJOR)

INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED = (
    "investigating",
    "identified",
    "monitoring",
    "resolved",
)
INCIDENT_STATUSES = (INVESTIGATING, IDENTIFIED, MONITORING, RESOLVED)
SCHEDULED, IN_PROGRESS, VERIFYING, COMPLETED = "scheduled", "in_progress", "verifying", "completed"
MAINTENANCE_STATUSES = (SCHEDULED, IN_PROGRESS, VERIFYING, COMPLETED)
# A status-page incident or maintenance in one of these is over.
CLOSED_STATUSES = (RESOLVED, COMPLETED)

IMPACTS = ("none", "minor", "major", "critical", "maintenance")
INCIDENT, MAINTENANCE_KIND = "incident", "maintenance"

EMAIL, WEBHOOK = "email", "webhook"


class StatusComponent(Base):
    """A part of the service tenants see the state of; a group holds components."""

    __tablename__ = "status_components"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    description: Mapped[str] = mapped_column(Text, default="")
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    group_id: Mapped[str | None] = mapped_column(
        ForeignKey("status_components.id", ondelete="SET NULL"), index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)
    status: Mapped[str] = mapped_column(String(32), default=OPERATIONAL)
    # Since when it has been in its state: a troubled component reminds from here.
    status_since: Mapped[datetime] = mapped_column(UTCDateTime())
    only_show_if_degraded: Mapped[bool] = mapped_column(Boolean, default=False)
    showcase: Mapped[bool] = mapped_column(Boolean, default=True)
    # Declared in the team file (which `dutydesk apply` keeps in step), or made through the API
    # or the pages (which the file leaves alone).
    from_file: Mapped[bool] = mapped_column(Boolean, default=False)
    # The ids of the alert services whose alerts belong to it: they do not page during its
    # maintenance windows.
    services: Mapped[list[str]] = mapped_column(JSON, default=list)
    start_date: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class StatusComponentChange(Base):
    """A component entered a state at a time: the uptime bars are built from these."""

    __tablename__ = "status_component_changes"
    __table_args__ = (
        Index("ix_status_component_changes_component_id_at", "component_id", "at"),
        # The changes of the uptime bars' window, every component's together.
        Index("ix_status_component_changes_at", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    component_id: Mapped[str] = mapped_column(
        ForeignKey("status_components.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(UTCDateTime())


class StatusIncident(Base):
    """What tenants are told of an incident or a maintenance window (`kind`), with its
    components; made from an incident (`incident_id`) or on its own."""

    __tablename__ = "status_incidents"
    __table_args__ = (
        Index("ix_status_incidents_kind_status", "kind", "status"),
        Index("ix_status_incidents_created_at", "created_at"),
        # The history the public page lists: closed within its window.
        Index("ix_status_incidents_resolved_at", "resolved_at"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    status: Mapped[str] = mapped_column(String(16))
    # The impact shown: the one given (impact_override), else worked out from the components.
    impact: Mapped[str] = mapped_column(String(16))
    impact_override: Mapped[str | None] = mapped_column(String(16))
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    monitoring_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_update_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Maintenance only: the window, whether subscribers are told 60 minutes before it, and
    # whether it moves to in progress and completed by itself.
    scheduled_for: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_until: Mapped[datetime | None] = mapped_column(UTCDateTime())
    scheduled_remind_prior: Mapped[bool] = mapped_column(Boolean, default=True)
    scheduled_auto_in_progress: Mapped[bool] = mapped_column(Boolean, default=True)
    scheduled_auto_completed: Mapped[bool] = mapped_column(Boolean, default=True)
    # Who made it: kept for the team's pages and the audit log, never published.
    created_by: Mapped[str] = mapped_column(String(200))


class StatusIncidentComponent(Base):
    """A component a status-page incident or maintenance concerns."""

    __tablename__ = "status_incident_components"

    status_incident_id: Mapped[str] = mapped_column(
        ForeignKey("status_incidents.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("status_components.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StatusIncidentUpdate(Base):
    """One published update: its status, its text and what it did to the components."""

    __tablename__ = "status_incident_updates"
    __table_args__ = (
        Index(
            "ix_status_incident_updates_status_incident_id_display_at",
            "status_incident_id",
            "display_at",
        ),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    status_incident_id: Mapped[str] = mapped_column(
        ForeignKey("status_incidents.id", ondelete="CASCADE")
    )
    status: Mapped[str] = mapped_column(String(16))
    # Markdown as written; the page shows it rendered and sanitised.
    body: Mapped[str] = mapped_column(Text)
    display_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deliver_notifications: Mapped[bool] = mapped_column(Boolean, default=True)
    # [{"code": id, "name": …, "old_status": …, "new_status": …}], as Statuspage gives them.
    affected_components: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    # How many subscribers were told of it (0: none, as when no component was selected).
    notified: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(200))


class StatusSubscriber(Base):
    """Someone told of updates: an e-mail address (confirmed by a link before any mail but the
    confirmation goes to it) or a webhook URL; of every component, or of those chosen."""

    __tablename__ = "status_subscribers"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    address: Mapped[str] = mapped_column(String(ADDRESS_LENGTH))
    # SHA-256 of the address as compared (an e-mail address in lower case): one row each.
    address_digest: Mapped[str] = mapped_column(String(64), unique=True)
    all_components: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)
    # The last confirmation mail sent, so that asking again and again sends few.
    confirmation_sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StatusSubscriberComponent(Base):
    """A component a subscriber chose (a subscriber of every component has none)."""

    __tablename__ = "status_subscriber_components"

    subscriber_id: Mapped[str] = mapped_column(
        ForeignKey("status_subscribers.id", ondelete="CASCADE"), primary_key=True
    )
    component_id: Mapped[str] = mapped_column(
        ForeignKey("status_components.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class StatusApiKey(Base):
    """A key for the Statuspage-compatible management API, acting as its user; only its
    SHA-256 digest is stored."""

    __tablename__ = "status_api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class StatusDue(Base):
    """Something the status page owes at a time: a maintenance window's start or end, its
    notice to subscribers, a reminder of a troubled component or of an incident left without
    an update. `key` names it, so owing it twice is one row; the worker claims the due ones."""

    __tablename__ = "status_due"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    subject_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class StatusSnapshot(Base):
    """The public page as of the last change (one row, id "public"): everything the public
    site shows and nothing else, so serving it reads no other table. `version` moves on with
    every change; each process renders a version once."""

    __tablename__ = "status_snapshots"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    built_at: Mapped[datetime] = mapped_column(UTCDateTime())
    document: Mapped[dict[str, Any]] = mapped_column(JSON)


class StatusPageSettings(Base):
    """The team file's `status_page:` as applied (one row, id "settings"); none: the defaults."""

    __tablename__ = "status_page_settings"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
