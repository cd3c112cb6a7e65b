"""JSON routes for the delivery log (admins only)."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from dutydesk.auth.service import require_role
from dutydesk.deps import CurrentUser, ReadSessionDep
from dutydesk.notify import service
from dutydesk.notify.schemas import DeliveryRead, delivery_read

router = APIRouter(prefix="/api/v1", tags=["deliveries"])


@router.get("/deliveries", response_model=list[DeliveryRead])
def list_deliveries(
    user: CurrentUser,
    session: ReadSessionDep,
    status: Annotated[
        Literal["pending", "sent", "failed", "dead"] | None,
        Query(description="Only messages in this state."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="At most this many.")] = 50,
) -> list[DeliveryRead]:
    """The newest messages of the outbox with every delivery attempt (needs admin)."""
    require_role(user, "admin")
    messages = service.list_deliveries(session, status=status, limit=limit)
    log = service.attempts_of(session, [m.id for m in messages])
    return [delivery_read(m, log[m.id]) for m in messages]
