"""Pydantic shapes: the PagerDuty Events API v2 bodies and answers, and Dutydesk's alerts."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal, cast
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, RootModel, field_validator

from dutydesk.alerts.models import (
    DEDUP_KEY_LENGTH,
    FIELD_LENGTH,
    SUMMARY_LENGTH,
    Alert,
    AlertLogEntry,
)
from dutydesk.alerts.service import NOTE_LENGTH
from dutydesk.alerts.untrusted import (
    MAX_DEPTH,
    check_depth,
    web_images,
    web_links,
    web_url,
    within_depth,
)
from dutydesk.timeparse import in_zone

ROUTING_KEY_LENGTH = 32


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store text with NUL in it; no sender means one.
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def utc_time(value: str) -> datetime:
    """An ISO 8601 time as aware UTC; one without an offset is taken to be UTC."""
    parsed = datetime.fromisoformat(value)
    return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)


def _iso_time(value: str) -> str:
    try:
        utc_time(value)
    except (ValueError, OverflowError):  # not a time; a time at the very ends of the calendar
        raise ValueError("is not an ISO 8601 time like 2026-01-14T10:00:00Z") from None
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
ShortText = Annotated[str, Field(min_length=1, max_length=FIELD_LENGTH), AfterValidator(_no_nul)]
Summary = Annotated[str, Field(min_length=1, max_length=SUMMARY_LENGTH), AfterValidator(_no_nul)]
Timestamp = Annotated[str, AfterValidator(_iso_time)]
DedupKey = Annotated[str, Field(min_length=1, max_length=DEDUP_KEY_LENGTH), AfterValidator(_no_nul)]
# Free-form JSON a sender attaches (custom_details): anything, nested at most MAX_DEPTH levels.
Details = Annotated[
    Any,
    AfterValidator(check_depth),
    Field(description=f"Any JSON, nested at most {MAX_DEPTH} levels of objects and arrays."),
]


class _Lenient(BaseModel):
    # Senders add fields of their own (Alertmanager, pdpyras); ignore them as PagerDuty does.
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class Link(_Lenient):
    """A link shown with the alert."""

    href: ShortText
    text: Text | None = None


class Image(_Lenient):
    """An image shown with the alert, such as a graph."""

    src: ShortText
    href: ShortText | None = None
    alt: Text | None = None


class EventEnvelope(_Lenient):
    """An event's outer fields; the payload is checked separately, and only for triggers."""

    routing_key: Annotated[
        str,
        Field(
            min_length=ROUTING_KEY_LENGTH,
            max_length=ROUTING_KEY_LENGTH,
            description="An integration key from `dutydesk integration add`.",
        ),
    ]
    event_action: Literal["trigger", "acknowledge", "resolve"]
    dedup_key: DedupKey | None = None
    payload: Any = None
    # pdpyras sends null for images and links it was not given.
    images: list[Image] | None = Field(default=None, max_length=100)
    links: list[Link] | None = Field(default=None, max_length=100)
    client: ShortText | None = None
    client_url: ShortText | None = None


class TriggerPayload(_Lenient):
    """What a trigger says about the problem."""

    summary: Summary
    source: ShortText
    severity: Literal["critical", "error", "warning", "info"]
    timestamp: Timestamp | None = None
    component: ShortText | None = None
    group: ShortText | None = None
    class_: ShortText | None = Field(default=None, alias="class")
    custom_details: Details = None


class TriggerEventV2(EventEnvelope):
    """A trigger: its payload says what is wrong (for the OpenAPI document)."""

    event_action: Literal["trigger"]
    payload: TriggerPayload


class FollowUpEventV2(EventEnvelope):
    """An acknowledge or resolve of an alert's dedup_key (for the OpenAPI document). Whatever
    payload it carries is not read, as PagerDuty does: clients often send the trigger's again."""

    event_action: Literal["acknowledge", "resolve"]
    dedup_key: DedupKey


class EventV2(RootModel[TriggerEventV2 | FollowUpEventV2]):
    """A PagerDuty Events API v2 event (for the OpenAPI document)."""


class ChangePayload(_Lenient):
    """What a change event says."""

    summary: Summary
    timestamp: Timestamp | None = None
    source: ShortText | None = None
    custom_details: Details = None


class ChangeEventV2(_Lenient):
    """A PagerDuty change event."""

    routing_key: Annotated[str, Field(min_length=ROUTING_KEY_LENGTH, max_length=ROUTING_KEY_LENGTH)]
    payload: ChangePayload
    links: list[Link] | None = Field(default=None, max_length=100)


class EventAccepted(BaseModel):
    """The answer to an accepted event."""

    status: str = Field(examples=["success"])
    message: str = Field(examples=["Event processed"])
    dedup_key: str | None = Field(default=None, examples=["srv01/mysql-disk-full"])


class EventRefused(BaseModel):
    """The answer to an event that was not accepted; `errors` names each problem."""

    status: str = Field(examples=["invalid event"])
    message: str = Field(examples=["Event object is invalid"])
    errors: list[str] = Field(default_factory=list, examples=[["'payload.summary' is missing"]])


# The Dutydesk API's alert shapes (`/api/v1/alerts`), for people acting on alerts.

AlertStatus = Literal["triggered", "acknowledged", "resolved"]


class AlertNote(BaseModel):
    """A note for an alert's log."""

    model_config = ConfigDict(extra="forbid")

    text: Annotated[
        str, Field(min_length=1, max_length=NOTE_LENGTH, examples=["Failing over to db-2"])
    ] = Field(description=f"Up to {NOTE_LENGTH} characters.")

    @field_validator("text")
    @classmethod
    def _said_something(cls, value: str) -> str:
        _no_nul(value)
        if not value.strip():
            raise ValueError("the note is blank")
        return value


class AlertLogRead(BaseModel):
    """One event or action on an alert."""

    at: datetime
    kind: str = Field(
        examples=["acknowledge"],
        description=(
            "trigger, acknowledge, resolve, note, snooze, reassign, retrigger, page, handover,"
            " outside-hours, nobody-on-call, fell-through, no-contact, pages-withdrawn,"
            " escalation-ended"
        ),
    )
    actor: str = Field(examples=["user:rhea"], description="integration:ID, user:NAME or cli:NAME")
    details: dict[str, Any]


class AlertRead(BaseModel):
    """An alert: what the service said, its state, and who moved it there."""

    model_config = ConfigDict(populate_by_name=True)

    id: int
    service: str
    dedup_key: str
    status: AlertStatus
    summary: str
    source: str
    severity: str
    component: str | None
    group: str | None
    class_: str | None = Field(alias="class")
    custom_details: Any
    links: list[Any]
    images: list[Any]
    client: str | None
    client_url: str | None
    event_count: int
    created_at: datetime
    last_event_at: datetime
    acknowledged_at: datetime | None
    acknowledged_by: str | None
    resolved_at: datetime | None
    resolved_by: str | None
    page_group: int | None = Field(
        description="The alert group whose pages cover this alert (a storm on a service is one)."
    )
    retrigger_at: datetime | None = Field(
        description="When this acknowledged or snoozed alert pages again if still unresolved."
    )


class AlertSnooze(BaseModel):
    """How long to snooze an alert for."""

    model_config = ConfigDict(extra="forbid")

    duration: str = Field(
        min_length=1, max_length=16, examples=["1h"], description="1m to 7d, like 30m, 4h, 1d."
    )


class AlertReassign(BaseModel):
    """Whom to give an alert (and its group) to."""

    model_config = ConfigDict(extra="forbid")

    person: Annotated[str, AfterValidator(_no_nul)] = Field(
        min_length=1, max_length=64, examples=["alice"], description="A person id."
    )


def alert_read(alert: Alert, zone: ZoneInfo) -> AlertRead:
    """An alert with times in the team's zone."""
    return AlertRead(
        id=alert.id,
        service=alert.service_id,
        dedup_key=alert.dedup_key,
        status=cast(AlertStatus, alert.status),
        summary=alert.summary,
        source=alert.source,
        severity=alert.severity,
        component=alert.component,
        group=alert.alert_group,
        class_=alert.alert_class,
        # What was stored before the intake rules, or straight into the database, is cut to
        # them here: too deep a value cannot be serialised, and no other URL may become a link.
        custom_details=within_depth(alert.custom_details),
        links=web_links(alert.links),
        images=web_images(alert.images),
        client=alert.client,
        client_url=web_url(alert.client_url),
        event_count=alert.event_count,
        created_at=alert.created_at.astimezone(zone),
        last_event_at=alert.last_event_at.astimezone(zone),
        acknowledged_at=in_zone(alert.acknowledged_at, zone),
        acknowledged_by=alert.acknowledged_by,
        resolved_at=in_zone(alert.resolved_at, zone),
        resolved_by=alert.resolved_by,
        page_group=alert.group_id,
        retrigger_at=in_zone(alert.retrigger_at, zone),
    )


def _log_details(details: Any) -> dict[str, Any]:
    # A log entry's details are an object Dutydesk wrote, perhaps holding a sender's deep
    # custom_details; anything else there was not written by Dutydesk.
    found = within_depth(details if isinstance(details, dict) else {"value": details})
    assert isinstance(found, dict)
    return found


def log_read(entry: AlertLogEntry, zone: ZoneInfo) -> AlertLogRead:
    """A log entry with its time in the team's zone."""
    return AlertLogRead(
        at=entry.at.astimezone(zone),
        kind=entry.kind,
        actor=entry.actor,
        details=_log_details(entry.details),
    )
