"""What a Zendesk webhook's JSON says, checked field by field: a ZendeskUpdate, Ignored, or
Invalid naming the first bad field (docs/integrations.md#zendesk).

Two shapes are read:
- **Event subscriptions** (`{"type": "zen:event-type:ticket.created", "detail": {...},
  "event": {...}}`): every ticket event carries the ticket as it is now in `detail`;
  `ticket.comment_added` carries the comment in `event.comment`. Other events (users,
  organizations, …) are Ignored.
- **Trigger bodies**, Dutydesk's own (`{"ticket": {...}}`, built with Zendesk placeholders):
  the ticket with its requester's address, which event payloads never carry.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, BeforeValidator, ConfigDict, StrictBool, ValidationError

from dutydesk.alerts.intake import field_path
from dutydesk.errors import Invalid
from dutydesk.tenants.addresses import check_address
from dutydesk.text import storable
from dutydesk.tickets.models import EMAIL_LENGTH
from dutydesk.tickets.zendesk import (
    COMMENT_EVENT,
    GONE_EVENTS,
    PRIORITY_OF,
    STATUS_OF,
    Ignored,
    ZendeskComment,
    ZendeskTicket,
    ZendeskUpdate,
)

TICKET_EVENT_PREFIX = "zen:event-type:ticket."
# Zendesk's ids are 64-bit numbers, sent as numbers or strings of digits.
_ID_RE = re.compile(r"^[0-9]{1,20}$")
# 2026-01-14T10:00:00Z, 2026-01-14T10:00:00.123456789Z (Zendesk's events give nanoseconds),
# 2026-01-14T10:00Z (the `_with_timestamp` placeholders give minutes), 2026-01-14T10:00:00+00:00,
# 2026-01-14 10:00:00 +0000.
_TIME_RE = re.compile(
    r"^(\d{4}-\d{2}-\d{2})[T ](\d{2}:\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2})$"
)
M = TypeVar("M", bound=BaseModel)


def _zendesk_id(value: Any) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value < 10**20:
        return str(value)
    if isinstance(value, str) and _ID_RE.match(value) and int(value) > 0:
        return value
    raise ValueError("must be a Zendesk id: a whole number above 0, or a string of its digits")


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("must be a string")
    return storable(value)


def _time(value: Any) -> datetime:
    match = _TIME_RE.match(value.strip()) if isinstance(value, str) else None
    if match is None:
        raise ValueError("must be a time such as 2026-01-14T10:00:00Z")
    day, minutes, seconds, fraction, offset = match.groups()
    micro = (fraction or "").ljust(6, "0")[:6]
    offset = "+00:00" if offset == "Z" else offset
    try:
        parsed = datetime.fromisoformat(f"{day}T{minutes}:{seconds or '00'}.{micro}{offset}")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # 30 February; a year past 9999 in UTC
        raise ValueError("must be a time such as 2026-01-14T10:00:00Z") from None


def _status(value: Any) -> str | None:
    if value is None:
        return None
    # Events say OPEN; trigger placeholders say Open or On-hold.
    status = _text(value).strip().lower().replace("-", "_").replace(" ", "_")
    status = "hold" if status == "on_hold" else status
    if status not in STATUS_OF:
        raise ValueError(f"must be one of {', '.join(STATUS_OF)}")
    return status


def _priority(value: Any) -> str | None:
    if value is None:
        return None
    priority = _text(value).strip().lower()
    if priority in ("", "-"):
        return None
    if priority not in PRIORITY_OF:
        raise ValueError(f"must be one of {', '.join(PRIORITY_OF)}, or none")
    return priority


def _address(value: Any) -> str | None:
    text = _text(value).strip() if value is not None else ""
    if not text:
        return None
    if len(text) > EMAIL_LENGTH:
        raise ValueError(f"must be an e-mail address of at most {EMAIL_LENGTH} characters")
    return check_address(text)


ZendeskId = Annotated[str, BeforeValidator(_zendesk_id)]
Text = Annotated[str, BeforeValidator(_text)]
Time = Annotated[datetime, BeforeValidator(_time)]
Status = Annotated[str | None, BeforeValidator(_status)]
Priority = Annotated[str | None, BeforeValidator(_priority)]
Address = Annotated[str | None, BeforeValidator(_address)]


class _Read(BaseModel):
    model_config = ConfigDict(extra="ignore")


class EventAuthor(_Read):
    """Who wrote a comment: an agent (`is_staff`) or an end user."""

    id: ZendeskId | None = None
    name: Text | None = None
    is_staff: StrictBool


class EventComment(_Read):
    """`event.comment` of `ticket.comment_added`."""

    id: ZendeskId
    body: Text
    is_public: StrictBool
    author: EventAuthor


class EventDetail(_Read):
    """`detail` of a ticket event: the ticket as it is after the event."""

    id: ZendeskId
    updated_at: Time | None = None
    subject: Text | None = None
    status: Status = None
    priority: Priority = None
    description: Text | None = None


class TicketEvent(_Read):
    """A Zendesk ticket event (event subscriptions)."""

    type: Text
    time: Time | None = None
    detail: EventDetail
    event: dict[str, Any] | None = None


class TriggerRequester(_Read):
    """`ticket.requester` of a trigger body."""

    email: Address = None
    name: Text | None = None


class TriggerTicket(_Read):
    """`ticket` of a trigger body."""

    id: ZendeskId
    updated_at: Time
    subject: Text | None = None
    status: Status = None
    priority: Priority = None
    description: Text | None = None
    requester: TriggerRequester | None = None


class TriggerBody(_Read):
    """Dutydesk's trigger body: `{"ticket": {...}}`."""

    ticket: TriggerTicket


def read_update(data: dict[str, Any]) -> ZendeskUpdate | Ignored:
    """What a webhook's JSON object says; Invalid names the first field that is wrong."""
    if "type" in data:
        return _event(data)
    if "ticket" in data:
        return _trigger(_validated(TriggerBody, data).ticket)
    raise Invalid(
        "the body is neither a Zendesk event (with `type` and `detail`) nor a trigger body"
        " (with `ticket`)"
    )


def _event(data: dict[str, Any]) -> ZendeskUpdate | Ignored:
    kind = data["type"]
    if not isinstance(kind, str):
        raise Invalid("type: must be a string")
    if not kind.startswith(TICKET_EVENT_PREFIX):
        return Ignored(f"{kind[:100]} is not about a ticket")
    event = kind.removeprefix(TICKET_EVENT_PREFIX)
    read = _validated(TicketEvent, data)
    detail = read.detail
    if detail.updated_at is None and event not in GONE_EVENTS:
        raise Invalid("detail.updated_at: Field required")
    comment = None
    if event == COMMENT_EVENT:
        given = read.event.get("comment") if read.event is not None else None
        if not isinstance(given, dict):
            raise Invalid("event.comment: Field required")
        said = _validated(EventComment, given, prefix="event.comment")
        comment = ZendeskComment(
            id=said.id,
            body=said.body,
            public=said.is_public,
            by_staff=said.author.is_staff,
            author_name=said.author.name,
        )
    ticket = ZendeskTicket(
        id=detail.id,
        updated_at=detail.updated_at,
        subject=detail.subject,
        status=detail.status,
        priority=detail.priority,
        priority_given="priority" in data["detail"],
        description=detail.description,
    )
    return ZendeskUpdate(event=event, ticket=ticket, comment=comment, at=read.time)


def _trigger(said: TriggerTicket) -> ZendeskUpdate:
    requester = said.requester
    ticket = ZendeskTicket(
        id=said.id,
        updated_at=said.updated_at,
        subject=said.subject,
        status=said.status,
        priority=said.priority,
        priority_given="priority" in said.model_fields_set,
        description=said.description,
        requester_email=requester.email if requester else None,
        requester_name=requester.name if requester else None,
    )
    return ZendeskUpdate(event="trigger", ticket=ticket)


def _validated(model: type[M], data: dict[str, Any], *, prefix: str = "") -> M:
    try:
        return model.model_validate(data)
    except ValidationError as error:
        problem = error.errors()[0]
        message = str(problem["msg"]).removeprefix("Value error, ")
        raise Invalid(f"{field_path(problem['loc'], prefix)}: {message}") from None
