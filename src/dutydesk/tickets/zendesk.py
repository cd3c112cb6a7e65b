"""A Zendesk ticket as Dutydesk mirrors it: what a webhook says of it (ZendeskUpdate), and how
Zendesk's statuses and priorities map onto Dutydesk's. Pure: no database (the mirroring is
tickets/zendesk_mirror.py, the reading of payloads tickets/zendesk_payloads.py).

| Zendesk priority | Dutydesk |      | Zendesk status | Dutydesk |
|---|---|---|---|---|
| urgent | P1 | | new | new |
| high | P2 | | open | open |
| normal | P3 | | pending | pending (the clock pauses) |
| low | P4 | | hold (on-hold) | open (waiting on a third party: the tenant is owed answers) |
| none | untriaged | | solved | solved |
|  |  | | closed, deleted, archived, scrubbed | closed |
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

# The statuses Zendesk gives a ticket, and the events' own for tickets that are gone.
STATUS_OF = {
    "new": "new",
    "open": "open",
    "pending": "pending",
    "hold": "open",
    "solved": "solved",
    "closed": "closed",
    "deleted": "closed",
    "archived": "closed",
    "scrubbed": "closed",
}
PRIORITY_OF = {"urgent": "P1", "high": "P2", "normal": "P3", "low": "P4"}
# Event types that take the ticket away in Zendesk: its mirror is closed.
GONE_EVENTS = ("soft_deleted", "permanently_deleted", "marked_as_spam", "merged")
COMMENT_EVENT = "comment_added"
# The first comment of a ticket, kept from its description before the comment itself arrives.
DESCRIPTION_KEY = "description"


@dataclass(frozen=True)
class ZendeskTicket:
    """A ticket as a webhook describes it; None: the webhook does not say."""

    id: str
    updated_at: datetime | None
    subject: str | None = None
    status: str | None = None  # Zendesk's, lower case (STATUS_OF's keys)
    priority: str | None = None  # Zendesk's, lower case (PRIORITY_OF's keys); None: none
    priority_given: bool = False  # whether the webhook says the priority at all
    description: str | None = None
    requester_email: str | None = None
    requester_name: str | None = None


@dataclass(frozen=True)
class ZendeskComment:
    """A comment added to a ticket: public (the requester sees it) or an internal note, by an
    agent (staff) or by the requester or another end user."""

    id: str
    body: str
    public: bool
    by_staff: bool
    author_name: str | None = None


@dataclass(frozen=True)
class ZendeskUpdate:
    """One webhook's news of one ticket: its state, maybe a new comment, or that it is gone.
    `event` is the event type without its prefix (`comment_added`), or `trigger`."""

    event: str
    ticket: ZendeskTicket
    comment: ZendeskComment | None = None
    at: datetime | None = None  # when it happened in Zendesk, when the webhook says

    @property
    def gone(self) -> bool:
        """Whether the ticket was deleted, marked as spam or merged into another in Zendesk."""
        return self.event in GONE_EVENTS


@dataclass(frozen=True)
class Ignored:
    """A webhook about something other than a ticket: acknowledged, and nothing is done."""

    reason: str


def dutydesk_status(zendesk_status: str) -> str:
    """The Dutydesk status of a Zendesk status (a key of STATUS_OF)."""
    return STATUS_OF[zendesk_status]


def dutydesk_priority(zendesk_priority: str | None) -> str | None:
    """P1–P4 for urgent, high, normal and low; None (untriaged) for none."""
    return PRIORITY_OF.get(zendesk_priority) if zendesk_priority else None


def ticket_url(zendesk_url: str | None, ticket_id: str) -> str | None:
    """The agent's page of a ticket in the Zendesk at `zendesk_url` (None: not configured)."""
    if zendesk_url is None:
        return None
    return f"{zendesk_url}/agent/tickets/{ticket_id}"


def comment_key(comment_id: str) -> str:
    """What a mirrored comment is kept under on its ticket (ticket_messages.external_id)."""
    return f"comment:{comment_id}"


def same_text(one: str, other: str) -> bool:
    """Whether two texts say the same, whatever their spacing and line breaks."""
    return one.split() == other.split()
