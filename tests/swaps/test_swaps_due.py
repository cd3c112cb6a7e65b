"""The swaps worker cycle: a reminder a day before (once), expiry when the window starts.

Driven by the frozen clock: the test moves it and runs one pass of the worker.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.swaps.due import swaps_due
from dutydesk.worker.cycles import default_cycles
from dutydesk.worker.loop import Cycle, Worker

FRIDAY = ("--from", "2026-01-16T09:30", "--until", "2026-01-16T12:00")
FRIDAY_START = datetime(2026, 1, 16, 9, 30, tzinfo=UTC)


@pytest.fixture
def worker(runtime):
    """One pass of a worker running only the swaps cycle; returns how many it handled."""
    built = Worker(runtime, [Cycle("swaps", swaps_due)], worker_id="test-worker")
    return lambda: built.run_once()["swaps"]


@pytest.fixture
def keys(runtime):
    def read() -> list[str]:
        with unit_of_work(runtime.read_sessions) as session:
            return list(
                session.scalars(select(OutboxMessage.idempotency_key).order_by(OutboxMessage.id))
            )

    return read


@pytest.fixture
def friday_swap(cli, example_team):
    """bob asks carol to cover Friday morning; returns a reader of the request's JSON."""
    assert cli("swap", "request", "engineering", "--as", "bob", "--to", "carol", *FRIDAY).code == 0

    def read() -> dict[str, object]:
        result = cli("swap", "list", "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)[0]

    return read


def test_the_swaps_cycle_is_one_of_the_workers_cycles():
    assert "swaps" in [cycle.name for cycle in default_cycles()]


def test_nothing_is_due_more_than_a_day_before(friday_swap, worker, keys):
    assert worker() == 0
    assert keys() == ["swap:1:offer:carol:email"]


def test_the_requester_is_reminded_once_a_day_before(friday_swap, worker, keys, clock):
    clock.set(FRIDAY_START - timedelta(hours=24))
    assert worker() == 1
    assert keys()[-1] == "swap:1:reminder:email"
    clock.advance(timedelta(hours=1))
    assert worker() == 0
    assert keys().count("swap:1:reminder:email") == 1
    assert friday_swap()["status"] == "open"


def test_a_request_still_open_when_its_window_starts_expires(friday_swap, worker, keys, clock, cli):
    clock.set(FRIDAY_START)
    # One pass: it expires (a reminder would be pointless now).
    assert worker() == 1
    swap = friday_swap()
    assert (swap["status"], swap["resolved_at"], swap["resolved_by"]) == (
        "expired",
        "2026-01-16T09:30:00Z",
        "worker",
    )
    assert keys()[-1] == "swap:1:expired:email"
    assert "swap:1:reminder:email" not in keys()
    assert worker() == 0
    audit = json.loads(cli("audit", "--json", "--limit", "1").out)[0]
    assert (audit["action"], audit["actor"], audit["people"]) == ("swap.expire", "worker", ["bob"])


def test_answered_requests_are_neither_reminded_nor_expired(friday_swap, worker, keys, clock, cli):
    assert cli("swap", "take", "1", "--as", "carol").code == 0
    queued = keys()
    for moment in (FRIDAY_START - timedelta(hours=2), FRIDAY_START + timedelta(hours=1)):
        clock.set(moment)
        assert worker() == 0
    assert keys() == queued
    assert friday_swap()["status"] == "accepted"


def test_a_request_made_less_than_a_day_ahead_is_not_reminded(
    cli, example_team, worker, keys, clock
):
    clock.set(datetime(2026, 1, 15, 16, 0, tzinfo=UTC))  # Thursday, 17.5 hours before Friday
    assert cli("swap", "request", "engineering", "--as", "bob", "--to", "carol", *FRIDAY).code == 0
    assert worker() == 0
    clock.set(FRIDAY_START - timedelta(minutes=1))
    assert worker() == 0
    assert keys() == ["swap:1:offer:carol:email"]
