"""The example team with a status page: components, and helpers to publish and read."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.statuspage import components
from dutydesk.statuspage.components import ComponentFields
from dutydesk.statuspage.site import Site

# Wednesday 14 January 2026 11:00 GMT: erin is on the comms rota.
IN_HOURS = datetime(2026, 1, 14, 11, 0, tzinfo=UTC)


@pytest.fixture
def site(runtime) -> Site:
    return Site.of(runtime)


@pytest.fixture
def status_page(runtime, example_team, clock) -> dict[str, str]:
    """A group "Hosting" of "App routing" and "Logs", and "Platform API" standing for the
    alert service `platform-api`, made 30 days before the clock's IN_HOURS, where it is left;
    returns their ids by short name."""
    clock.set(IN_HOURS - timedelta(days=30))
    with unit_of_work(runtime.sessions) as session:
        now = clock.now()
        hosting = components.create_component(
            session, ComponentFields(name="Hosting", is_group=True), now=now,
            component_id="hosting",
        )  # fmt: skip
        routing = components.create_component(
            session, ComponentFields(name="App routing", group_id=hosting.id), now=now,
            component_id="routing",
        )  # fmt: skip
        logs = components.create_component(
            session, ComponentFields(name="Logs", group_id=hosting.id), now=now,
            component_id="logs",
        )  # fmt: skip
        api = components.create_component(
            session, ComponentFields(name="Platform API", services=("platform-api",)), now=now,
            component_id="api",
        )  # fmt: skip
        session.commit()
    clock.set(IN_HOURS)
    return {"hosting": hosting.id, "routing": routing.id, "logs": logs.id, "api": api.id}


@pytest.fixture
def outbox(runtime) -> Callable[[str], list[OutboxMessage]]:
    """The messages queued whose key starts with `prefix`, in the order they were queued."""

    def read(prefix: str = "status-") -> list[OutboxMessage]:
        with unit_of_work(runtime.read_sessions) as session:
            found = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.like(f"{prefix}%"))
                .order_by(OutboxMessage.id)
            ).all()
            session.expunge_all()
            return list(found)

    return read
