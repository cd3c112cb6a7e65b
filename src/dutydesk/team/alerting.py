"""The team file's services and escalation policies: applying them, and the rules for removing
a service (split from team.service, which diffs and applies the whole file)."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Alert, IntegrationKey, Service
from dutydesk.errors import Conflict
from dutydesk.escalation.models import EscalationPolicy
from dutydesk.heartbeats.models import Heartbeat
from dutydesk.team.spec import PolicySpec, ServiceSpec

POLICY_FIELDS = (
    "name",
    "hours",
    "skip_holidays",
    "outside_hours",
    "steps",
    "repeat",
    "ack_timeout",
)


def apply_services(session: Session, specs: list[ServiceSpec], changed: Collection[str]) -> None:
    """Create, update and remove services; a removed one (refused while in use) takes its
    revoked keys and resolved alerts with it."""

    def fill(service: Service, spec: ServiceSpec) -> None:
        service.name = spec.name
        service.description = spec.description
        service.escalation_policy_id = spec.escalation_policy
        service.group_window = spec.group_window

    _sync(session, Service, specs, changed, fill)


def apply_policies(session: Session, specs: list[PolicySpec], changed: Collection[str]) -> None:
    """Create, update and remove escalation policies; a group running a removed one goes on with
    its service's policy at its next step (and says so in its log)."""

    def fill(policy: EscalationPolicy, spec: PolicySpec) -> None:
        policy.name = spec.name
        policy.definition = spec.model_dump(mode="json")

    _sync(session, EscalationPolicy, specs, changed, fill)


Row = TypeVar("Row", Service, EscalationPolicy)
Spec = TypeVar("Spec", ServiceSpec, PolicySpec)


def _sync(
    session: Session,
    model: type[Row],
    specs: list[Spec],
    changed: Collection[str],
    fill: Callable[[Row, Spec], None],
) -> None:
    """Make the table hold the file's things, in its order: fill the changed ones, add the new
    ones, delete the ones the file no longer has."""
    rows = {row.id: row for row in session.scalars(select(model))}
    for position, spec in enumerate(specs):
        if spec.id not in changed:
            continue
        row = rows.get(spec.id) or model(id=spec.id)
        fill(row, spec)
        row.position = position
        session.add(row)
    for row_id in rows.keys() - {spec.id for spec in specs}:
        session.delete(rows[row_id])
    session.flush()


def refuse_removing_services_in_use(session: Session, service_ids: set[str]) -> None:
    """A service that can still receive events, or has alerts open, must not vanish with them:
    monitoring would be answered 404 and open alerts lost. Resolved history goes with it."""
    for service_id in sorted(service_ids):
        open_alerts = session.scalar(
            select(func.count()).where(Alert.service_id == service_id, Alert.resolved_at.is_(None))
        )
        live_keys = session.scalar(
            select(func.count()).where(
                IntegrationKey.service_id == service_id, IntegrationKey.revoked_at.is_(None)
            )
        )
        live_heartbeats = session.scalar(
            select(func.count()).where(
                Heartbeat.service_id == service_id, Heartbeat.revoked_at.is_(None)
            )
        )
        if open_alerts or live_keys or live_heartbeats:
            raise Conflict(
                f"cannot remove service {service_id}: it has {open_alerts} open alert(s),"
                f" {live_keys} integration key(s) and {live_heartbeats} heartbeat(s) in use;"
                " resolve the alerts and revoke the keys and heartbeats (dutydesk integration"
                " revoke, dutydesk heartbeat revoke) first"
            )


def leave_out_policy_defaults(policy: dict[str, Any]) -> None:
    for key in ("hours", "skip_holidays", "repeat"):
        if not policy[key]:
            del policy[key]
    if policy["ack_timeout"] == PolicySpec.model_fields["ack_timeout"].default:
        del policy["ack_timeout"]
