"""FastAPI dependencies as Annotated aliases: the runtime, a session, the current user."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session

from dutydesk.auth.models import User
from dutydesk.auth.service import authenticate, require_role
from dutydesk.db import unit_of_work
from dutydesk.errors import Unauthorized
from dutydesk.runtime import Runtime

_bearer = HTTPBearer(auto_error=False, description="An API token from `dutydesk token create`.")


def get_runtime(request: Request) -> Runtime:
    runtime: Runtime = request.app.state.runtime
    return runtime


RuntimeDep = Annotated[Runtime, Depends(get_runtime)]


def get_session(runtime: RuntimeDep) -> Iterator[Session]:
    """One unit of work per request; routes that write commit it themselves."""
    with unit_of_work(runtime.sessions) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


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
