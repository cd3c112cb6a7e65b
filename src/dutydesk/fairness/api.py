"""JSON route of the fairness report: admins only (it compares colleagues)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from dutydesk.deps import Admin, ReadSessionDep, TeamTimeDep
from dutydesk.fairness import service
from dutydesk.fairness.periods import period_of
from dutydesk.fairness.schemas import FairnessRead, fairness_read

router = APIRouter(prefix="/api/v1", tags=["fairness"])


@router.get("/fairness", response_model=FairnessRead, response_model_by_alias=True)
def fairness(
    _admin: Admin,
    session: ReadSessionDep,
    team_time: TeamTimeDep,
    from_: Annotated[
        str | None,
        Query(alias="from", description="ISO 8601 start or a date (team local time)."),
    ] = None,
    to: Annotated[str | None, Query(description="ISO 8601 end (exclusive) or a date.")] = None,
    quarter: Annotated[
        str | None, Query(description="A quarter instead of from and to, such as 2026Q4.")
    ] = None,
    rota: Annotated[
        list[str] | None, Query(description="Limit to these rotas (default: every rota).")
    ] = None,
) -> FairnessRead:
    """Everyone's on-call load over a period (default: the last whole quarter): hours in and
    out of working hours, pages, bank-holiday shifts, swaps, and the fairness index."""
    start, end = period_of(from_, to, quarter, team_time.zone, team_time.now)
    return fairness_read(service.load(session, start, end, rota or []), team_time.zone)
