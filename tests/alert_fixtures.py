"""Fixtures for tests of alerts and paging: raise an alert, run the escalation cycle, read what
was paged (registered for every test in tests/conftest.py)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import pytest
from sqlalchemy import select

from dutydesk.alerts.models import Alert, AlertLogEntry
from dutydesk.alerts.service import AlertFields, trigger_on_service
from dutydesk.db import unit_of_work
from dutydesk.escalation.due import escalate_due
from dutydesk.notify.models import OutboxMessage
from dutydesk.runtime import Runtime


@dataclass(frozen=True)
class Page:
    """A page as the outbox holds it."""

    destination: str
    channel: str
    due_at: datetime
    status: str
    key: str


@pytest.fixture
def raise_alert(runtime: Runtime) -> Callable[..., int]:
    """Trigger an alert on a service (platform-api by default); returns its id."""

    def make(key: str = "disk-full", service: str = "platform-api", summary: str = "") -> int:
        fields = AlertFields(
            summary=summary or f"{key} on {service}", source="test", severity="critical"
        )
        with unit_of_work(runtime.sessions) as session:
            alert, _ = trigger_on_service(
                session, service, key, fields, runtime.clock.now(), actor="test"
            )
            session.commit()
            return alert.id

    return make


@pytest.fixture
def run_cycle(runtime: Runtime) -> Callable[[], int]:
    """One pass of the escalation cycle at the clock's time."""
    return lambda: escalate_due(runtime, "test-worker")


@pytest.fixture
def pages(runtime: Runtime) -> Callable[[], list[Page]]:
    """Every page queued so far, oldest first."""

    def read() -> list[Page]:
        with unit_of_work(runtime.read_sessions) as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.like("page-%"))
                .order_by(OutboxMessage.id)
            )
            return [
                Page(m.destination, m.channel, m.due_at, m.status, m.idempotency_key) for m in rows
            ]

    return read


def log_kinds(runtime: Runtime, alert_id: int) -> list[str]:
    """The kinds of an alert's log entries, oldest first."""
    with unit_of_work(runtime.read_sessions) as session:
        return list(
            session.scalars(
                select(AlertLogEntry.kind)
                .where(AlertLogEntry.alert_id == alert_id)
                .order_by(AlertLogEntry.id)
            )
        )


@pytest.fixture
def log_of(runtime: Runtime) -> Callable[[int], list[str]]:
    """log_kinds for this test's runtime."""
    return lambda alert_id: log_kinds(runtime, alert_id)


@pytest.fixture
def status_of(runtime: Runtime) -> Callable[[int], str]:
    """An alert's state now."""

    def read(alert_id: int) -> str:
        with unit_of_work(runtime.read_sessions) as session:
            alert = session.get(Alert, alert_id)
            assert alert is not None
            return alert.status

    return read
