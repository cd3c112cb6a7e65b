"""Escalation policies (from the team file) and the pages sent for alert groups.

The alert groups themselves, and the escalation state on them, are in alerts/models.py: alerts
join groups, and escalation keeps its state in their columns (docs/adr/0008).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime


class EscalationPolicy(Base):
    """A policy as the team file declares it; `definition` is its validated YAML as JSON."""

    __tablename__ = "escalation_policies"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    position: Mapped[int] = mapped_column(Integer, default=0)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class GroupPage(Base):
    """One notification queued for a group: to whom, how, and the outbox message carrying it."""

    __tablename__ = "group_pages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    group_id: Mapped[int] = mapped_column(
        ForeignKey("alert_groups.id", ondelete="CASCADE"), index=True
    )
    # Indexed: the fairness report reads the pages of a period.
    queued_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
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
