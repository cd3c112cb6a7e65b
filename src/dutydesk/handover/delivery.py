"""The messages a handover sends, through the outbox: the meeting's invitation (ahead of the
handoff) and the report (at the handoff) by e-mail, and the report's summary in Slack.

E-mail goes to the outgoing and incoming engineers and the addresses `handover:` names, one
message each; every key names the handoff, so a message queued twice is sent once. The
report's e-mail is its Markdown as text with the same rendered as sanitised HTML; the Slack
post is a short summary with the link (the Slack channel escapes what it sends).
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from email.utils import parseaddr
from typing import Any

from dutydesk.handover.ical import invitation, meeting_uid
from dutydesk.handover.markdown import red_time, report_markdown
from dutydesk.handover.models import Handover
from dutydesk.handover.policy import HandoverPolicy
from dutydesk.markdown import render
from dutydesk.notify.service import Outgoing
from dutydesk.people.models import Person
from dutydesk.timeparse import local_text


def handover_link(base_url: str, handover_id: int) -> str:
    """The report's page."""
    return f"{base_url.rstrip('/')}/handover/{handover_id}"


def _recipients(
    policy: HandoverPolicy, row: Handover, people: Mapping[str, Person]
) -> list[tuple[str, str]]:
    """(address, name) of everyone the e-mail goes to, each once."""
    found: dict[str, tuple[str, str]] = {}
    for person_id in (row.outgoing_id, row.incoming_id):
        person = people.get(person_id) if person_id else None
        if person is not None and person.email:
            found.setdefault(person.email.lower(), (person.email, person.name))
    for address in policy.spec.email:
        found.setdefault(address.lower(), (address, address))
    return list(found.values())


def _key(row: Handover, what: str) -> str:
    return f"handover:{row.rota_id}:{row.handoff_at.isoformat()}:{what}"


def _address_key(address: str) -> str:
    """An address as a key may hold it: keys are printable ASCII of at most 200 characters, and
    an address may be longer or not ASCII (zoë@example.org), which the outbox would refuse,
    failing the whole pass at every handoff."""
    return hashlib.sha256(address.lower().encode()).hexdigest()[:16]


def _names(row: Handover, people: Mapping[str, Person]) -> tuple[str, str]:
    def name(person_id: str | None) -> str:
        person = people.get(person_id) if person_id else None
        return person.name if person is not None else (person_id or "nobody")

    return name(row.outgoing_id), name(row.incoming_id)


def invitation_messages(
    policy: HandoverPolicy,
    row: Handover,
    people: Mapping[str, Person],
    *,
    base_url: str,
    sender: str,
    now: datetime,
) -> list[Outgoing]:
    """The meeting's invitation, to each recipient, with the iCalendar request attached."""
    recipients = _recipients(policy, row, people)
    if not recipients:
        return []
    outgoing, incoming = _names(row, people)
    link = handover_link(base_url, row.id)
    when = local_text(row.handoff_at, policy.zone)
    summary = f"Support handover: {outgoing} to {incoming}"
    description = (
        f"The support handover of {policy.rota_name} at {when}: {outgoing} hands over to"
        f" {incoming}. The report of the week is made at the handoff: {link}"
    )
    organizer_name, organizer_address = parseaddr(sender)
    calendar = invitation(
        uid=meeting_uid(row.rota_id, row.handoff_at),
        start=row.handoff_at,
        end=row.handoff_at + policy.meeting,
        summary=summary,
        description=description,
        url=link,
        organizer=(organizer_address or "dutydesk@localhost", organizer_name or "Dutydesk"),
        attendees=recipients,
        stamp=now,
    )
    payload: dict[str, Any] = {"email": {"calendar": calendar, "calendar_method": "REQUEST"}}
    return [
        Outgoing(
            channel="email",
            destination=address,
            subject=f"[Dutydesk] {summary}, {when}",
            text=description + "\n",
            idempotency_key=_key(row, f"invite:{_address_key(address)}"),
            payload=payload,
        )
        for address, _name in recipients
    ]


def report_messages(
    policy: HandoverPolicy,
    row: Handover,
    people: Mapping[str, Person],
    *,
    base_url: str,
) -> list[Outgoing]:
    """The made report by e-mail (Markdown and safe HTML) and, if a channel is set, Slack."""
    assert row.report is not None
    link = handover_link(base_url, row.id)
    text = report_markdown(
        row.report, notes=row.notes, acknowledged=None, link=link, zone=policy.zone
    )
    outgoing, incoming = _names(row, people)
    subject = f"[Dutydesk] Handover report: {outgoing} to {incoming}"
    payload = {"email": {"html": render(text)}}
    messages = [
        Outgoing(
            channel="email",
            destination=address,
            subject=subject,
            text=text,
            idempotency_key=_key(row, f"report:{_address_key(address)}"),
            payload=payload,
        )
        for address, _name in _recipients(policy, row, people)
    ]
    if policy.slack_channel:
        messages.append(
            Outgoing(
                channel="slack",
                destination=policy.slack_channel,
                subject=f"Support handover: {outgoing} to {incoming}",
                text=slack_summary(row.report) + f"\nThe report: {link}",
                idempotency_key=_key(row, "report:slack"),
            )
        )
    return messages


def slack_summary(report: dict[str, Any]) -> str:
    """A few lines of the report's figures for a channel."""
    sections = report["sections"]
    lines = []
    if "alerts" in sections:
        alerts = sections["alerts"]
        lines.append(
            f"Alerts: {alerts['count']}; pages: {alerts['pages']}"
            f" ({alerts['pages_out_of_hours']} out of hours)"
        )
    if "tickets" in sections:
        tickets = sections["tickets"]
        lines.append(
            f"Tickets: {tickets['new']} new, {tickets['solved']} solved,"
            f" {tickets['breached']} breached, {tickets['open_count']} open"
        )
    if "builds" in sections:
        builds = sections["builds"]
        lines.append(
            f"Build failures: {builds['failures']}, red for {red_time(builds['red_seconds'])},"
            f" {builds['flaky']} flaky; {builds['open_items']['red']} red now"
        )
    if "incidents" in sections:
        incidents = sections["incidents"]
        # Reports made before the `…_count` figures counted the listed ones.
        counts = [
            incidents.get(f"{key}_count", len(incidents[key]))
            for key in ("open", "resolved", "reviews_due")
        ]
        lines.append(f"Incidents: {counts[0]} open, {counts[1]} resolved, {counts[2]} reviews due")
    if "rota_changes" in sections:
        changes = sections["rota_changes"]
        lines.append(f"Swaps: {changes['swaps']}; break cover: {changes['cover']}")
    if "tasks" in sections:
        lines.append(f"Tasks done: {sections['tasks']['done_count']}")
    return "\n".join(lines)
