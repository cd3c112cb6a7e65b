"""Fixtures for heartbeats: a team with services, a heartbeat on one, a client and the worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dutydesk.alerts.models import Alert
from dutydesk.app import create_app
from dutydesk.db import unit_of_work
from dutydesk.heartbeats.due import heartbeats_due
from dutydesk.runtime import Runtime
from dutydesk.worker.loop import Cycle, Worker
from tests.alerts.conftest import SERVICES_TEAM
from tests.conftest import CliResult

BASE_URL = "http://dutydesk.test"


@dataclass(frozen=True)
class AddedHeartbeat:
    id: int
    url: str

    @property
    def path(self) -> str:
        """The ping's path, for the in-process client."""
        return self.url.removeprefix(BASE_URL)


@pytest.fixture
def services(make_team: Callable[[str], None]) -> None:
    """A team (Europe/London) whose services are platform-api and router."""
    make_team(SERVICES_TEAM)


@pytest.fixture
def backups(services: None, cli: Callable[..., CliResult]) -> AddedHeartbeat:
    """platform-api expects a ping from `backups` every 10 minutes, 5 minutes' grace."""
    added = cli("heartbeat", "add", "platform-api", "backups", "--every", "10m", "--grace", "5m")
    assert added.code == 0, added.err
    return AddedHeartbeat(1, added.out.strip())


@pytest.fixture
def hooks(runtime: Runtime) -> Iterator[TestClient]:
    """An in-process HTTP client with no bearer token: pings carry their own token."""
    with TestClient(create_app(runtime)) as client:
        yield client


@pytest.fixture
def worker(runtime: Runtime) -> Callable[[], int]:
    """One pass of a worker running only the heartbeats cycle; returns how many it handled."""
    built = Worker(runtime, [Cycle("heartbeats", heartbeats_due)], worker_id="test-worker")
    return lambda: built.run_once()["heartbeats"]


@pytest.fixture
def alerts(runtime: Runtime) -> Callable[[], list[Alert]]:
    """Every alert, oldest first, detached."""

    def read() -> list[Alert]:
        with unit_of_work(runtime.read_sessions) as session:
            found = list(session.scalars(select(Alert).order_by(Alert.id)))
            session.expunge_all()
            return found

    return read
