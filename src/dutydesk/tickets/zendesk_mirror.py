"""Zendesk tickets mirrored as Dutydesk tickets (source `zendesk`), so that their clocks,
reminders, pick-up, the queue and the dashboard work on them like on any ticket, while they are
answered in Zendesk (docs/tickets.md#tickets-mirrored-from-zendesk).

- **One mirror per Zendesk ticket**, found by its id (`external_id`); the first news of a ticket,
  whatever the event, opens its mirror.
- **One message per Zendesk comment**, kept under its id; the ticket's description stands in
  for its first comment until that comment arrives, and then becomes it.
- **Never backwards**: the ticket's state (subject, status, priority, requester) is taken only
  from news at least as new as the newest taken (Zendesk's `updated_at`). An older comment
  arriving late is kept on the thread and does nothing else.
- **Comments**: an agent's public comment is the team's public reply (the first response, then
  each update, as the clock counts them); an end user's public comment is the tenant writing (a
  pending or solved ticket opens again); a private comment is an internal note.
- **Nothing is mailed to the tenant** (Zendesk does that), and the mirror takes no reply from
  Dutydesk (tickets/service.py refuses them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.tenants.service import tenant_of_address
from dutydesk.tickets import service
from dutydesk.tickets.mail_out import tell_followers
from dutydesk.tickets.models import NAME_LENGTH, SUBJECT_LENGTH, Ticket, TicketMessage
from dutydesk.tickets.policy import SupportPolicy
from dutydesk.tickets.zendesk import (
    DESCRIPTION_KEY,
    ZendeskComment,
    ZendeskTicket,
    ZendeskUpdate,
    comment_key,
    dutydesk_priority,
    dutydesk_status,
    same_text,
    ticket_url,
)

SOURCE = "zendesk"
# Who the audit log says made the changes that come from Zendesk.
ACTOR = "zendesk"

Outcome = Literal["created", "updated", "unchanged", "ignored"]


@dataclass(frozen=True)
class Mirrored:
    """What a webhook did: opened a mirror, changed one, nothing (old or known news), or nothing
    because it is about no mirrored ticket."""

    outcome: Outcome
    ticket_id: int | None
    reason: str


def find_mirror(session: Session, zendesk_id: str) -> Ticket | None:
    """The mirror of the Zendesk ticket with this id, if there is one."""
    return session.scalar(
        select(Ticket).where(Ticket.source == SOURCE, Ticket.external_id == zendesk_id)
    )


def mirror(
    session: Session,
    policy: SupportPolicy,
    update: ZendeskUpdate,
    *,
    zendesk_url: str | None,
    now: datetime,
) -> Mirrored:
    """Apply one webhook's news to the ticket's mirror, opening it on the first news."""
    said = update.ticket
    ticket = find_mirror(session, said.id)
    if update.gone:
        return _gone(session, policy, ticket, update, now)
    created = ticket is None
    if ticket is None:
        ticket = _open(session, policy, update, zendesk_url, now)
    fresh = ticket.external_updated_at is None or (
        said.updated_at is not None and said.updated_at >= ticket.external_updated_at
    )
    changed = False
    if update.comment is not None:
        changed = _add_comment(session, policy, ticket, update.comment, fresh=fresh, now=now)
    if said.requester_email is not None and (fresh or ticket.requester_email is None):
        # Only a trigger body names the requester; a minute-precise trigger arriving after an
        # event of the same minute still gives a mirror that has none its requester.
        changed = _take_requester(session, ticket, said, now) or changed
    if fresh:
        changed = _follow(session, policy, ticket, said, now) or changed
        ticket.external_updated_at = said.updated_at
    if created:
        return Mirrored("created", ticket.id, f"mirrors Zendesk ticket {said.id}")
    if changed:
        return Mirrored("updated", ticket.id, f"Zendesk ticket {said.id} changed")
    if not fresh:
        return Mirrored("unchanged", ticket.id, "older than the news already taken")
    return Mirrored("unchanged", ticket.id, "nothing new")


def _open(
    session: Session,
    policy: SupportPolicy,
    update: ZendeskUpdate,
    zendesk_url: str | None,
    now: datetime,
) -> Ticket:
    """The mirror, opened with the requester's first words: the comment that brought the news
    when it is the end user's, else the ticket's description (standing in for that comment)."""
    said, comment = update.ticket, update.comment
    if comment is not None and comment.public and not comment.by_staff:
        first = service.Incoming(
            comment.body,
            author_email=said.requester_email,
            author_name=_name(comment.author_name) or _name(said.requester_name),
            external_id=comment_key(comment.id),
        )
    else:
        first = service.Incoming(
            said.description or "",
            author_email=said.requester_email,
            author_name=_name(said.requester_name),
            external_id=DESCRIPTION_KEY,
        )
    return service.open_ticket(
        session,
        policy,
        subject=_subject(said.subject) or f"Zendesk ticket {said.id}",
        first=first,
        source=SOURCE,
        actor=ACTOR,
        now=now,
        external_id=said.id,
        external_url=ticket_url(zendesk_url, said.id),
    )


def _gone(
    session: Session,
    policy: SupportPolicy,
    ticket: Ticket | None,
    update: ZendeskUpdate,
    now: datetime,
) -> Mirrored:
    """A ticket deleted, marked as spam or merged away in Zendesk: its mirror is closed."""
    if ticket is None:
        return Mirrored("ignored", None, f"Zendesk ticket {update.ticket.id} is not mirrored")
    if ticket.status == "closed":
        return Mirrored("unchanged", ticket.id, "closed already")
    service.move_status(session, policy, ticket, "closed", actor=ACTOR, now=now)
    return Mirrored("updated", ticket.id, f"closed: {update.event.replace('_', ' ')} in Zendesk")


def _add_comment(
    session: Session,
    policy: SupportPolicy,
    ticket: Ticket,
    comment: ZendeskComment,
    *,
    fresh: bool,
    now: datetime,
) -> bool:
    """Keep the comment once; whether it is new."""
    key = comment_key(comment.id)
    if _message(session, ticket, key) is not None:
        return False
    stand_in = _message(session, ticket, DESCRIPTION_KEY)
    if stand_in is not None and same_text(stand_in.body_text, comment.body):
        # The first comment, already shown from the description: it is that comment now.
        stand_in.external_id = key
        return False
    message = service.Incoming(
        comment.body, author_name=_name(comment.author_name), external_id=key
    )
    if not comment.public:
        service.keep_message(session, ticket, "note", message, now)
        ticket.updated_at = now
    elif not fresh or ticket.status == "closed":
        kind = "reply" if comment.by_staff else "tenant"
        service.keep_message(session, ticket, kind, message, now)
    elif comment.by_staff:
        reply = service.record_reply(session, policy, ticket, message, now)
        who = comment.author_name or "An agent"
        tell_followers(
            session,
            ticket,
            f"{who} replied in Zendesk on ticket #{ticket.id}:\n{reply.body_text}",
            f"reply-{reply.id}",
            now,
        )
        _audit(session, ticket, f"{who} replied in Zendesk on ticket #{ticket.id}", now)
    else:
        service.add_tenant_message(session, policy, ticket, message, now)
    return True


def _follow(
    session: Session, policy: SupportPolicy, ticket: Ticket, said: ZendeskTicket, now: datetime
) -> bool:
    """Take the ticket's state from Zendesk's news; whether anything changed."""
    changed = False
    subject = _subject(said.subject)
    if subject and subject != ticket.subject:
        _audit(session, ticket, f"ticket #{ticket.id} subject in Zendesk: {subject}", now)
        ticket.subject = subject
        changed = True
    if said.description:
        stand_in = _message(session, ticket, DESCRIPTION_KEY)
        description = said.description[: service.BODY_LENGTH]
        if stand_in is not None and not same_text(stand_in.body_text, description):
            # Opened from a trigger body, which leaves the description out.
            stand_in.body_text = description
            changed = True
    if said.priority_given and said.priority != ticket.external_priority:
        # Zendesk's priority changed: it is the ticket's (until triage here says otherwise).
        ticket.external_priority = said.priority
        priority = dutydesk_priority(said.priority)
        if priority is not None and priority != ticket.priority:
            service.set_priority(
                session,
                policy,
                ticket,
                priority,
                reason=f"{said.priority} in Zendesk",
                actor=ACTOR,
                now=now,
            )
            changed = True
    if said.status is not None and ticket.status != "closed":
        status = dutydesk_status(said.status)
        # A mirror answered here first is open, though Zendesk may still say new.
        if status != "new" and status != ticket.status:
            service.move_status(session, policy, ticket, status, actor=ACTOR, now=now)
            changed = True
    return changed


def _take_requester(session: Session, ticket: Ticket, said: ZendeskTicket, now: datetime) -> bool:
    """The requester a trigger body names, and with it the tenant; whether it changed."""
    if said.requester_email is None or said.requester_email == ticket.requester_email:
        return False
    ticket.requester_email = said.requester_email
    ticket.requester_name = _name(said.requester_name) or ticket.requester_name
    if ticket.tenant_id is None:
        # As for mail: the requester's address names the tenant; triage's choice stands.
        ticket.tenant_id = tenant_of_address(session, said.requester_email)
    _audit(
        session, ticket, f"ticket #{ticket.id} requester in Zendesk: {said.requester_email}", now
    )
    return True


def _message(session: Session, ticket: Ticket, key: str) -> TicketMessage | None:
    return session.scalar(
        select(TicketMessage).where(
            TicketMessage.ticket_id == ticket.id, TicketMessage.external_id == key
        )
    )


def _subject(text: str | None) -> str:
    """A subject on one line, cut to fit (Zendesk's own limit is far below it)."""
    return _one_line(text or "")[:SUBJECT_LENGTH]


def _name(text: str | None) -> str | None:
    return _one_line(text or "")[:NAME_LENGTH] or None


def _one_line(text: str) -> str:
    return " ".join("".join(c if c.isprintable() else " " for c in text).split())


def _audit(session: Session, ticket: Ticket, summary: str, now: datetime) -> None:
    record(
        session,
        actor=ACTOR,
        action="ticket.zendesk",
        rota_id=None,
        person_ids=[],
        summary=summary,
        details={"ticket": ticket.id, "zendesk": ticket.external_id},
        now=now,
        subject=service.audit_subject(ticket.id),
    )
