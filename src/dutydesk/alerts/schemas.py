"""The PagerDuty Events API v2 bodies Dutydesk accepts, and its answers, as pydantic models."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from dutydesk.alerts.models import DEDUP_KEY_LENGTH, FIELD_LENGTH, SUMMARY_LENGTH

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
    dedup_key: (
        Annotated[str, Field(min_length=1, max_length=DEDUP_KEY_LENGTH), AfterValidator(_no_nul)]
        | None
    ) = None
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
    custom_details: Any = None


class EventV2(EventEnvelope):
    """A PagerDuty Events API v2 event (for the OpenAPI document)."""

    payload: TriggerPayload | None = None


class ChangePayload(_Lenient):
    """What a change event says."""

    summary: Summary
    timestamp: Timestamp | None = None
    source: ShortText | None = None
    custom_details: Any = None


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
