"""JSON routes of heartbeats: the ping a job sends (`/hooks/heartbeat/{token}`, GET or POST, as
cron jobs use curl or wget) and the list people read (`/api/v1/heartbeats`).

The ping answers in Dutydesk's error shape, JSON even to a browser, and says the same 404 for a
token that never existed and one that was revoked.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from dutydesk.db import unit_of_work
from dutydesk.deps import CurrentUser, ReadSessionDep, RuntimeDep, TeamTimeDep
from dutydesk.errors import NotFound
from dutydesk.heartbeats import service
from dutydesk.heartbeats.schemas import HeartbeatRead, PingAccepted, heartbeat_read
from dutydesk.http_errors import ErrorRead, error_body
from dutydesk.runtime import Runtime
from dutydesk.team.service import find_team
from dutydesk.timeparse import parse_zone

hooks_router = APIRouter(tags=["heartbeats"])
router = APIRouter(prefix="/api/v1/heartbeats", tags=["heartbeats"])

_PING_RESPONSES: dict[int | str, dict[str, Any]] = {
    404: {"model": ErrorRead, "description": "The token is not a live heartbeat's."},
}


@hooks_router.post(
    "/hooks/heartbeat/{token}", response_model=PingAccepted, responses=_PING_RESPONSES
)
def ping_post(token: str, runtime: RuntimeDep) -> JSONResponse:
    """A job's ping (any body is ignored): moves the next deadline on, resolves a miss's alert."""
    return _ping(runtime, token)


@hooks_router.get(
    "/hooks/heartbeat/{token}", response_model=PingAccepted, responses=_PING_RESPONSES
)
def ping_get(token: str, runtime: RuntimeDep) -> JSONResponse:
    """The same ping as POST, for tools that only GET."""
    return _ping(runtime, token)


def _ping(runtime: Runtime, token: str) -> JSONResponse:
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        try:
            heartbeat = service.ping(session, token, now)
        except NotFound as error:
            return JSONResponse(error_body(error), status_code=404)
        team = find_team(session)
        zone = parse_zone(team.timezone if team is not None else "UTC")
        answer = PingAccepted(next_due_at=heartbeat.due_at.astimezone(zone))
        session.commit()
    return JSONResponse(answer.model_dump(mode="json"))


@router.get("", response_model=list[HeartbeatRead])
def list_heartbeats(
    _user: CurrentUser, session: ReadSessionDep, team_time: TeamTimeDep
) -> list[HeartbeatRead]:
    """Every heartbeat monitor, by service then age, with its status; never the tokens."""
    found = service.list_heartbeats(session)
    return [heartbeat_read(heartbeat, team_time.zone, team_time.now) for heartbeat in found]
