"""Swap use cases: request, list, decline and cancel. Accepting is in `accept.py`.

Services never commit: each use case changes rows, records an audit entry and queues its
notices in the caller's transaction, so either all of it happens or none of it does.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.auth.models import User
from dutydesk.errors import Conflict, Forbidden, Invalid, NotFound
from dutydesk.external_rotas.service import refuse_if_external
from dutydesk.oncall.service import shifts
from dutydesk.people.models import Person
from dutydesk.people.service import get_person
from dutydesk.rotas.models import Rota
from dutydesk.rotas.service import get_rota
from dutydesk.swaps import notices
from dutydesk.swaps.models import (
    CANCELLED,
    DECLINED,
    EXPIRED,
    OPEN,
    SwapOffer,
    SwapRequest,
)
from dutydesk.swaps.rules import not_held
from dutydesk.team.service import team_zone
from dutydesk.timeparse import check_range, local_text

LONGEST_SWAP = timedelta(days=31)
REMIND_BEFORE = timedelta(hours=24)
NOTE_LENGTH = 500
_LARGEST_ID = 2**31 - 1  # ids are 32-bit integers in the database


@dataclass(frozen=True)
class SwapView:
    """A swap request with the colleagues it was offered to, in order, and who declined."""

    swap: SwapRequest
    offered_to: list[str]
    declined_by: list[str]

    def waiting_for(self) -> list[str]:
        """Those it was offered to who have not said no."""
        return [person for person in self.offered_to if person not in self.declined_by]

    def takeable_by(self, person_id: str, now: datetime) -> bool:
        """Whether `person_id` could take it now: offered to them, not declined, not their own,
        and its window not begun."""
        return (
            person_id in self.waiting_for()
            and self.swap.requester_id != person_id
            and self.swap.start_at > now
        )


def acting_person(session: Session, user: User, as_person: str | None) -> str:
    """The person an API user acts as: their own, or (admins only) anyone named in `as`."""
    if as_person is not None and as_person != user.person_id:
        if user.role != "admin":
            raise Forbidden(f"only an admin may act for someone else; {user.username} is not one")
        return person_field(session, as_person, "as").id
    if user.person_id is None:
        raise Forbidden(
            f"user {user.username} is not linked to a person on the team, so cannot swap shifts"
            " (an admin can link one with `dutydesk user add --person`)"
        )
    return user.person_id


def person_field(session: Session, person_id: str, field: str) -> Person:
    """The person a request field names; Invalid (naming the field) when there is none."""
    try:
        return get_person(session, person_id)
    except NotFound:
        raise Invalid(f"{field}: no person {person_id!r} in the team") from None


def rota_members(rota: Rota) -> list[str]:
    """Everyone in any of the rota's layers, in order of first appearance."""
    return list(dict.fromkeys(m.person_id for layer in rota.layers for m in layer.members))


def check_holds(
    session: Session, rota_id: str, person_id: str, start: datetime, end: datetime, what: str
) -> None:
    """Conflict unless `person_id` is on call on the rota for all of [start, end)."""
    gaps = not_held(shifts(session, rota_id, start, end), person_id, start, end)
    if gaps:
        zone = team_zone(session)
        first = gaps[0]
        who = f"{first.person} is on call" if first.person else "nobody is on call"
        raise Conflict(
            f"{person_id} is not on call on {rota_id} for all of {what}: {who}"
            f" {notices.window_text(first.start, first.end, zone)}"
        )


def request_swap(
    session: Session,
    *,
    rota_id: str,
    requester_id: str,
    start: datetime,
    end: datetime,
    offered_to: Sequence[str],
    note: str | None,
    actor: str,
    now: datetime,
) -> SwapView:
    """Offer part or all of the requester's time on a rota to named colleagues (or the rota)."""
    rota = get_rota(session, rota_id)
    refuse_if_external(session, rota_id, "a swap")
    requester = person_field(session, requester_id, "as")
    check_range(start, end, longest=LONGEST_SWAP)
    if start <= now:
        raise Invalid(f"from: the window must start in the future ({start.isoformat()} has passed)")
    if note is not None and len(note) > NOTE_LENGTH:
        raise Invalid(f"note: at most {NOTE_LENGTH} characters")
    members = rota_members(rota)
    offer_ids = _offer_list(session, rota, members, requester.id, offered_to)
    check_holds(session, rota_id, requester.id, start, end, "that window")
    clash = session.scalar(
        select(SwapRequest.id).where(
            SwapRequest.rota_id == rota_id,
            SwapRequest.requester_id == requester.id,
            SwapRequest.status == OPEN,
            SwapRequest.start_at < end,
            SwapRequest.end_at > start,
        )
    )
    if clash is not None:
        raise Conflict(f"swap {clash} already asks for cover for part of that window")
    swap = SwapRequest(
        rota_id=rota_id,
        requester_id=requester.id,
        start_at=start,
        end_at=end,
        offered_to_rota=not offered_to,
        note=note,
        status=OPEN,
        created_at=now,
        created_by=actor,
        remind_at=start - REMIND_BEFORE if start - REMIND_BEFORE > now else None,
    )
    session.add(swap)
    session.flush()
    for position, person_id in enumerate(offer_ids):
        session.add(SwapOffer(swap_id=swap.id, person_id=person_id, position=position))
    session.flush()
    audit_swap(
        session,
        swap,
        "swap.request",
        [requester.id, *offer_ids],
        actor,
        now,
        f"{requester.id} asks for cover on {rota_id}, offered to {', '.join(offer_ids)}",
    )
    zone = team_zone(session)
    notices.offered(session, swap, [get_person(session, p) for p in offer_ids], zone, now)
    return SwapView(swap, offer_ids, [])


def _offer_list(
    session: Session, rota: Rota, members: list[str], requester_id: str, named: Sequence[str]
) -> list[str]:
    """Who a request goes to: the named colleagues, or everyone else on the rota."""
    if not named:
        chosen = [m for m in members if m != requester_id]
        if not chosen:
            raise Invalid(f"nobody else is on {rota.id} to offer the swap to")
        return chosen
    chosen = list(dict.fromkeys(named))
    for person_id in chosen:
        person_field(session, person_id, "to")
        if person_id == requester_id:
            raise Invalid("to: you cannot offer a swap to yourself")
        if person_id not in members:
            raise Invalid(
                f"to: {person_id} is not on the {rota.id} rota (its members: {', '.join(members)})"
            )
    return chosen


def list_swaps(
    session: Session, *, rota_id: str | None = None, open_only: bool = False
) -> list[SwapView]:
    """Swap requests by the start of their window, optionally one rota's or only open ones."""
    query = select(SwapRequest)
    if rota_id is not None:
        get_rota(session, rota_id)
        query = query.where(SwapRequest.rota_id == rota_id)
    if open_only:
        query = query.where(SwapRequest.status == OPEN)
    swaps = session.scalars(query.order_by(SwapRequest.start_at, SwapRequest.id)).all()
    return [_view(session, swap) for swap in swaps]


def get_swap(session: Session, swap_id: int, *, for_update: bool = False) -> SwapRequest:
    """One swap request, or NotFound; `for_update` locks its row (PostgreSQL) until commit."""
    query = select(SwapRequest).where(SwapRequest.id == swap_id)
    if for_update:
        query = query.with_for_update()
    swap = session.scalar(query) if 0 < swap_id <= _LARGEST_ID else None
    if swap is None:
        raise NotFound(f"no swap request {swap_id}")
    return swap


def view_swap(session: Session, swap_id: int) -> SwapView:
    """One swap request with its offers."""
    return _view(session, get_swap(session, swap_id))


def effective_status(swap: SwapRequest, now: datetime) -> str:
    """The status to show: an open request whose window has started is expired, even before
    the worker's swaps cycle has recorded it (nobody can answer it any more)."""
    if swap.status == OPEN and swap.start_at <= now:
        return EXPIRED
    return swap.status


def may_answer(view: SwapView, person_id: str | None, now: datetime) -> bool:
    """Whether the request waits for `person_id`'s answer: open, not started, offered to them,
    not declined by them. Taking it checks more (see `accept`), and says why it cannot."""
    return (
        person_id is not None
        and effective_status(view.swap, now) == OPEN
        and person_id in view.offered_to
        and person_id not in view.declined_by
        and person_id != view.swap.requester_id
    )


@dataclass(frozen=True)
class SwapBoard:
    """Swap requests as one person sees them, each list by the start of its window."""

    for_me: list[SwapView]  # waiting for this person's answer
    mine: list[SwapView]  # this person's own requests still open
    others: list[SwapView]  # every other open request
    closed: list[SwapView]  # closed since the cut-off (or expired unrecorded), newest first


def swap_board(
    session: Session, person_id: str | None, now: datetime, *, closed_since: datetime
) -> SwapBoard:
    """Open requests sorted for `person_id` (None: a user linked to nobody), and the recently
    closed ones."""
    found = session.scalars(
        select(SwapRequest)
        .where(or_(SwapRequest.status == OPEN, SwapRequest.resolved_at >= closed_since))
        .order_by(SwapRequest.start_at, SwapRequest.id)
    ).all()
    board = SwapBoard([], [], [], [])
    for view in (_view(session, swap) for swap in found):
        if effective_status(view.swap, now) != OPEN:
            board.closed.append(view)
        elif may_answer(view, person_id, now):
            board.for_me.append(view)
        elif person_id is not None and view.swap.requester_id == person_id:
            board.mine.append(view)
        else:
            board.others.append(view)
    board.closed.sort(key=lambda v: v.swap.resolved_at or v.swap.start_at, reverse=True)
    return board


def check_open(swap: SwapRequest, now: datetime, zone: ZoneInfo) -> None:
    """Conflict unless the request can still be answered: open, and its window not started."""
    if swap.status != OPEN:
        raise Conflict(f"swap {swap.id} is {swap.status}, not open")
    if swap.start_at <= now:
        raise Conflict(
            f"swap {swap.id} has expired: its window started {local_text(swap.start_at, zone)}"
        )


def decline_swap(
    session: Session, swap_id: int, *, person_id: str, actor: str, now: datetime
) -> SwapView:
    """A colleague says no; when everyone it was offered to has, the request closes."""
    swap = get_swap(session, swap_id, for_update=True)
    zone = team_zone(session)
    check_open(swap, now, zone)
    offer = session.get(SwapOffer, (swap.id, person_id))
    if offer is None:
        raise Forbidden(f"swap {swap.id} was not offered to {person_id}")
    if offer.declined_at is not None:
        raise Conflict(f"{person_id} has already declined swap {swap.id}")
    offer.declined_at = now
    session.flush()
    view = _view(session, swap)
    everyone = len(view.declined_by) == len(view.offered_to)
    if everyone:
        swap.status, swap.resolved_at, swap.resolved_by = DECLINED, now, actor
    audit_swap(
        session,
        swap,
        "swap.decline",
        [person_id, swap.requester_id],
        actor,
        now,
        f"{person_id} declined swap {swap.id}" + (" (declined by all)" if everyone else ""),
    )
    requester = get_person(session, swap.requester_id)
    notices.declined(session, swap, requester, person_id, everyone, zone, now)
    session.flush()
    return view


def cancel_swap(
    session: Session, swap_id: int, *, person_id: str, actor: str, now: datetime
) -> SwapView:
    """The requester withdraws an open request; colleagues still considering it are told."""
    swap = get_swap(session, swap_id, for_update=True)
    if person_id != swap.requester_id:
        raise Forbidden(f"only {swap.requester_id}, who asked, can cancel swap {swap.id}")
    if swap.status != OPEN:
        raise Conflict(f"swap {swap.id} is {swap.status}, not open")
    swap.status, swap.resolved_at, swap.resolved_by = CANCELLED, now, actor
    session.flush()
    view = _view(session, swap)
    audit_swap(
        session,
        swap,
        "swap.cancel",
        [swap.requester_id],
        actor,
        now,
        f"{swap.requester_id} cancelled swap {swap.id}",
    )
    waiting = [p for p in view.offered_to if p not in view.declined_by]
    people = [get_person(session, p) for p in waiting]
    notices.cancelled(session, swap, people, team_zone(session), now)
    return view


def _view(session: Session, swap: SwapRequest) -> SwapView:
    offers = session.scalars(
        select(SwapOffer).where(SwapOffer.swap_id == swap.id).order_by(SwapOffer.position)
    ).all()
    return SwapView(
        swap,
        [o.person_id for o in offers],
        [o.person_id for o in offers if o.declined_at is not None],
    )


def audit_swap(
    session: Session,
    swap: SwapRequest,
    action: str,
    people: list[str],
    actor: str,
    now: datetime,
    summary: str,
) -> None:
    """Record a swap event with the swap's window and state as they are after it."""
    record(
        session,
        actor=actor,
        action=action,
        rota_id=swap.rota_id,
        person_ids=people,
        summary=summary,
        details={
            "swap": swap.id,
            "requester": swap.requester_id,
            "from": swap.start_at.isoformat(),
            "until": swap.end_at.isoformat(),
            "status": swap.status,
            "taker": swap.taker_id,
            "kind": swap.kind,
            "give_back_from": None
            if swap.give_back_start_at is None
            else swap.give_back_start_at.isoformat(),
            "give_back_until": None
            if swap.give_back_end_at is None
            else swap.give_back_end_at.isoformat(),
            "overrides": [
                i for i in (swap.cover_override_id, swap.give_back_override_id) if i is not None
            ],
        },
        now=now,
    )
