"""Escalation policies (from the team file), alert groups and the pages sent for them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime


class EscalationPolicy(Base):
    """A policy as the team file declares it; `definition` is its validated YAML as JSON."""

    __tablename__ = "escalation_policies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class AlertGroup(Base):
    """Alerts on one service that share their pages; escalation state lives here.

    `next_step_at` is the only timer: the worker claims groups whose step is due. NULL means
    nothing is escalating (everything acknowledged or resolved, or the policy ran out).
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


class GroupPage(Base):
    """One notification queued for a group: to whom, how, and the outbox message carrying it."""

    __tablename__ = "group_pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("alert_groups.id", ondelete="CASCADE"), index=True
    )
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime())
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    run: Mapped[int] = mapped_column(Integer)
    loop_index: Mapped[int] = mapped_column(Integer)
    step_index: Mapped[int] = mapped_column(Integer)
    policy_id: Mapped[str | None] = mapped_column(String(64))
    # A person's id, or None for a channel target (a Slack channel, a list, a webhook).
    person_id: Mapped[str | None] = mapped_column(String(64))
    via: Mapped[str] = mapped_column(String(32))
    destination: Mapped[str] = mapped_column(String(2000))
    outbox_message_id: Mapped[int | None] = mapped_column(
        ForeignKey("outbox_messages.id", ondelete="SET NULL")
    )
