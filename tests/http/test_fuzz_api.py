"""Fuzzing every operation of the OpenAPI document: whatever is sent, the answer is never a 5xx
and is what the document declares.

Schemathesis generates valid and invalid requests from the app's own /openapi.json and sends
them in process. The caller is an admin, so the routes behind a role are reached, and the
integration key is a live one, so the Events API and the webhooks get as far as the body.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
import yaml
from fastapi import FastAPI
from hypothesis import HealthCheck, settings

from dutydesk.alerts import service as alerts
from dutydesk.alerts.integrations import add_integration
from dutydesk.alerts.schemas import ROUTING_KEY_LENGTH
from dutydesk.app import create_app
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from dutydesk.statuspage.keys import create_key
from tests.conftest import EXAMPLE_TEAM
from tests.test_docs import openapi_text

# Few examples per operation keep the run short; derandomize makes each run the same one.
EXAMPLES_PER_OPERATION = 25


# Path parameters fixed to things that exist, so the requests get past the lookup to the query
# and body; unknown rotas and people are the business of tests/http/test_api_errors.py. The
# status page's id is the example team's slug.
EXISTING = {"rota": "engineering", "person": "alice", "page_id": "paas"}


@dataclass
class Caller:
    """Who the fuzzer sends as: an admin's bearer token and a live integration key."""

    token: str
    integration_key: str
    # A key of the status page's management API (/v1/pages/…), which takes no API token.
    status_key: str = ""


def with_services(team_yaml: str) -> str:
    """The example team with a service to send alerts to, unless it declares services already."""
    team = yaml.safe_load(team_yaml)
    team.setdefault("services", [{"id": "platform-api", "name": "Platform API"}])
    return yaml.safe_dump(team, sort_keys=False)


@pytest.fixture
def caller(
    runtime: Runtime, make_team: Callable[[str], None], token_for: Callable[[str, str], str]
) -> Caller:
    """The example team with a service, an open alert on it, its key, and an admin's token."""
    team_yaml = with_services(EXAMPLE_TEAM.read_text())
    make_team(team_yaml)
    service_id = yaml.safe_load(team_yaml)["services"][0]["id"]
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        _, plain = add_integration(session, service_id, "fuzz", now, actor="cli")
        # Alert 1, for the small ids the fuzzer tries first to find.
        fields = alerts.AlertFields(summary="Disk full", source="db-1", severity="critical")
        alerts.trigger(session, service_id, "disk", fields, now, actor="cli")
        session.commit()
    token = token_for("ada", "admin")
    with unit_of_work(runtime.sessions) as session:
        _, status_key = create_key(session, "ada", "fuzz", now)
        session.commit()
    return Caller(token=token, integration_key=plain, status_key=status_key)


class CurrentApp:
    """The ASGI app schemathesis sends to: this test's app, built on this test's database.

    The schema is loaded when the module is, to make one test per operation, but each test has
    its own runtime; so schemathesis holds this stand-in and each test points it at its app.
    (`schemathesis.pytest.from_fixture` would do this, but its 4.32 breaks on pytest 9.2, which
    dropped the `Node._nodeid` it rewrites.)
    """

    app: FastAPI | None = None

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        # Only requests: returning at once on "lifespan" tells the server there is none.
        if scope["type"] == "http":
            assert self.app is not None, "the `app` fixture sets the app under test"
            await self.app(scope, receive, send)


CURRENT = CurrentApp()
# The application's own document (what docs/openapi.json holds), one test per operation.
schema = schemathesis.openapi.from_dict(json.loads(openapi_text()))
schema.app = CURRENT
# Unknown query parameters are ignored, as HTTP APIs do; the bearer token is the admin's, sent
# with every request (the ignored_auth check still tries each operation without it).
schema.config.generation.update(allow_extra_parameters=False, with_security_parameters=False)
# Invalid data may also be refused as too large: a string over its maxLength can make the whole
# body larger than DUTYDESK_MAX_BODY_BYTES, which is answered 413 before it is read.
_rejecting = schema.config.checks.negative_data_rejection
_rejecting.expected_statuses = [*_rejecting.expected_statuses, "413"]


@pytest.fixture
def app(runtime: Runtime) -> Iterator[FastAPI]:
    CURRENT.app = create_app(runtime)
    yield CURRENT.app
    CURRENT.app = None


# Types in the document are JSON Schema's: a string may still be no time, name no person in the
# team, a trigger may lack its summary. The server answers those 4xx, as it should, which this
# check would call refusing valid data.
EXCLUDED_CHECKS = [schemathesis.checks.positive_data_acceptance]


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
def test_no_operation_answers_with_a_server_error(case: Any, app: FastAPI, caller: Caller) -> None:
    path_parameters = case.path_parameters or {}
    for name, value in {**EXISTING, "key": caller.integration_key}.items():
        if name in path_parameters:
            path_parameters[name] = value
    routing_key = case.body.get("routing_key") if isinstance(case.body, dict) else None
    if isinstance(routing_key, str) and len(routing_key) == ROUTING_KEY_LENGTH:
        # A well-formed key is made a live one so the event is stored; a malformed one is kept.
        case.body["routing_key"] = caller.integration_key
    # Statuspage's management API takes its own keys, as Statuspage's clients send them.
    authorization = (
        f"OAuth {caller.status_key}"
        if case.path.startswith("/v1/pages")
        else f"Bearer {caller.token}"
    )
    case.call_and_validate(
        headers={"Authorization": authorization}, excluded_checks=EXCLUDED_CHECKS
    )
