"""Services (declared in the team file), their integration keys, alerts, the groups alerts
join, and change events."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

# An alert's states: triggered → acknowledged → resolved (and back to triggered when an
# acknowledgement times out or it is reassigned).
TRIGGERED = "triggered"
ACKNOWLEDGED = "acknowledged"
RESOLVED = "resolved"
DEDUP_KEY_LENGTH = 255
SUMMARY_LENGTH = 1024
FIELD_LENGTH = 1024


class Service(Base):
    """Something that is monitored and raises alerts, such as "the platform API"."""

    __tablename__ = "services"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(String(1000))
    position: Mapped[int] = mapped_column(Integer, default=0)
    # The id of the escalation policy that pages for it (None: its alerts page nobody).
    escalation_policy_id: Mapped[str | None] = mapped_column(String(64))
    # As written in the team file ("5m"); "0m" turns grouping off.
    group_window: Mapped[str] = mapped_column(String(16), default="5m")


class IntegrationKey(Base):
    """A secret a monitoring system sends events with; only its SHA-256 digest is stored."""

    __tablename__ = "integration_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(120))
    key_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class AlertGroup(Base):
    """Alerts on one service that share their pages: an alert storm is one group.

    Alerts join and close groups (alerts/grouping.py). The columns from `policy_id` on are
    escalation's state, written only by escalation when it reacts to the group's alerts
    (docs/adr/0008). `next_step_at` is its one timer: the worker claims groups whose step is
    due. NULL means nothing is escalating (everything acknowledged or resolved, or the policy
    ran out).
    """

    __tablename__ = "alert_groups"
    __table_args__ = (
        Index("ix_alert_groups_next_step_at", "next_step_at"),
        # The group new alerts join: the service's groups still within their window.
        Index("ix_alert_groups_service_id_join_until", "service_id", "join_until"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Alerts join while the group is open and younger than the service's group window.
    join_until: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The policy running now: the service's, or the one it handed over to outside hours.
    policy_id: Mapped[str | None] = mapped_column(String(64))
    # Which escalation this is: 1 for the first, +1 each time paging starts again.
    run: Mapped[int] = mapped_column(Integer, default=0)
    step_index: Mapped[int] = mapped_column(Integer, default=0)
    loop_index: Mapped[int] = mapped_column(Integer, default=0)
    next_step_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set by a reassign: the first step of the next run pages this person instead.
    assignee_id: Mapped[str | None] = mapped_column(String(64))


class Alert(Base):
    """One problem a service reported, deduplicated by its key while it is open."""

    __tablename__ = "alerts"
    # `open_key` is the dedup key while the alert is open and NULL once it is resolved. NULLs
    # never clash in a unique constraint (SQLite and PostgreSQL alike), so this allows one open
    # alert per key and any number of resolved ones, without a dialect-specific partial index.
    __table_args__ = (
        UniqueConstraint("service_id", "open_key"),
        # A group's alerts by state: whether any is still triggered, how many are open.
        Index("ix_alerts_group_id_status", "group_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # No index of its own: the unique (service_id, open_key) starts with it.
    service_id: Mapped[str] = mapped_column(ForeignKey("services.id", ondelete="CASCADE"))
    dedup_key: Mapped[str] = mapped_column(String(DEDUP_KEY_LENGTH))
    open_key: Mapped[str | None] = mapped_column(String(DEDUP_KEY_LENGTH))
    status: Mapped[str] = mapped_column(String(16))  # triggered, acknowledged or resolved
    summary: Mapped[str] = mapped_column(String(SUMMARY_LENGTH))
    source: Mapped[str] = mapped_column(String(FIELD_LENGTH))
    severity: Mapped[str] = mapped_column(String(16))
    component: Mapped[str | None] = mapped_column(String(FIELD_LENGTH))
    # "group" and "class" are SQL keywords; the columns carry a prefix instead.
    alert_group: Mapped[str | None] = mapped_column(String(FIELD_LENGTH))
    alert_class: Mapped[str | None] = mapped_column(String(FIELD_LENGTH))
    custom_details: Mapped[Any] = mapped_column(JSON, nullable=True)
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    images: Mapped[list[Any]] = mapped_column(JSON, default=list)
    client: Mapped[str | None] = mapped_column(String(FIELD_LENGTH))
    client_url: Mapped[str | None] = mapped_column(String(FIELD_LENGTH))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_event_at: Mapped[datetime] = mapped_column(UTCDateTime())
    event_count: Mapped[int] = mapped_column(Integer, default=1)
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_by: Mapped[str | None] = mapped_column(String(200))
    # The group whose pages cover this alert (an alert storm on one service is one group).
    group_id: Mapped[int | None] = mapped_column(ForeignKey("alert_groups.id", ondelete="SET NULL"))
    # When an acknowledged (or snoozed) alert that is still unresolved pages again.
    retrigger_at: Mapped[datetime | None] = mapped_column(UTCDateTime(), index=True)


class AlertLogEntry(Base):
    """One event or action on an alert: a trigger, an acknowledgement, a resolve."""

    __tablename__ = "alert_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    alert_id: Mapped[int] = mapped_column(ForeignKey("alerts.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    kind: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(200))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ChangeEvent(Base):
    """A change a service reported (a deploy, a configuration change); context, not a page."""

    __tablename__ = "change_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("services.id", ondelete="CASCADE"), index=True
    )
    received_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # When the change happened, as the sender said; None when it did not say.
    happened_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    summary: Mapped[str] = mapped_column(String(SUMMARY_LENGTH))
    source: Mapped[str | None] = mapped_column(String(FIELD_LENGTH))
    custom_details: Mapped[Any] = mapped_column(JSON, nullable=True)
    links: Mapped[list[Any]] = mapped_column(JSON, default=list)
    actor: Mapped[str] = mapped_column(String(200))
