"""Pydantic shapes of incidents for the API and `--json`: times in the team's zone."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal
from zoneinfo import ZoneInfo

from pydantic import BaseModel, Field

from dutydesk.incidents.document import render
from dutydesk.incidents.models import Incident, TimelineEntry
from dutydesk.incidents.timeline import Entry
from dutydesk.incidents.views import IncidentView
from dutydesk.timeparse import in_zone

Priority = Literal["P1", "P2", "P3", "P4"]
Status = Literal["active", "mitigated", "resolved", "reviewed"]
Role = Literal["lead", "comms", "escalation"]


class IncidentCreate(BaseModel):
    """Declare an incident."""

    title: str = Field(max_length=300, description="What is wrong, in a few words.")
    priority: Priority
    alerts: list[int] = Field(default_factory=list, max_length=100, description="Alerts to link.")
    tickets: list[int] = Field(default_factory=list, max_length=100, description="Tickets to link.")
    lead: str | None = Field(
        default=None, description="The incident lead's person id; default the engineer on support."
    )


class IncidentRead(BaseModel):
    id: int
    title: str
    priority: Priority
    status: Status
    source: str
    declared_at: datetime
    declared_by: str
    mitigated_at: datetime | None
    resolved_at: datetime | None
    reviewed_at: datetime | None
    review_due_at: datetime | None
    last_update_at: datetime | None = Field(description="The last update published to tenants.")
    url: str


class RoleRead(BaseModel):
    role: Role
    person: str | None
    started_at: datetime
    ended_at: datetime | None = Field(description="None: holds it still.")
    reason: str


class EntryRead(BaseModel):
    id: int
    occurred_at: datetime
    recorded_at: datetime
    kind: str
    author: str
    text: str
    pinned: bool
    edited_at: datetime | None


class IncidentDetail(IncidentRead):
    roles: list[RoleRead] = Field(description="Every holding of every role, oldest first.")
    participants: list[str]
    alerts: list[int]
    tickets: list[int]
    document: str = Field(description="Markdown.")
    document_html: str = Field(description="The document rendered and sanitised.")
    document_version: int
    reminders: dict[str, datetime] = Field(description="Each kind's next reminder.")
    timeline: list[EntryRead]


class StatusChange(BaseModel):
    status: Literal["active", "mitigated", "resolved"]


class PriorityChange(BaseModel):
    priority: Priority


class RoleChange(BaseModel):
    person: str = Field(max_length=64)


class EntryCreate(BaseModel):
    text: str = Field(max_length=10_000)
    occurred_at: str | None = Field(
        default=None, description="ISO 8601 (team time without an offset); default now."
    )


class EntryChange(BaseModel):
    text: str | None = Field(default=None, max_length=10_000)
    occurred_at: str | None = None
    pinned: bool | None = None


class DocumentSave(BaseModel):
    text: str = Field(max_length=200_000)
    base_version: int = Field(ge=1, description="The version the text was edited from.")


class DocumentRead(BaseModel):
    version: int
    text: str
    html: str
    saved_by: str
    saved_at: datetime


class UpdateRecord(BaseModel):
    text: str = Field(max_length=5_000, description="What tenants were told.")


class CheckAnswer(BaseModel):
    all_ok: bool
    note: str = Field(default="", max_length=500)


class LinkCreate(BaseModel):
    alert: int | None = Field(default=None, ge=1, le=2_147_483_647)
    ticket: int | None = Field(default=None, ge=1, le=2_147_483_647)


def incident_read(incident: Incident, zone: ZoneInfo, base_url: str) -> IncidentRead:
    return IncidentRead(**_fields(incident, zone, base_url))


def _fields(incident: Incident, zone: ZoneInfo, base_url: str) -> dict[str, object]:
    return {
        "id": incident.id,
        "title": incident.title,
        "priority": incident.priority,
        "status": incident.status,
        "source": incident.source,
        "declared_at": in_zone(incident.declared_at, zone),
        "declared_by": incident.declared_by,
        "mitigated_at": in_zone(incident.mitigated_at, zone),
        "resolved_at": in_zone(incident.resolved_at, zone),
        "reviewed_at": in_zone(incident.reviewed_at, zone),
        "review_due_at": in_zone(incident.review_due_at, zone),
        "last_update_at": in_zone(incident.last_update_at, zone),
        "url": f"{base_url}/incidents/{incident.id}",
    }


def entry_read(entry: Entry | TimelineEntry, zone: ZoneInfo) -> EntryRead:
    occurred = in_zone(entry.occurred_at, zone)
    recorded = in_zone(entry.recorded_at, zone)
    assert occurred is not None and recorded is not None
    return EntryRead(
        id=entry.id,
        occurred_at=occurred,
        recorded_at=recorded,
        kind=entry.kind,
        author=entry.author,
        text=entry.text,
        pinned=entry.pinned,
        edited_at=in_zone(entry.edited_at, zone),
    )


def incident_detail(view: IncidentView, zone: ZoneInfo, base_url: str) -> IncidentDetail:
    incident = view.incident
    return IncidentDetail(
        **_fields(incident, zone, base_url),
        roles=[
            RoleRead(
                role=row.role,
                person=row.person_id,
                started_at=in_zone(row.started_at, zone),
                ended_at=in_zone(row.ended_at, zone),
                reason=row.reason,
            )
            for row in view.roles
        ],
        participants=[p.person_id for p in view.participants],
        alerts=[a.id for a in view.alerts],
        tickets=[t.id for t in view.tickets],
        document=incident.document,
        document_html=render(incident.document),
        document_version=incident.document_version,
        reminders={kind: in_zone(row.due_at, zone) for kind, row in view.reminders.items()},
        timeline=[entry_read(entry, zone) for entry in view.entries],
    )


def document_read(incident: Incident, zone: ZoneInfo) -> DocumentRead:
    saved_at = in_zone(incident.document_saved_at, zone)
    assert saved_at is not None
    return DocumentRead(
        version=incident.document_version,
        text=incident.document,
        html=render(incident.document),
        saved_by=incident.document_saved_by,
        saved_at=saved_at,
    )


class FollowUp(BaseModel):
    title: str = Field(max_length=300)
    owner: str | None = Field(default=None, max_length=64, description="A person's id.")
    due_on: date | None = None


class ReviewCreate(BaseModel):
    what_happened: str = Field(max_length=20_000)
    impact: str = Field(default="", max_length=20_000)
    went_well: str = Field(default="", max_length=20_000)
    went_badly: str = Field(default="", max_length=20_000)
    follow_ups: list[FollowUp] = Field(default_factory=list, max_length=20)


class TaskRead(BaseModel):
    id: int
    title: str
    owner: str | None
    due_on: date | None
    status: str


class ReviewRead(BaseModel):
    what_happened: str
    impact: str
    went_well: str
    went_badly: str
    timeline: str = Field(description="The timeline as imported when it was held (Markdown).")
    held_by: str
    held_at: datetime
    follow_ups: list[TaskRead]
