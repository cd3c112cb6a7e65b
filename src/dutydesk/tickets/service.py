"""Tickets: opening them, their thread, triage (priority with a reason), status, who has
picked them up and who follows them. Every change moves the ticket's clock (clocks.py) and is
recorded in the audit log.

`actor` is who did it, as the audit log names people ("alice", "cli", "mail"); `now` the time.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.db import id_exists
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.tenants.addresses import check_address
from dutydesk.tenants.service import get_tenant, tenant_of_address
from dutydesk.text import storable
from dutydesk.tickets import clocks
from dutydesk.tickets.clock_columns import clock_of, keep_clock
from dutydesk.tickets.mail_out import queue_reply_mail, tell_followers
from dutydesk.tickets.models import (
    MESSAGE_KINDS,
    MIRRORED_SOURCES,
    PRIORITIES,
    RUNNING,
    SOURCES,
    STATUSES,
    SUBJECT_LENGTH,
    Ticket,
    TicketFollower,
    TicketMessage,
    TicketPriorityChange,
)
from dutydesk.tickets.paging import page_for
from dutydesk.tickets.policy import FIRST_RESPONSE, SupportPolicy
from dutydesk.tickets.queue import Queue as Queue
from dutydesk.tickets.queue import QueuePlace as QueuePlace
from dutydesk.tickets.queue import count_tickets as count_tickets
from dutydesk.tickets.queue import list_tickets as list_tickets
from dutydesk.tickets.reactions import ticket_reactions_of
from dutydesk.tickets.support import engineer_on_support
from dutydesk.tickets.webhooks import CREATED, SOLVED, send_event

REASON_LENGTH = 1000
# Where people type a ticket in, so its requester's address is checked.
TYPED_SOURCES = ("web", "api", "cli")
# A tenant's id as tenants are named: anything else names no tenant.
_TENANT_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")
# Ticket numbers are PostgreSQL integers.
LARGEST_NUMBER = 2_147_483_647
# The longest message body kept (a pasted log can be long; a mail bomb is not kept whole).
BODY_LENGTH = 200_000


@dataclass(frozen=True)
class Incoming:
    """A message from the tenant, as mail, the web form, the API or the CLI gives it."""

    body_text: str
    author_email: str | None = None
    author_name: str | None = None
    full_text: str | None = None
    body_html: str | None = None
    message_id: str | None = None
    # A mirrored ticket's comment: its id in the tool it came from (kept once per ticket).
    external_id: str | None = None
    # The caller has made sure no message has `message_id` yet (the mail intake asks once for
    # a whole batch); the unique column still holds it to that.
    message_id_is_new: bool = False


def is_mirrored(ticket: Ticket) -> bool:
    """Whether the ticket lives in another tool (Zendesk) and is mirrored here: it is answered
    there, never from here."""
    return ticket.source in MIRRORED_SOURCES


def get_ticket(session: Session, ticket_id: int) -> Ticket:
    """The ticket with this number, or NotFound (a number larger than the column holds too)."""
    if not 1 <= ticket_id <= LARGEST_NUMBER:
        raise NotFound(f"no ticket #{ticket_id}")
    ticket = session.get(Ticket, ticket_id)
    if ticket is None:
        raise NotFound(f"no ticket #{ticket_id}")
    return ticket


def thread_of(session: Session, ticket_id: int) -> Sequence[TicketMessage]:
    """A ticket's messages, oldest first, internal notes included."""
    return session.scalars(
        select(TicketMessage)
        .where(TicketMessage.ticket_id == ticket_id)
        .order_by(TicketMessage.created_at, TicketMessage.id)
    ).all()


def open_ticket(
    session: Session,
    policy: SupportPolicy,
    *,
    subject: str,
    first: Incoming,
    source: str,
    actor: str,
    now: datetime,
    tenant_id: str | None = None,
    priority: str | None = None,
    external_id: str | None = None,
    external_url: str | None = None,
) -> Ticket:
    """A new ticket with the tenant's first message. Its tenant is the one given, else the
    one the requester's address belongs to (none: triage sets it). Its clock owes the first
    response from now."""
    return open_with_message(
        session,
        policy,
        subject=subject,
        first=first,
        source=source,
        actor=actor,
        now=now,
        tenant_id=tenant_id,
        priority=priority,
        external_id=external_id,
        external_url=external_url,
    ).ticket


@dataclass(frozen=True)
class Opened:
    """A ticket just opened, and its first message."""

    ticket: Ticket
    first: TicketMessage


def open_with_message(
    session: Session,
    policy: SupportPolicy,
    *,
    subject: str,
    first: Incoming,
    source: str,
    actor: str,
    now: datetime,
    tenant_id: str | None = None,
    priority: str | None = None,
    external_id: str | None = None,
    external_url: str | None = None,
    tenant_of: Callable[[str], str | None] | None = None,
) -> Opened:
    """`open_ticket`, with the first message too. `tenant_of` finds the requester's tenant
    when none is given (by default `tenant_of_address`; the mail intake asks once a batch)."""
    if source not in SOURCES:
        raise Invalid(f"source: must be one of {', '.join(SOURCES)}")
    if first.author_email is not None and source in TYPED_SOURCES:
        # Typed by staff: checked. From mail, the sender is whoever the mail says it is.
        first = replace(first, author_email=_checked_address(first.author_email))
    if first.author_name is not None:
        first = replace(first, author_name=_one_line(first.author_name, "requester_name", 200))
    if tenant_id is not None:
        if not _TENANT_ID_RE.match(tenant_id):
            raise NotFound(f"no tenant {tenant_id!r}")
        get_tenant(session, tenant_id)
    elif first.author_email:
        if tenant_of is None:
            tenant_id = tenant_of_address(session, first.author_email)
        else:
            tenant_id = tenant_of(first.author_email)
    _check_priority(priority)
    ticket = Ticket(
        tenant_id=tenant_id,
        subject=_one_line(subject, "subject", SUBJECT_LENGTH) or "(no subject)",
        requester_email=first.author_email,
        requester_name=first.author_name,
        status="new",
        source=source,
        external_id=external_id,
        external_url=external_url,
        created_at=now,
        updated_at=now,
    )
    keep_clock(ticket, clocks.started(policy, FIRST_RESPONSE, priority, now))
    if policy.auto_assign:
        ticket.assignee_id = engineer_on_support(session, policy, now)
    session.add(ticket)
    session.flush()
    message = _add_message(session, ticket, "tenant", first, now)
    _audit(session, ticket, actor, "ticket.open", f"opened ticket #{ticket.id}", now)
    _page_at_once(session, policy, ticket, actor, now)
    send_event(session, policy, ticket, CREATED, now)
    return Opened(ticket, message)


def add_tenant_message(
    session: Session, policy: SupportPolicy, ticket: Ticket, message: Incoming, now: datetime
) -> TicketMessage:
    """The tenant wrote again. A pending or solved ticket is open again and its clock runs
    on; a closed one is not reopened (a new ticket follows it up)."""
    if ticket.status == "closed":
        raise Conflict(f"ticket #{ticket.id} is closed; open a new ticket to follow it up")
    added = _add_message(session, ticket, "tenant", message, now)
    if ticket.status in ("pending", "solved"):
        _move_status(policy, ticket, "open", now)
    ticket.updated_at = now
    return added


def add_automatic_message(
    session: Session, ticket: Ticket, message: Incoming, now: datetime
) -> TicketMessage:
    """An automatic message on a ticket (an out-of-office reply, a bounce): kept in its thread,
    and nothing else: it does not reopen the ticket nor move its clock."""
    _check_open_to_change(ticket)
    return _add_message(session, ticket, "tenant", message, now)


def reply(
    session: Session,
    policy: SupportPolicy,
    ticket: Ticket,
    body: str,
    *,
    actor: str,
    now: datetime,
    person_id: str | None = None,
    status: str | None = None,
) -> TicketMessage:
    """A public reply from the team, by `actor` (the person `person_id` when the account has
    one), mailed to the requester. The ticket then owes the next update (or, with `status`,
    becomes pending, solved or closed at once). A mirrored ticket is answered where it lives."""
    _check_answered_here(ticket, "answer the tenant")
    _check_open_to_change(ticket)
    message = record_reply(
        session,
        policy,
        ticket,
        Incoming(_body(body), author_name=actor, message_id=our_message_id(ticket.id)),
        now,
        person_id=person_id,
    )
    if status is not None:
        set_status(session, policy, ticket, status, actor=actor, now=now)
    queue_reply_mail(session, ticket, message, now)
    tell_followers(
        session,
        ticket,
        f"{person_id or actor} replied on ticket #{ticket.id}:\n{message.body_text}",
        f"reply-{message.id}",
        now,
        but=person_id,
    )
    _audit(session, ticket, actor, "ticket.reply", f"replied to ticket #{ticket.id}", now)
    return message


def record_reply(
    session: Session,
    policy: SupportPolicy,
    ticket: Ticket,
    message: Incoming,
    now: datetime,
    *,
    person_id: str | None = None,
) -> TicketMessage:
    """A public reply from the team on the thread, and what it does to the ticket (the first
    response is given; the next update is owed from now), without mailing anyone: `reply`
    mails it, and a mirrored ticket's reply was sent by the tool it lives in."""
    _check_open_to_change(ticket)
    added = _add_message(session, ticket, "reply", message, now, person_id=person_id)
    if ticket.first_replied_at is None:
        ticket.first_replied_at = now
    keep_clock(ticket, clocks.on_public_reply(policy, clock_of(ticket), now))
    if ticket.status in ("new", "solved"):
        # Answering a solved ticket takes it up again: the tenant is owed updates.
        ticket.status = "open"
    elif ticket.status == "pending":
        # Still waiting on the tenant: the update clock starts paused.
        keep_clock(ticket, clocks.paused(policy, clock_of(ticket), now))
    ticket.updated_at = now
    return added


def keep_message(
    session: Session, ticket: Ticket, kind: str, message: Incoming, now: datetime
) -> TicketMessage:
    """A message kept on the thread as it is, changing nothing else: a mirrored ticket's
    internal notes, and its comments that arrive after newer news of the ticket."""
    if kind not in MESSAGE_KINDS:
        raise Invalid(f"kind: must be one of {', '.join(MESSAGE_KINDS)}")
    return _add_message(session, ticket, kind, message, now)


def add_note(
    session: Session,
    ticket: Ticket,
    body: str,
    *,
    actor: str,
    now: datetime,
    person_id: str | None = None,
) -> TicketMessage:
    """An internal note: the team sees it, the tenant never does; the clock is untouched."""
    note = _add_message(
        session,
        ticket,
        "note",
        Incoming(_body(body), author_name=actor),
        now,
        person_id=person_id,
    )
    ticket.updated_at = now
    _audit(session, ticket, actor, "ticket.note", f"note on ticket #{ticket.id}", now)
    return note


def set_priority(
    session: Session,
    policy: SupportPolicy,
    ticket: Ticket,
    priority: str,
    *,
    reason: str,
    actor: str,
    now: datetime,
) -> TicketPriorityChange:
    """Triage: give the ticket a priority, saying why; the owed answer takes that priority's
    target, keeping the time the clock has used."""
    _check_priority(priority)
    why = _one_line(reason, "reason", REASON_LENGTH)
    if not why:
        raise Invalid("reason: say why the priority is what it is")
    if priority == ticket.priority:
        raise Conflict(f"ticket #{ticket.id} is {priority} already")
    change = TicketPriorityChange(
        ticket_id=ticket.id,
        old=ticket.priority,
        new=priority,
        changed_by=actor,
        reason=why,
        changed_at=now,
    )
    session.add(change)
    keep_clock(ticket, clocks.reprioritised(policy, clock_of(ticket), priority, now))
    ticket.updated_at = now
    _audit(
        session,
        ticket,
        actor,
        "ticket.priority",
        f"ticket #{ticket.id} {change.old or 'untriaged'} → {priority}: {why}",
        now,
    )
    _page_at_once(session, policy, ticket, actor, now)
    return change


def set_status(
    session: Session,
    policy: SupportPolicy,
    ticket: Ticket,
    status: str,
    *,
    actor: str,
    now: datetime,
) -> None:
    """Move the ticket: pending pauses its clock, open resumes it, solved and closed stop it.
    A mirrored ticket's status is the one the tool it lives in gives it."""
    _check_answered_here(ticket, "change its status")
    move_status(session, policy, ticket, status, actor=actor, now=now)


def move_status(
    session: Session,
    policy: SupportPolicy,
    ticket: Ticket,
    status: str,
    *,
    actor: str,
    now: datetime,
) -> None:
    """Move the ticket to `status` (set_status's rules), mirrored or not: the mirror follows
    the status its ticket has where it lives."""
    if status not in STATUSES or status == "new":
        raise Invalid("status: must be one of open, pending, solved, closed")
    if status == ticket.status:
        return
    if ticket.status == "closed":
        raise Conflict(f"ticket #{ticket.id} is closed")
    old = ticket.status
    _move_status(policy, ticket, status, now)
    ticket.updated_at = now
    _audit(session, ticket, actor, "ticket.status", f"ticket #{ticket.id} {old} → {status}", now)
    if status == "solved":
        send_event(session, policy, ticket, SOLVED, now)


def assign(
    session: Session, ticket: Ticket, person_id: str | None, *, actor: str, now: datetime
) -> None:
    """Pick the ticket up (give it a person), or give it back (None)."""
    if person_id is not None and not id_exists(session, "people", person_id):
        raise NotFound(f"no person {person_id!r} in the team")
    ticket.assignee_id = person_id
    ticket.updated_at = now
    summary = (
        f"ticket #{ticket.id} picked up by {person_id}"
        if person_id
        else f"ticket #{ticket.id} unassigned"
    )
    _audit(session, ticket, actor, "ticket.assign", summary, now, person_ids=[person_id or ""])


def follow(session: Session, ticket: Ticket, person_id: str, *, actor: str, now: datetime) -> bool:
    """Involve someone: they are told of the ticket's replies and changes. False when they
    follow it already."""
    if not id_exists(session, "people", person_id):
        raise NotFound(f"no person {person_id!r} in the team")
    if session.get(TicketFollower, (ticket.id, person_id)) is not None:
        return False
    session.add(TicketFollower(ticket_id=ticket.id, person_id=person_id))
    _audit(
        session,
        ticket,
        actor,
        "ticket.follow",
        f"{person_id} follows ticket #{ticket.id}",
        now,
        person_ids=[person_id],
    )
    return True


def followers_of(session: Session, ticket_id: int) -> list[str]:
    """The people following a ticket, by id."""
    return list(
        session.scalars(
            select(TicketFollower.person_id)
            .where(TicketFollower.ticket_id == ticket_id)
            .order_by(TicketFollower.person_id)
        )
    )


def our_message_id(ticket_id: int) -> str:
    """A Message-ID of ours for a reply on a ticket: unique, and naming the ticket so that a
    tenant's answer finds it even when their mail client drops the subject's [#123]."""
    return f"<ticket-{ticket_id}.{secrets.token_hex(8)}@dutydesk>"


def _page_at_once(
    session: Session, policy: SupportPolicy, ticket: Ticket, actor: str, now: datetime
) -> None:
    """A ticket of a priority the policy pages for at once raises its alert (once); a P1 is
    an incident (tickets/reactions.py)."""
    if policy.page_service is not None and ticket.priority in policy.page_at_once:
        page_for(session, ticket, policy.page_service, "priority", now)
    if ticket.priority == "P1":
        session.flush()
        ticket_reactions_of(session).became_p1(session, ticket, actor=actor, now=now)


def _move_status(policy: SupportPolicy, ticket: Ticket, status: str, now: datetime) -> None:
    clock = clock_of(ticket)
    if status == "pending":
        clock = clocks.paused(policy, clock, now)
    elif status in RUNNING:
        clock = clocks.resumed(policy, clock, now)
        if clock.stopped:
            # Reopened after it was solved: the tenant is owed an update from now.
            clock = clocks.started(policy, clocks.UPDATE, ticket.priority, now)
    else:
        clock = clocks.stopped(clock)
    keep_clock(ticket, clock)
    ticket.status = status
    ticket.solved_at = now if status == "solved" else ticket.solved_at


def _add_message(
    session: Session,
    ticket: Ticket,
    kind: str,
    message: Incoming,
    now: datetime,
    *,
    person_id: str | None = None,
) -> TicketMessage:
    if message.message_id is not None and not message.message_id_is_new:
        taken = session.scalar(
            select(TicketMessage.ticket_id).where(TicketMessage.message_id == message.message_id)
        )
        if taken is not None:
            raise Conflict(f"message {message.message_id} is on ticket #{taken} already")
    added = TicketMessage(
        ticket_id=ticket.id,
        kind=kind,
        author_person_id=person_id,
        author_email=message.author_email,
        author_name=message.author_name,
        # What staff type is checked before it comes here; what a tenant sends is kept as it
        # came (the whole of it in full_text), with a placeholder when it said nothing new.
        body_text=message.body_text.replace("\x00", "")[:BODY_LENGTH] or "(no text)",
        full_text=message.full_text,
        body_html=message.body_html,
        message_id=message.message_id,
        external_id=message.external_id,
        created_at=now,
    )
    session.add(added)
    session.flush()
    return added


def _audit(
    session: Session,
    ticket: Ticket,
    actor: str,
    action: str,
    summary: str,
    now: datetime,
    *,
    person_ids: list[str] | None = None,
) -> None:
    record(
        session,
        actor=actor,
        action=action,
        rota_id=None,
        person_ids=[p for p in person_ids or [] if p],
        summary=summary,
        details={"ticket": ticket.id, "status": ticket.status, "priority": ticket.priority},
        now=now,
        subject=audit_subject(ticket.id),
    )


def audit_subject(ticket_id: int) -> str:
    """What the audit log files a ticket's entries under (audit.service.subject_history)."""
    return f"ticket:{ticket_id}"


def _check_priority(priority: str | None) -> None:
    if priority is not None and priority not in PRIORITIES:
        raise Invalid(f"priority: must be one of {', '.join(PRIORITIES)}")


def _check_answered_here(ticket: Ticket, doing: str) -> None:
    """Conflict for a mirrored ticket: the tenant would never see what is done here."""
    if is_mirrored(ticket):
        where = f" ({ticket.external_url})" if ticket.external_url else ""
        raise Conflict(f"ticket #{ticket.id} is mirrored from Zendesk: {doing} in Zendesk{where}")


def _check_open_to_change(ticket: Ticket) -> None:
    if ticket.status == "closed":
        raise Conflict(f"ticket #{ticket.id} is closed")


def _one_line(text: str, field: str, longest: int) -> str:
    line = " ".join("".join(c if c.isprintable() else " " for c in text).split())
    if len(line) > longest:
        raise Invalid(f"{field}: at most {longest} characters")
    return line


def _checked_address(text: str) -> str:
    try:
        return check_address(text)
    except ValueError as error:
        raise Invalid(f"requester_email: {error}") from None


def _body(text: str) -> str:
    text = storable(text)
    if not text.strip():
        raise Invalid("body: write something")
    if len(text) > BODY_LENGTH:
        raise Invalid(f"body: at most {BODY_LENGTH:,} characters")
    return text


def priority_changes(session: Session, ticket_id: int) -> Sequence[TicketPriorityChange]:
    """Who gave the ticket each priority and why, oldest first."""
    return session.scalars(
        select(TicketPriorityChange)
        .where(TicketPriorityChange.ticket_id == ticket_id)
        .order_by(TicketPriorityChange.changed_at, TicketPriorityChange.id)
    ).all()
