"""JSON routes for escalation policies and the services they page for (read-only: both are
kept as code in the team file and changed with `dutydesk apply`)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel, Field
from sqlalchemy import select

from dutydesk.alerts.integrations import get_service
from dutydesk.alerts.models import Service
from dutydesk.deps import CurrentUser, ReadSessionDep
from dutydesk.errors import NotFound
from dutydesk.escalation.models import EscalationPolicy
from dutydesk.escalation.spec import PolicySpec

router = APIRouter(prefix="/api/v1", tags=["escalation"])


class ServiceRead(BaseModel):
    """A monitored service and how its alerts page."""

    id: str
    name: str
    description: str | None
    escalation_policy: str | None = Field(description="The policy's id; null pages nobody.")
    group_window: str = Field(examples=["5m"], description="Alerts this close share pages.")


@router.get("/escalation-policies", response_model=list[PolicySpec])
def list_policies(_user: CurrentUser, session: ReadSessionDep) -> list[PolicySpec]:
    """Every escalation policy, as the team file declares it."""
    rows = session.scalars(select(EscalationPolicy).order_by(EscalationPolicy.position))
    return [PolicySpec.model_validate(row.definition) for row in rows]


@router.get("/escalation-policies/{policy_id}", response_model=PolicySpec)
def get_policy(policy_id: str, _user: CurrentUser, session: ReadSessionDep) -> PolicySpec:
    """One escalation policy."""
    row = session.get(EscalationPolicy, policy_id) if len(policy_id) <= 64 else None
    if row is None:
        raise NotFound(f"no escalation policy {policy_id!r}")
    return PolicySpec.model_validate(row.definition)


@router.get("/services", response_model=list[ServiceRead])
def list_services(_user: CurrentUser, session: ReadSessionDep) -> list[ServiceRead]:
    """Every service, in the team file's order."""
    rows = session.scalars(select(Service).order_by(Service.position, Service.id))
    return [_service_read(row) for row in rows]


@router.get("/services/{service_id}", response_model=ServiceRead)
def read_service(service_id: str, _user: CurrentUser, session: ReadSessionDep) -> ServiceRead:
    """One service."""
    return _service_read(get_service(session, service_id))


def _service_read(service: Service) -> ServiceRead:
    return ServiceRead(
        id=service.id,
        name=service.name,
        description=service.description,
        escalation_policy=service.escalation_policy_id,
        group_window=service.group_window,
    )
