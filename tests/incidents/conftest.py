"""An incident declared on the example team, and a way to read what it queued."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.incidents import service
from dutydesk.incidents.policy import incident_policy
from dutydesk.notify.models import OutboxMessage

# Wednesday 14 January 2026 11:00 GMT: bob is the engineer on support, erin on comms, carol on
# the escalation rota (from 10:00 that day).
IN_HOURS = datetime(2026, 1, 14, 11, 0, tzinfo=UTC)


@pytest.fixture
def declare(runtime, example_team, clock) -> Callable[..., int]:
    """`declare(title, priority=…, by=person, **declaration)` declares at the clock's time."""

    def run(
        title: str = "Platform API errors", priority: str = "P1", by: str | None = "alice", **given
    ) -> int:
        with unit_of_work(runtime.sessions) as session:
            incident = service.declare(
                session,
                incident_policy(session),
                service.Declaration(title=title, priority=priority, source="web", **given),
                actor=by or "api",
                person_id=by,
                now=clock.now(),
                base_url=runtime.settings.base_url,
            )
            session.commit()
            return incident.id

    return run


@pytest.fixture
def outbox(runtime) -> Callable[[str], list[OutboxMessage]]:
    """The messages queued whose key starts with `prefix`, in the order they were queued."""

    def read(prefix: str = "incident-") -> list[OutboxMessage]:
        with unit_of_work(runtime.read_sessions) as session:
            found = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.like(f"{prefix}%"))
                .order_by(OutboxMessage.id)
            ).all()
            session.expunge_all()
            return list(found)

    return read
