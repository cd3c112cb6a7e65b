"""Fixtures of the Zendesk mirror's tests: a runtime with the receiver turned on (the API,
page, command-line and portal fixtures use it too), and Zendesk sending to it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.runtime import Runtime
from tests.portal.conftest import portal_client, tenant_browser
from tests.tickets.zendesk.webhooks import Zendesk, zendesk_settings

# The portal's signed-in tenants, for the portal's view of mirrored tickets.
__all__ = ["portal_client", "runtime", "tenant_browser", "zendesk"]


@pytest.fixture
def runtime(database_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    """The composition root on the test database, with the Zendesk receiver turned on."""
    built = bootstrap(zendesk_settings(database_url), clock)
    yield built
    built.close()


@pytest.fixture
def zendesk(runtime: Runtime, clock: FrozenClock, example_team: None) -> Iterator[Zendesk]:
    """Zendesk's webhooks to the README's example team, signed with the configured secret."""
    with TestClient(create_app(runtime)) as client:
        yield Zendesk(client, clock)
