"""FastAPI dependencies as Annotated aliases: the runtime, sessions, the team's clock, the user."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from dutydesk.auth.models import User
from dutydesk.auth.service import authenticate, require_role
from dutydesk.db import unit_of_work
from dutydesk.errors import Unauthorized
from dutydesk.runtime import Runtime
from dutydesk.team.service import team_zone
from dutydesk.timeparse import parse_time

_bearer = HTTPBearer(auto_error=False, description="An API token from `dutydesk token create`.")

# The rota maths looks up to a few hundred days either side of an instant; far-off years would
# overflow Python's datetime range, and no rota means anything there.


async def get_runtime(request: Request) -> Runtime:
    """The runtime the application was built around."""
    # async, though it awaits nothing: FastAPI runs a plain `def` dependency on a worker thread,
    # a thread hop per request for reading one attribute.
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """One unit of work per request that writes; the route commits it."""
    with unit_of_work(runtime.sessions) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def get_read_session(runtime: RuntimeDep) -> Iterator[Session]:
    """One unit of work per request that only reads (no write lock on SQLite)."""
    with unit_of_work(runtime.read_sessions) as session:
        yield session


ReadSessionDep = Annotated[Session, Depends(get_read_session)]


@dataclass(frozen=True)
class TeamTime:
    """The team's time zone and the current instant, to read the times a request carries."""

    zone: ZoneInfo
    now: datetime

    def parse(self, text: str, *, field: str) -> datetime:
        """An ISO 8601 time (team local time without an offset) as UTC; Invalid names `field`."""
        return parse_time(text, self.zone, self.now, field=field)

    def parse_or_now(self, text: str | None, *, field: str) -> datetime:
        """Like `parse`, with now when the parameter was not given."""
        return self.now if text is None else self.parse(text, field=field)


def get_team_time(session: ReadSessionDep, runtime: RuntimeDep) -> TeamTime:
    """The team's zone and now; NotFound before a team is set up."""
    return TeamTime(team_zone(session), runtime.clock.now())


TeamTimeDep = Annotated[TeamTime, Depends(get_team_time)]


def get_current_user(
    runtime: RuntimeDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> User:
    """The user behind the request's bearer token."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise Unauthorized("send an API token: Authorization: Bearer <token>")
    with unit_of_work(runtime.sessions) as session:
        user = authenticate(session, credentials.credentials, runtime.clock.now())
        session.commit()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_responder(user: CurrentUser) -> User:
    """The current user, who must be a responder or an admin (anyone who may write)."""
    require_role(user, "responder")
    return user


Responder = Annotated[User, Depends(get_responder)]


def get_admin(user: CurrentUser) -> User:
    """The current user, who must be an admin."""
    require_role(user, "admin")
    return user


Admin = Annotated[User, Depends(get_admin)]
