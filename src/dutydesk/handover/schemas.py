"""What the handover API reads and answers."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from dutydesk.handover.models import NOTES_LENGTH, Handover
from dutydesk.timeparse import in_zone


class HandoverSummary(BaseModel):
    """A handover in the list: the handoff, who, and whether its report is made and read."""

    id: int
    rota: str
    handoff_at: datetime
    period_start_at: datetime
    outgoing: str | None
    incoming: str | None
    invited_at: datetime | None
    made_at: datetime | None
    acknowledged_by: str | None
    acknowledged_at: datetime | None


class HandoverRead(HandoverSummary):
    """A handover with its notes and its report's figures (None before the handoff)."""

    notes: str
    notes_by: str | None
    notes_at: datetime | None
    report: dict[str, Any] | None
    markdown_url: str


class NotesWrite(BaseModel):
    """The outgoing engineer's notes, in Markdown."""

    notes: str = Field(max_length=NOTES_LENGTH)


def handover_summary(row: Handover, zone: ZoneInfo) -> HandoverSummary:
    return HandoverSummary(
        id=row.id,
        rota=row.rota_id,
        handoff_at=in_zone(row.handoff_at, zone),
        period_start_at=in_zone(row.period_start_at, zone),
        outgoing=row.outgoing_id,
        incoming=row.incoming_id,
        invited_at=in_zone(row.invited_at, zone),
        made_at=in_zone(row.made_at, zone),
        acknowledged_by=row.acknowledged_by,
        acknowledged_at=in_zone(row.acknowledged_at, zone),
    )


def handover_read(row: Handover, zone: ZoneInfo) -> HandoverRead:
    return HandoverRead(
        **handover_summary(row, zone).model_dump(),
        notes=row.notes,
        notes_by=row.notes_by,
        notes_at=in_zone(row.notes_at, zone),
        report=row.report,
        markdown_url=f"/api/v1/handovers/{row.id}.md",
    )
