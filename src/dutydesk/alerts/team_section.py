"""The team file's `services`: what monitoring raises alerts for, and the policy that pages.

Removing a service that is still in use is refused before anything changes; the rule counts
heartbeats too, so it lives with them (dutydesk/heartbeats/team_rules.py).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Service
from dutydesk.alerts.spec import ServiceSpec
from dutydesk.team.sections import (
    KnownIds,
    Problem,
    Section,
    duplicate_ids,
    remove_rows,
    save_in_order,
)


def export_services(session: Session) -> list[ServiceSpec]:
    """Every stored service, in the file's order."""
    return [
        ServiceSpec(
            id=service.id,
            name=service.name,
            description=service.description,
            escalation_policy=service.escalation_policy_id,
            group_window=service.group_window,
        )
        for service in session.scalars(select(Service).order_by(Service.position, Service.id))
    ]


def save_services(
    session: Session, specs: Sequence[ServiceSpec], changed: Collection[str], now: datetime
) -> None:
    """Create or update the services whose ids are given."""

    def fill(service: Service, spec: ServiceSpec) -> None:
        service.name = spec.name
        service.description = spec.description
        service.escalation_policy_id = spec.escalation_policy
        service.group_window = spec.group_window

    save_in_order(session, Service, specs, changed, fill)


def remove_services(session: Session, ids: Collection[str], now: datetime) -> None:
    """Remove services with their revoked keys, resolved alerts and change events."""
    remove_rows(session, Service, ids)


def service_problems(specs: Sequence[ServiceSpec], known: KnownIds) -> list[Problem]:
    """Each service once; the policies they name are in the file."""
    problems = duplicate_ids("service", specs)
    for index, service in enumerate(specs):
        policy = service.escalation_policy
        if policy is not None and policy not in known["escalation_policies"]:
            problems.append(
                (
                    (index, "escalation_policy"),
                    f"{policy!r} is not an escalation policy in this file",
                )
            )
    return problems


def _leave_out_defaults(service: dict[str, Any]) -> None:
    if service["group_window"] == ServiceSpec.model_fields["group_window"].default:
        del service["group_window"]


SECTION = Section(
    kind="service",
    item=ServiceSpec,
    compared=("name", "description", "escalation_policy", "group_window"),
    export=export_services,
    save=save_services,
    remove=remove_services,
    problems=service_problems,
    trim=_leave_out_defaults,
)
