"""Fixtures for alerts: a team with two services, and an integration key for one of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app
from dutydesk.runtime import Runtime
from tests.conftest import CliResult

SERVICES_TEAM = """\
team: paas
services:
  - {id: platform-api, name: Platform API}
  - {id: router, name: Router}
"""


@pytest.fixture
def services(make_team: Callable[[str], None]) -> None:
    """A team whose services are platform-api and router."""
    make_team(SERVICES_TEAM)


@pytest.fixture
def routing_key(services: None, cli: Callable[..., CliResult]) -> str:
    """A live integration key of platform-api."""
    added = cli("integration", "add", "platform-api", "--name", "alertmanager")
    assert added.code == 0, added.err
    return added.out.strip()


@pytest.fixture
def events(runtime: Runtime) -> Iterator[TestClient]:
    """An in-process HTTP client with no bearer token: events carry their own key."""
    with TestClient(create_app(runtime)) as client:
        yield client
