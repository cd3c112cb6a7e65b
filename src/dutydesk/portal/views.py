"""What a tenant is told about a ticket's state: pure, no database.

A tenant sees the status in plain words and, while the team owes an answer, when it aims to
answer: the due time of the ticket's clock. Nothing else of the clock is shown: not the
priority, the target, the reminders, who has picked the ticket up, or the team's notes
(docs/portal.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from dutydesk.tickets.policy import UPDATE

# The statuses as a tenant reads them.
STATUS_LABELS = {
    "new": "Received",
    "open": "Open",
    "pending": "Waiting for you",
    "solved": "Solved",
    "closed": "Closed",
}


@dataclass(frozen=True)
class TenantView:
    """What to tell the tenant: the status's label, and either when the team aims to answer
    (`aim` then the time `due_at`) or a sentence (`message`)."""

    label: str
    aim: str | None = None
    due_at: datetime | None = None
    message: str | None = None

    @property
    def may_reply(self) -> bool:
        """Whether the tenant can still write on the ticket (a closed one takes no more)."""
        return self.label != STATUS_LABELS["closed"]


def tenant_view(
    status: str, clock_kind: str | None, answer_due_at: datetime | None, now: datetime
) -> TenantView:
    """The tenant's view of a ticket with this status and clock at `now`."""
    label = STATUS_LABELS.get(status, status)
    if status in ("new", "open"):
        if answer_due_at is None:
            return TenantView(label, message="We will answer as soon as we can.")
        if answer_due_at <= now:
            return TenantView(
                label,
                message="We have not answered in the time we aimed for;"
                " we will answer as soon as we can.",
            )
        if clock_kind == UPDATE:
            return TenantView(label, aim="We aim to update you by", due_at=answer_due_at)
        return TenantView(label, aim="We aim to answer by", due_at=answer_due_at)
    if status == "pending":
        return TenantView(
            label, message="We are waiting for your answer: write below when you have it."
        )
    if status == "solved":
        return TenantView(
            label,
            message="We think this is solved. If it is not, write below and it opens again.",
        )
    return TenantView(label, message="This ticket is closed. Open a new ticket to follow it up.")
