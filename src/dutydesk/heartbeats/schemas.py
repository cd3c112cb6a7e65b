"""Pydantic shapes of heartbeats: a listed heartbeat (never its token) and a ping's answer."""

from __future__ import annotations

from datetime import datetime
from typing import Literal, cast
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from dutydesk.heartbeats.models import Heartbeat
from dutydesk.heartbeats.service import heartbeat_status
from dutydesk.timeparse import in_zone

HeartbeatStatus = Literal["ok", "late", "missed", "never pinged", "revoked"]


class HeartbeatRead(BaseModel):
    """A heartbeat monitor and where it stands; never its token."""

    id: int
    service: str
    name: str
    interval_seconds: int
    grace_seconds: int
    status: HeartbeatStatus = Field(
        description="ok; late (past the interval, within the grace); missed (an alert is open,"
        " or is about to be); never pinged; revoked."
    )
    created_at: datetime
    last_ping_at: datetime | None
    due_at: datetime = Field(description="When a miss is declared if no ping comes first.")
    revoked_at: datetime | None


class PingAccepted(BaseModel):
    """The answer to a ping."""

    status: Literal["ok"] = "ok"
    next_due_at: datetime = Field(
        description="The next ping must come before this (the interval plus the grace)."
    )


def heartbeat_read(heartbeat: Heartbeat, zone: ZoneInfo, now: datetime) -> HeartbeatRead:
    """A heartbeat with times in the team's zone and its status at `now`."""
    return HeartbeatRead(
        id=heartbeat.id,
        service=heartbeat.service_id,
        name=heartbeat.name,
        interval_seconds=heartbeat.interval_seconds,
        grace_seconds=heartbeat.grace_seconds,
        status=cast(HeartbeatStatus, heartbeat_status(heartbeat, now)),
        created_at=heartbeat.created_at.astimezone(zone),
        last_ping_at=in_zone(heartbeat.last_ping_at, zone),
        due_at=heartbeat.due_at.astimezone(zone),
        revoked_at=in_zone(heartbeat.revoked_at, zone),
    )
