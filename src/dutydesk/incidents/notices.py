"""What incidents tell people, as outbox messages: a role holder by their notification rules,
the team's incident channel and the incident list. Each message has a key naming what it is
about, so a retried transaction never queues it twice.

Text goes out as plain text: the outbox's Slack channel escapes Slack's control characters
and e-mail is sent as text/plain with headers folded by the mail library, so nothing anyone
typed into a title becomes markup or a header.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from dutydesk.escalation.policy import SUBJECT_LENGTH, messages_by_rules
from dutydesk.incidents.models import Incident
from dutydesk.incidents.spec import IncidentsSpec
from dutydesk.notify.service import Outgoing
from dutydesk.people.models import Person
from dutydesk.text import one_line


def incident_link(base_url: str, incident_id: int) -> str:
    return f"{base_url}/incidents/{incident_id}"


def heading(incident: Incident) -> str:
    """ "Incident 12 (P1): title", on one line."""
    return one_line(f"Incident {incident.id} ({incident.priority}): {incident.title}")


def to_people(
    people: Iterable[Person], *, subject: str, text: str, key: str, now: datetime
) -> list[Outgoing]:
    """The message to each person once, by their rules."""
    seen: set[str] = set()
    messages: list[Outgoing] = []
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            messages += messages_by_rules(person, subject=subject, text=text, key=key, now=now)
    return messages


def announced(
    spec: IncidentsSpec, *, subject: str, text: str, key: str, now: datetime
) -> list[Outgoing]:
    """The post to the team's incident channel and the mail to the incident list, as set."""
    messages: list[Outgoing] = []
    if spec.slack_channel:
        messages.append(
            Outgoing(
                channel="slack",
                destination=spec.slack_channel,
                subject=subject[:SUBJECT_LENGTH],
                text=text,
                idempotency_key=f"{key}-channel",
                due_at=now,
            )
        )
    if spec.email:
        messages.append(
            Outgoing(
                channel="email",
                destination=spec.email,
                subject=subject[:SUBJECT_LENGTH],
                text=text,
                idempotency_key=f"{key}-list",
                due_at=now,
            )
        )
    return messages
