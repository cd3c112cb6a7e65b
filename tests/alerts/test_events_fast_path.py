"""POST /v2/enqueue answered in front of the middleware (alerts/events_asgi.py) answers exactly
as the full stack does; whatever it does not take still reaches the full stack."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx2 as httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from dutydesk.app import create_app
from dutydesk.runtime import Runtime

PAYLOAD = {"summary": "Disk full on db-1", "source": "db-1", "severity": "critical"}
# A query string sends a request past the fast path, to the FastAPI route and every middleware.
FULL_STACK = "/v2/enqueue?via=full-stack"
FAST = "/v2/enqueue"


def trigger(key: str, **fields: Any) -> dict[str, Any]:
    return {"routing_key": key, "event_action": "trigger", "payload": PAYLOAD, **fields}


def answer_of(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    return response.status_code, list(response.headers.multi_items()), response.content


@pytest.fixture
def served(runtime: Runtime) -> Iterator[TestClient]:
    with TestClient(create_app(runtime), raise_server_exceptions=False) as client:
        yield client


@pytest.mark.parametrize(
    "body",
    [
        pytest.param(lambda key: trigger(key, dedup_key="db-1/disk"), id="trigger"),
        pytest.param(lambda key: trigger(key, dedup_key="ключ/ü"), id="unicode-dedup-key"),
        pytest.param(
            lambda key: {"routing_key": key, "event_action": "resolve", "dedup_key": "db-1/disk"},
            id="resolve",
        ),
        pytest.param(lambda key: {"routing_key": key}, id="invalid"),
        pytest.param(
            lambda key: trigger(key, payload={**PAYLOAD, "summary": "a\x00b"}), id="nul-in-field"
        ),
        pytest.param(lambda key: trigger("0" * 32), id="unknown-key"),
        pytest.param(lambda key: [1, 2], id="not-an-object"),
    ],
)
def test_the_fast_path_answers_as_the_full_stack(served, routing_key, body):
    fast = answer_of(served.post(FAST, json=body(routing_key)))
    full = answer_of(served.post(FULL_STACK, json=body(routing_key)))
    assert fast == full
    assert fast[0] in (202, 400, 404)


@pytest.mark.parametrize(
    ("content", "content_type"),
    [
        (b'{"routing_key": ', "application/json"),
        (b'{"a": NaN}', "application/json"),
        (b"routing_key=x", "application/x-www-form-urlencoded"),
        (b"\xff\xfe", "application/json"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json"),
    ],
)
def test_bodies_that_are_not_json_objects_get_the_same_400(served, content, content_type):
    headers = {"content-type": content_type}
    fast = answer_of(served.post(FAST, content=content, headers=headers))
    full = answer_of(served.post(FULL_STACK, content=content, headers=headers))
    assert fast == full
    assert fast[0] == 400


def test_a_chunked_body_is_answered_by_the_full_stack(served, routing_key):
    def chunks() -> Iterator[bytes]:
        yield b'{"routing_key": "%s", "event_action": "trigger",' % routing_key.encode()
        yield b' "payload": {"summary": "s", "source": "h", "severity": "info"}}'

    answer = served.post(FAST, content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 202


def test_other_methods_still_get_the_full_stacks_405(served):
    answer = served.get(FAST)
    assert answer.status_code == 405
    assert answer.headers["allow"] == "POST"


def test_a_failure_is_the_error_mappers_500_and_counted_as_failed(served, routing_key, runtime):
    with runtime.engine.begin() as connection:
        connection.execute(text("ALTER TABLE alert_log RENAME TO alert_log_away"))
    try:
        fast = answer_of(served.post(FAST, json=trigger(routing_key)))
        full = answer_of(served.post(FULL_STACK, json=trigger(routing_key)))
    finally:
        with runtime.engine.begin() as connection:
            connection.execute(text("ALTER TABLE alert_log_away RENAME TO alert_log"))
    assert fast == full
    assert fast[0] == 500
    assert b'"error":"internal"' in fast[2]
    scrape = served.get("/metrics").text
    failed = [
        sample.value
        for family in text_string_to_metric_families(scrape)
        for sample in family.samples
        if sample.name == "dutydesk_events_total"
        and sample.labels == {"kind": "events_v2", "outcome": "failed"}
    ]
    assert failed == [2.0]
    requests = [
        sample.value
        for family in text_string_to_metric_families(scrape)
        for sample in family.samples
        if sample.name == "dutydesk_http_requests_total"
        and sample.labels == {"route": "/v2/enqueue", "method": "POST", "status": "500"}
    ]
    assert requests == [2.0]
