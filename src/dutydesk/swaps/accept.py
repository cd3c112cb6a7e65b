"""Accepting a swap: a take (the taker covers the window) or an exchange (two overrides).

The team's rule: "a swap is two overrides of exactly the same duration". An exchange makes
both in the same transaction as the status change, so a swap is never half done.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.errors import Conflict, Forbidden, Invalid
from dutydesk.oncall.service import shifts
from dutydesk.overrides.models import Override
from dutydesk.overrides.service import new_override
from dutydesk.people.service import get_person
from dutydesk.rotas.service import get_rota
from dutydesk.swaps import notices
from dutydesk.swaps.models import ACCEPTED, EXCHANGE, TAKE, SwapOffer, SwapRequest
from dutydesk.swaps.rules import held_by, length_text, overlaps
from dutydesk.swaps.service import (
    LONGEST_SWAP,
    SwapView,
    audit_swap,
    check_holds,
    check_open,
    get_swap,
    person_field,
    rota_members,
    view_swap,
)
from dutydesk.team.service import team_zone
from dutydesk.timeparse import check_range

SWAP_OVERRIDE = "swap"  # Override.kind of the overrides a swap makes


def take_swap(
    session: Session, swap_id: int, *, taker_id: str, actor: str, now: datetime
) -> SwapView:
    """The taker covers the whole window; nobody else's shift moves."""
    swap, zone = _check_taker(session, swap_id, taker_id, now)
    cover = _swap_override(session, swap, taker_id, swap.start_at, swap.end_at, actor, now)
    swap.cover_override_id = cover.id
    _accept(session, swap, taker_id, TAKE, actor, now, zone)
    return view_swap(session, swap.id)


def exchange_swap(
    session: Session,
    swap_id: int,
    *,
    taker_id: str,
    give_back_start: datetime,
    give_back_end: datetime,
    actor: str,
    now: datetime,
) -> SwapView:
    """The taker covers the window and the requester covers a window of the taker's in return.

    The give-back window must be exactly as long as the request's, in the future, apart from
    the request's window, and held by the taker.
    """
    check_range(give_back_start, give_back_end, longest=LONGEST_SWAP)
    swap, zone = _check_taker(session, swap_id, taker_id, now)
    wanted, offered = swap.end_at - swap.start_at, give_back_end - give_back_start
    if wanted != offered:
        raise Invalid(
            f"an exchange gives back exactly the same length: swap {swap.id} is"
            f" {length_text(wanted)}, the give-back window is {length_text(offered)}"
        )
    if give_back_start <= now:
        raise Invalid("from: the give-back window must start in the future")
    if overlaps(swap.start_at, swap.end_at, give_back_start, give_back_end):
        raise Invalid("from: the give-back window overlaps the window of the swap")
    check_holds(
        session, swap.rota_id, taker_id, give_back_start, give_back_end, "the give-back window"
    )
    cover = _swap_override(session, swap, taker_id, swap.start_at, swap.end_at, actor, now)
    give_back = _swap_override(
        session, swap, swap.requester_id, give_back_start, give_back_end, actor, now
    )
    swap.cover_override_id, swap.give_back_override_id = cover.id, give_back.id
    swap.give_back_start_at, swap.give_back_end_at = give_back_start, give_back_end
    _accept(session, swap, taker_id, EXCHANGE, actor, now, zone)
    return view_swap(session, swap.id)


def _check_taker(
    session: Session, swap_id: int, taker_id: str, now: datetime
) -> tuple[SwapRequest, ZoneInfo]:
    """The open swap, once the taker may take it; clear errors otherwise."""
    swap = get_swap(session, swap_id, for_update=True)
    zone = team_zone(session)
    check_open(swap, now, zone)
    taker = person_field(session, taker_id, "as")
    if taker.id == swap.requester_id:
        raise Invalid(f"swap {swap.id} is your own request; cancel it instead")
    rota = get_rota(session, swap.rota_id)
    if taker.id not in rota_members(rota):
        raise Forbidden(f"{taker.id} is not on the {rota.id} rota, so cannot cover its shifts")
    if session.get(SwapOffer, (swap.id, taker.id)) is None:
        raise Forbidden(f"swap {swap.id} was not offered to {taker.id}")
    busy = held_by(
        shifts(session, swap.rota_id, swap.start_at, swap.end_at),
        taker.id,
        swap.start_at,
        swap.end_at,
    )
    if busy:
        raise Conflict(
            f"{taker.id} is already on call on {swap.rota_id} during swap {swap.id}:"
            f" {notices.window_text(busy[0].start, busy[0].end, zone)}"
        )
    # The schedule may have changed since the request (an override, a new team file).
    check_holds(
        session, swap.rota_id, swap.requester_id, swap.start_at, swap.end_at, "the swap's window"
    )
    return swap, zone


def _swap_override(
    session: Session,
    swap: SwapRequest,
    person_id: str,
    start: datetime,
    end: datetime,
    actor: str,
    now: datetime,
) -> Override:
    """An override made by a swap; the swap's own audit entry says why."""
    override = new_override(
        session,
        rota_id=swap.rota_id,
        person_id=person_id,
        start=start,
        end=end,
        note=f"swap {swap.id}",
        actor=actor,
        now=now,
    )
    override.kind = SWAP_OVERRIDE
    session.flush()
    return override


def _accept(
    session: Session,
    swap: SwapRequest,
    taker_id: str,
    kind: str,
    actor: str,
    now: datetime,
    zone: ZoneInfo,
) -> None:
    """Close the request as accepted, record it and tell the requester."""
    swap.status, swap.kind, swap.taker_id = ACCEPTED, kind, taker_id
    swap.resolved_at, swap.resolved_by = now, actor
    session.flush()
    summary = f"{taker_id} took swap {swap.id} from {swap.requester_id}"
    if kind == EXCHANGE:
        summary = f"{taker_id} exchanged shifts with {swap.requester_id} (swap {swap.id})"
    audit_swap(session, swap, f"swap.{kind}", [swap.requester_id, taker_id], actor, now, summary)
    notices.accepted(session, swap, get_person(session, swap.requester_id), zone, now)
