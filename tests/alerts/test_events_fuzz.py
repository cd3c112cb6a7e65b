"""Properties of /v2/enqueue under any body: never a 5xx, and a refused event stores nothing."""

from __future__ import annotations

import json
from typing import Any

from fastapi.testclient import TestClient
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from dutydesk.runtime import Runtime
from tests.alerts.test_events_api import PAYLOAD, stored

KEY = "@key@"  # stands for the live routing key, which only the fixture knows

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
fields = st.sampled_from(
    ["routing_key", "event_action", "dedup_key", "payload", "links", "images", "client"]
)
payload_fields = st.sampled_from([*PAYLOAD, "timestamp", "custom_details", "component"])


@st.composite
def near_events(draw: st.DrawFn) -> dict[str, Any]:
    """A good trigger with one field, top-level or in the payload, replaced or taken away."""
    # An unknown action is one of the replacements below.
    action = draw(st.sampled_from(["trigger", "acknowledge", "resolve"]))
    event: dict[str, Any] = {
        "routing_key": KEY,
        "event_action": action,
        "dedup_key": draw(st.sampled_from(["disk", "cpu"])),
        "payload": dict(PAYLOAD),
    }
    target = event["payload"] if draw(st.booleans()) else event
    name = draw(payload_fields if target is not event else fields)
    if draw(st.booleans()):
        target.pop(name, None)
    else:
        target[name] = draw(json_values)
    return event


# Mostly near misses of a good event, which reach the checks past the JSON parser.
bodies = st.one_of(
    near_events().map(json.dumps),
    near_events().map(json.dumps),
    json_values.map(json.dumps),
    st.binary(max_size=64),
)
content_types = st.sampled_from(
    ["application/json", "application/json; charset=utf-8", "Application/JSON", "text/plain"]
)


@settings(
    max_examples=200,
    derandomize=True,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(body=bodies, content_type=content_types)
def test_any_body_is_answered_4xx_or_stored_and_a_refusal_stores_nothing(
    events: TestClient,
    routing_key: str,
    runtime: Runtime,
    body: str | bytes,
    content_type: str,
) -> None:
    content = body.replace(KEY, routing_key) if isinstance(body, str) else body
    before = stored(runtime)
    answer = events.post("/v2/enqueue", content=content, headers={"Content-Type": content_type})
    assert answer.status_code in (202, 400), answer.text
    event(f"answered {answer.status_code}")  # --hypothesis-show-statistics shows the mix
    if answer.status_code == 202:
        assert answer.json()["status"] == "success"
        return
    refused = answer.json()
    assert refused["status"] == "invalid event"
    assert refused["errors"]
    assert all(isinstance(error, str) for error in refused["errors"])
    assert stored(runtime) == before
