"""JSON routes for who is on call and a rota's final schedule."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dutydesk.deps import CurrentUser, ReadSessionDep, TeamTimeDep
from dutydesk.oncall import service
from dutydesk.oncall.schemas import OnCallRead, ShiftRead, oncall_read, shift_read

# Tagged with the rotas' routes: to the API's readers, who is on a rota is part of rotas.
router = APIRouter(prefix="/api/v1", tags=["rotas"])

AtQuery = Annotated[
    str | None,
    Query(description="ISO 8601 instant; without an offset, the team's local time. Default: now."),
]


@router.get("/oncall", response_model=list[OnCallRead])
def who_is_on_call(
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    at: AtQuery = None,
    rota: Annotated[list[str] | None, Query(description="Limit to these rotas.")] = None,
) -> list[OnCallRead]:
    """Who is on call on every rota (or the named ones) now or at `at`."""
    instant = team_time.parse_or_now(at, field="at")
    return [
        oncall_read(answer, team_time.zone) for answer in service.who(session, rota or [], instant)
    ]


@router.get("/rotas/{rota}/oncall", response_model=OnCallRead)
def who_is_on_rota(
    rota: str,
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    at: AtQuery = None,
) -> OnCallRead:
    """Who is on call on one rota now or at `at`."""
    instant = team_time.parse_or_now(at, field="at")
    [answer] = service.who(session, [rota], instant)
    return oncall_read(answer, team_time.zone)


@router.get("/rotas/{rota}/shifts", response_model=list[ShiftRead])
def rota_shifts(
    rota: str,
    _user: CurrentUser,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    from_: Annotated[str, Query(alias="from", description="ISO 8601 start (inclusive).")],
    to: Annotated[str, Query(description="ISO 8601 end (exclusive).")],
) -> list[ShiftRead]:
    """The final schedule of a rota between two times: who, from, until, and why."""
    start = team_time.parse(from_, field="from")
    end = team_time.parse(to, field="to")
    return [shift_read(s, team_time.zone) for s in service.shifts(session, rota, start, end)]
