"""Concurrent events are written together (group commit) with each one's outcome its own."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

import httpx
import pytest
from sqlalchemy import event as sqlalchemy_event
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutydesk.alerts.ingest import GroupWriter
from dutydesk.alerts.models import Alert, AlertLogEntry
from dutydesk.alerts.service import AlertFields, trigger
from dutydesk.app import create_app
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from tests.conftest import BACKENDS

PAYLOAD = {"summary": "Disk full on db-1", "source": "db-1", "severity": "critical"}


def send_together(runtime: Runtime, bodies: list[dict[str, Any]]) -> list[httpx.Response]:
    """POST every body to /v2/enqueue at once, in this order, and return the answers."""

    async def send() -> list[httpx.Response]:
        transport = httpx.ASGITransport(app=create_app(runtime))
        async with httpx.AsyncClient(transport=transport, base_url="http://dutydesk") as client:
            return list(
                await asyncio.gather(*(client.post("/v2/enqueue", json=body) for body in bodies))
            )

    return asyncio.run(send())


def event(key: str, dedup_key: str, action: str = "trigger") -> dict[str, Any]:
    body: dict[str, Any] = {"routing_key": key, "event_action": action, "dedup_key": dedup_key}
    if action == "trigger":
        body["payload"] = PAYLOAD
    return body


def alerts_by_key(runtime: Runtime) -> dict[str, list[tuple[str, int]]]:
    with unit_of_work(runtime.read_sessions) as session:
        found: dict[str, list[tuple[str, int]]] = {}
        for alert in session.scalars(select(Alert).order_by(Alert.id)):
            found.setdefault(alert.dedup_key, []).append((alert.status, alert.event_count))
        return found


def test_concurrent_triggers_each_count_once_and_a_bad_key_writes_nothing(routing_key, runtime):
    bodies = [event(routing_key, f"disk-{n % 5}") for n in range(200)]
    bodies[7] = event("0" * 32, "disk-0")
    bodies[150] = event("1" * 32, "stranger")
    answers = send_together(runtime, bodies)
    codes = [answer.status_code for answer in answers]
    assert codes.count(202) == 198
    assert codes[7] == codes[150] == 404
    assert answers[0].json()["dedup_key"] == "disk-0"
    assert {key: sum(n for _, n in alerts) for key, alerts in alerts_by_key(runtime).items()} == {
        "disk-0": 39,  # less the event sent with an unknown key in its place (150)
        "disk-1": 40,
        "disk-2": 39,  # likewise (7)
        "disk-3": 40,
        "disk-4": 40,
    }
    with unit_of_work(runtime.read_sessions) as session:
        logged = session.scalar(select(func.count()).select_from(AlertLogEntry))
    assert logged == 198


def test_concurrent_events_for_one_key_apply_in_the_order_they_came(routing_key, runtime):
    actions = ["trigger", "trigger", "resolve", "trigger", "acknowledge", "trigger"]
    answers = send_together(runtime, [event(routing_key, "db-1", action) for action in actions])
    assert [answer.status_code for answer in answers] == [202] * len(actions)
    assert alerts_by_key(runtime) == {"db-1": [("resolved", 2), ("acknowledged", 2)]}


def test_an_item_that_fails_a_batch_is_refused_alone(runtime):
    written: list[int] = []

    def write(session: Session, items: list[Any]) -> list[Any]:
        if "bad" in items:
            raise ValueError("a bad item")
        written.extend(items)
        return [item * 2 for item in items]

    writer = GroupWriter(runtime.sessions, batched=write)

    async def submit() -> list[Any]:
        items = [1, 2, "bad", 4]
        jobs = (writer.run_batched(item) for item in items)
        return list(await asyncio.gather(*jobs, return_exceptions=True))

    outcomes = asyncio.run(submit())
    assert outcomes[:2] == [2, 4] and outcomes[3] == 8
    assert isinstance(outcomes[2], ValueError)
    assert sorted(set(written)) == [1, 2, 4]


@pytest.mark.parametrize(
    # SQLite's writers take the write lock as they begin, so only PostgreSQL can race.
    "database_url",
    [backend for backend in BACKENDS if backend == "postgresql"],
    indirect=True,
)
def test_an_event_whose_batch_lost_a_race_for_its_key_joins_the_winners_alert(
    routing_key, runtime, clock, caplog
):
    """Another process opens the same key after the batch looked for it, before the batch locks
    the service to open it: the batch's insert fails, and its event, written on its own, joins
    the other process's alert."""
    caplog.set_level(logging.DEBUG, logger="dutydesk.alerts.ingest")
    other = bootstrap(runtime.settings, clock)
    raced: list[str] = []

    def open_it_elsewhere_first(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if "FROM services" in statement and not raced:
            raced.append(statement)
            fields = AlertFields(summary="from elsewhere", source="db-1", severity="error")
            with unit_of_work(other.sessions) as session:
                trigger(session, "platform-api", "db-1", fields, clock.now(), actor="cli:other")
                session.commit()

    event_listen = (runtime.engine, "before_cursor_execute", open_it_elsewhere_first)
    sqlalchemy_event.listen(*event_listen)
    try:
        (answer,) = send_together(runtime, [event(routing_key, "db-1")])
    finally:
        sqlalchemy_event.remove(*event_listen)
        other.close()
    assert raced
    assert "a batch of 1 event(s) failed; one at a time" in caplog.text
    assert answer.status_code == 202
    assert alerts_by_key(runtime) == {"db-1": [("triggered", 2)]}
