"""When a service may leave the team file: not while monitoring can still reach it.

The rule counts the service's open alerts and integration keys as well as its heartbeats: it
lives here because heartbeats build on alerts, and alerts know nothing of heartbeats.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Alert, IntegrationKey
from dutydesk.errors import Conflict
from dutydesk.heartbeats.models import Heartbeat


def refuse_removing_services_in_use(
    session: Session, service_ids: Collection[str], now: datetime
) -> None:
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
