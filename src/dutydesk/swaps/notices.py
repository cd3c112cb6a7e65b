"""Every message a swap sends, queued in the outbox in the caller's transaction.

All calls to the notifier are here, so the wording and the idempotency keys live in one place.
Keys are stable per swap, event, person and channel: a retried cycle or request never queues a
message twice.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.notify.service import enqueue
from dutydesk.people.models import Person
from dutydesk.swaps.models import EXCHANGE, SwapRequest
from dutydesk.timeparse import local_text


def window_text(start: datetime, end: datetime, zone: ZoneInfo) -> str:
    """ "Thu 15 Jan 2026 09:30 – Thu 15 Jan 2026 17:30 (Europe/London)"."""
    return f"{local_text(start, zone)} – {local_text(end, zone)} ({zone.key})"


def _send(
    session: Session, person: Person, key: str, subject: str, text: str, now: datetime
) -> int:
    """Queue one message per channel the person has (email, Slack); returns how many."""
    queued = 0
    for channel, destination in (("email", person.email), ("slack", person.slack)):
        if destination:
            enqueue(
                session,
                channel=channel,
                destination=destination,
                subject=subject,
                text=text,
                idempotency_key=f"{key}:{channel}",
                now=now,
            )
            queued += 1
    return queued


def offered(
    session: Session, swap: SwapRequest, people: list[Person], zone: ZoneInfo, now: datetime
) -> None:
    """Tell each colleague a swap was offered to them, and how to answer."""
    window = window_text(swap.start_at, swap.end_at, zone)
    note = f"\nNote: {swap.note}" if swap.note else ""
    for person in people:
        text = (
            f"{swap.requester_id} asks for someone to cover their {swap.rota_id} shift,"
            f" {window}.{note}\n"
            f"Take it: dutydesk swap take {swap.id} --as {person.id}\n"
            f"Exchange it for one of yours of the same length:"
            f" dutydesk swap exchange {swap.id} --as {person.id} --from … --until …\n"
            f"Decline: dutydesk swap decline {swap.id} --as {person.id}"
        )
        _send(
            session,
            person,
            f"swap:{swap.id}:offer:{person.id}",
            f"Swap {swap.id}: can you cover {swap.requester_id} on {swap.rota_id}?",
            text,
            now,
        )


def accepted(
    session: Session, swap: SwapRequest, requester: Person, zone: ZoneInfo, now: datetime
) -> None:
    """Tell the requester who took their shift (and, for an exchange, what they now cover)."""
    text = (
        f"{swap.taker_id} covers your {swap.rota_id} shift"
        f" {window_text(swap.start_at, swap.end_at, zone)}."
    )
    if swap.kind == EXCHANGE and swap.give_back_start_at and swap.give_back_end_at:
        give_back = window_text(swap.give_back_start_at, swap.give_back_end_at, zone)
        text += f"\nIn exchange you cover theirs: {give_back}."
    _send(
        session,
        requester,
        f"swap:{swap.id}:accepted",
        f"Swap {swap.id} accepted by {swap.taker_id}",
        text,
        now,
    )


def declined(
    session: Session,
    swap: SwapRequest,
    requester: Person,
    decliner: str,
    everyone_declined: bool,
    zone: ZoneInfo,
    now: datetime,
) -> None:
    """Tell the requester a colleague said no, and whether anyone is left to ask."""
    window = window_text(swap.start_at, swap.end_at, zone)
    rest = (
        "Everyone it was offered to has declined: the request is closed."
        if everyone_declined
        else "It is still open to the others."
    )
    _send(
        session,
        requester,
        f"swap:{swap.id}:declined:{decliner}",
        f"Swap {swap.id} declined by {decliner}",
        f"{decliner} cannot cover your {swap.rota_id} shift {window}. {rest}",
        now,
    )


def cancelled(
    session: Session, swap: SwapRequest, people: list[Person], zone: ZoneInfo, now: datetime
) -> None:
    """Tell the colleagues still considering it that the request is withdrawn."""
    window = window_text(swap.start_at, swap.end_at, zone)
    for person in people:
        _send(
            session,
            person,
            f"swap:{swap.id}:cancelled:{person.id}",
            f"Swap {swap.id} withdrawn",
            f"{swap.requester_id} no longer needs cover on {swap.rota_id} for {window}.",
            now,
        )


def expired(
    session: Session, swap: SwapRequest, requester: Person, zone: ZoneInfo, now: datetime
) -> None:
    """Tell the requester nobody took the shift before it started: it is still theirs."""
    _send(
        session,
        requester,
        f"swap:{swap.id}:expired",
        f"Swap {swap.id} expired: nobody took it",
        f"Nobody took your {swap.rota_id} shift"
        f" {window_text(swap.start_at, swap.end_at, zone)}; it is still yours.",
        now,
    )


def reminder(
    session: Session, swap: SwapRequest, requester: Person, zone: ZoneInfo, now: datetime
) -> None:
    """Remind the requester, once, that their request is still open a day before the shift."""
    _send(
        session,
        requester,
        f"swap:{swap.id}:reminder",
        f"Swap {swap.id} is still open",
        f"Nobody has taken your {swap.rota_id} shift"
        f" {window_text(swap.start_at, swap.end_at, zone)} yet. Ask someone directly, or"
        f" cancel it: dutydesk swap cancel {swap.id} --as {swap.requester_id}",
        now,
    )
