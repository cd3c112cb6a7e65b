"""JSON routes for swap requests: list, read, request, take, exchange, decline, cancel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, status

from dutydesk.deps import CurrentUser, ReadSessionDep, Responder, SessionDep, TeamTimeDep
from dutydesk.swaps import accept, service
from dutydesk.swaps.schemas import SwapAnswer, SwapCreate, SwapExchange, SwapRead, swap_read

router = APIRouter(prefix="/api/v1/swaps", tags=["swaps"])


@router.get("", response_model=list[SwapRead])
def list_swaps(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    rota: Annotated[str | None, Query(description="Only this rota's requests.")] = None,
    open_only: Annotated[bool, Query(alias="open", description="Only open requests.")] = False,
) -> list[SwapRead]:
    """Swap requests by the start of their window."""
    found = service.list_swaps(session, rota_id=rota, open_only=open_only)
    return [swap_read(view, team_time.zone) for view in found]


@router.post("", response_model=SwapRead, status_code=status.HTTP_201_CREATED)
def request_swap(
    body: SwapCreate, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> SwapRead:
    """Ask colleagues (or everyone on the rota) to cover part of your shift (responder+)."""
    view = service.request_swap(
        session,
        rota_id=body.rota,
        requester_id=service.acting_person(session, user, body.as_),
        start=team_time.parse(body.from_, field="from"),
        end=team_time.parse(body.until, field="until"),
        offered_to=body.to,
        note=body.note,
        actor=f"user:{user.username}",
        now=team_time.now,
    )
    session.commit()
    return swap_read(view, team_time.zone)


@router.get("/{swap_id}", response_model=SwapRead)
def get_swap(
    swap_id: int, _user: CurrentUser, session: ReadSessionDep, team_time: TeamTimeDep
) -> SwapRead:
    """One swap request."""
    return swap_read(service.view_swap(session, swap_id), team_time.zone)


@router.post("/{swap_id}/take", response_model=SwapRead)
def take_swap(
    swap_id: int,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    body: SwapAnswer | None = None,
) -> SwapRead:
    """Cover the whole window yourself (responder+)."""
    view = accept.take_swap(
        session,
        swap_id,
        taker_id=service.acting_person(session, user, body.as_ if body else None),
        actor=f"user:{user.username}",
        now=team_time.now,
    )
    session.commit()
    return swap_read(view, team_time.zone)


@router.post("/{swap_id}/exchange", response_model=SwapRead)
def exchange_swap(
    swap_id: int, body: SwapExchange, user: Responder, session: SessionDep, team_time: TeamTimeDep
) -> SwapRead:
    """Cover the window and give back one of your shifts of exactly the same length (responder+)."""
    view = accept.exchange_swap(
        session,
        swap_id,
        taker_id=service.acting_person(session, user, body.as_),
        give_back_start=team_time.parse(body.from_, field="from"),
        give_back_end=team_time.parse(body.until, field="until"),
        actor=f"user:{user.username}",
        now=team_time.now,
    )
    session.commit()
    return swap_read(view, team_time.zone)


@router.post("/{swap_id}/decline", response_model=SwapRead)
def decline_swap(
    swap_id: int,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    body: SwapAnswer | None = None,
) -> SwapRead:
    """Say no to a swap offered to you (responder+)."""
    view = service.decline_swap(
        session,
        swap_id,
        person_id=service.acting_person(session, user, body.as_ if body else None),
        actor=f"user:{user.username}",
        now=team_time.now,
    )
    session.commit()
    return swap_read(view, team_time.zone)


@router.post("/{swap_id}/cancel", response_model=SwapRead)
def cancel_swap(
    swap_id: int,
    user: Responder,
    session: SessionDep,
    team_time: TeamTimeDep,
    body: SwapAnswer | None = None,
) -> SwapRead:
    """Withdraw your own open request (responder+)."""
    view = service.cancel_swap(
        session,
        swap_id,
        person_id=service.acting_person(session, user, body.as_ if body else None),
        actor=f"user:{user.username}",
        now=team_time.now,
    )
    session.commit()
    return swap_read(view, team_time.zone)
