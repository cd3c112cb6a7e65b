"""JSON shape of audit entries."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from dutydesk.audit.service import AuditRecord


class AuditRead(BaseModel):
    """One change: who made it, what it was, when."""

    id: int
    at: datetime
    actor: str = Field(examples=["user:alice"], description='"user:<name>", "cli" or "worker".')
    action: str = Field(examples=["swap.take"])
    rota: str | None
    people: list[str]
    summary: str
    details: dict[str, Any]


def audit_read(found: AuditRecord, zone: ZoneInfo) -> AuditRead:
    """An entry with its time in the team's zone."""
    entry = found.entry
    return AuditRead(
        id=entry.id,
        at=entry.at.astimezone(zone),
        actor=entry.actor,
        action=entry.action,
        rota=entry.rota_id,
        people=found.person_ids,
        summary=entry.summary,
        details=entry.details,
    )
