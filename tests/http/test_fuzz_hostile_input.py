"""Hostile input to every operation of the OpenAPI document: deep nesting and control
characters in each body field, each string parameter and the body as a whole never get a 5xx;
a body over DUTYDESK_MAX_BODY_BYTES gets a 413 from every operation that takes one.

A sibling of test_fuzz_api.py, which generates requests at random from the same document. This
one is deterministic and targeted: for each operation it builds a plausible body from the
document's schema, then spoils one thing at a time, so each hostile value reaches as far into
the code as a near-valid request can.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app
from dutydesk.runtime import Runtime
from tests.http.test_fuzz_api import Caller, caller  # noqa: F401  (the fixture)
from tests.test_docs import openapi_text

DOCUMENT = json.loads(openapi_text())
COMPONENTS = DOCUMENT.get("components", {}).get("schemas", {})
# Line breaks that forge headers and lines, NUL that PostgreSQL refuses, a terminal escape,
# Unicode line separators, markup and a script URL.
HOSTILE = "Bob\r\nBcc: all@example.org\x00\x1b[31m\u2028\x85\x7f<script>javascript:alert(1)"
DEEP = '{"a": ' * 900 + "1" + "}" * 900
DEEP_MARK = "@deep@"
# Values that get a near-valid request past its first checks, by field or parameter name.
PLAUSIBLE: dict[str, Any] = {
    "rota": "engineering",
    "person": "alice",
    "by": "dan",
    "requester": "alice",
    "alert_id": 1,
    "from": "2026-01-15T10:00",
    "until": "2026-01-15T11:00",
    "to": "2026-01-16T10:00",
    "at": "2026-01-15T10:00",
    "for": "30m",
    "duration": "1h",
    "summary": "Disk full",
    "source": "db-1",
    "text": "looking",
    "timestamp": "2026-01-14T10:00:00Z",
    "href": "https://grafana.example/d/1",
    "src": "https://grafana.example/1.png",
    "client_url": "https://grafana.example/",
    "version": None,  # the enum's value
}


def operations() -> Iterator[tuple[str, str, dict[str, Any]]]:
    """Every operation that takes parameters or a body (the others take no input to spoil)."""
    for path, methods in DOCUMENT["paths"].items():
        for method, operation in methods.items():
            if operation.get("parameters") or operation.get("requestBody"):
                yield method.upper(), path, operation


def resolve(schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return resolve(COMPONENTS[schema["$ref"].rsplit("/", 1)[1]])
    for combined in ("anyOf", "oneOf", "allOf"):
        if combined in schema:
            options = [resolve(o) for o in schema[combined] if o.get("type") != "null"]
            return options[0] if options else {"type": "null"}
    return schema


def plausible(schema: dict[str, Any], name: str, key: str) -> Any:
    """A value of the schema that a server would likely take."""
    schema = resolve(schema)
    if "enum" in schema or "const" in schema:
        return schema.get("enum", [schema.get("const")])[0]
    kind = schema.get("type")
    if name == "routing_key":
        return key
    if kind == "object" or "properties" in schema:
        properties = schema.get("properties", {})
        return {field: plausible(sub, field, key) for field, sub in properties.items()}
    if kind == "array":
        return [plausible(schema.get("items", {}), name, key)]
    if kind == "integer":
        return PLAUSIBLE.get(name, 1)
    if kind == "number":
        return 1.5
    if kind == "boolean":
        return True
    value = PLAUSIBLE.get(name)
    return value if isinstance(value, str) else "x"


def leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """The path of every value in `value` that is not an object or array (or is an empty one)."""
    if isinstance(value, dict) and value:
        for key, child in value.items():
            yield from leaves(child, (*path, key))
    elif isinstance(value, list) and value:
        for index, child in enumerate(value):
            yield from leaves(child, (*path, index))
    else:
        yield path


def replaced(value: Any, path: tuple[Any, ...], new: Any) -> Any:
    copy = json.loads(json.dumps(value))
    if not path:
        return new
    target = copy
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = new
    return copy


def body_text(value: Any) -> str:
    # A 900-level value is spliced in as text: json.dumps would recurse 900 times.
    return json.dumps(value).replace(json.dumps(DEEP_MARK), DEEP)


def hostile_bodies(operation: dict[str, Any], key: str) -> Iterator[str]:
    content = operation.get("requestBody", {}).get("content", {})
    if "text/csv" in content:
        # A CSV upload: hostile text as a whole file, in its cells, and NULs the csv module
        # refuses.
        yield HOSTILE
        yield f"id,name,domains,contacts\n{HOSTILE},{HOSTILE},{HOSTILE},{HOSTILE}\n"
        yield "id,name\n\x00,\x00\n"
        yield DEEP
        return
    if "application/json" not in content:
        return
    base = plausible(content["application/json"]["schema"], "", key)
    yield body_text(base)
    yield DEEP
    for path in leaves(base):
        yield body_text(replaced(base, path, HOSTILE))
        yield body_text(replaced(base, path, DEEP_MARK))


def path_values(operation: dict[str, Any], key: str, path: str = "") -> dict[str, Any]:
    """A plausible value for each path parameter: a known name, the integration key, or 1
    (a status-page incident's id has the shape its route takes: 12 letters and digits)."""
    status_page = path.startswith("/v1/pages/")
    return {
        p["name"]: (
            "aaaaaaaaaaaa"
            if status_page and p["name"] == "incident_id"
            else PLAUSIBLE.get(p["name"], key if p["name"] == "key" else 1)
        )
        for p in operation.get("parameters", [])
        if p["in"] == "path"
    }


def url_for(path: str, values: dict[str, Any]) -> str:
    for name, value in values.items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    return path


@pytest.fixture
def client(runtime: Runtime, caller: Caller) -> Iterator[TestClient]:  # noqa: F811
    with TestClient(create_app(runtime), raise_server_exceptions=False) as test_client:
        test_client.headers["Authorization"] = f"Bearer {caller.token}"
        yield test_client


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    list(operations()),
    ids=[f"{method} {path}" for method, path, _ in operations()],
)
def test_hostile_input_never_gets_a_server_error(
    client: TestClient,
    caller: Caller,  # noqa: F811
    method: str,
    path: str,
    operation: dict[str, Any],
) -> None:
    parameters = operation.get("parameters", [])
    plausible_path = path_values(operation, caller.integration_key, path)
    tried: list[tuple[str, dict[str, Any], str | None]] = []
    for parameter in parameters:  # numbers too: text where a number belongs is a 4xx
        if parameter["in"] == "path":
            url = url_for(path, plausible_path | {parameter["name"]: HOSTILE})
            tried.append((url, {}, None))
        elif parameter["in"] == "query":
            for value in (HOSTILE, DEEP):
                tried.append((url_for(path, plausible_path), {parameter["name"]: value}, None))
    for body in hostile_bodies(operation, caller.integration_key):
        tried.append((url_for(path, plausible_path), {}, body))
    assert tried, "an operation with input tried nothing"
    for url, query, body in tried:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        answer = client.request(method, url, params=query, content=body, headers=headers)
        assert answer.status_code < 500, (method, url, query, (body or "")[:300], answer.text)
    # Whatever was accepted must read back too, through the list and each alert.
    for status in ("triggered", "acknowledged", "resolved"):
        listed = client.get("/api/v1/alerts", params={"status": status, "limit": 500})
        assert listed.status_code == 200, listed.text
        for alert in listed.json():
            shown = client.get(f"/api/v1/alerts/{alert['id']}")
            assert shown.status_code == 200, shown.text


def oversized_body(limit_bytes: int) -> bytes:
    """A well-formed JSON document one byte over the cap: its size alone is what is wrong."""
    padding = limit_bytes + 1 - len(b'{"padding": ""}')
    return b'{"padding": "' + b"x" * padding + b'"}'


def in_chunks(body: bytes) -> Iterator[bytes]:
    """The body sent without a Content-Length (chunked), as a streaming client sends it."""
    for start in range(0, len(body), 64 * 1024):
        yield body[start : start + 64 * 1024]


@pytest.mark.parametrize(
    ("method", "path", "operation"),
    [op for op in operations() if op[2].get("requestBody")],
    ids=[f"{method} {path}" for method, path, op in operations() if op.get("requestBody")],
)
def test_a_body_over_the_cap_is_refused_with_413_declared_or_chunked(
    runtime: Runtime,
    client: TestClient,
    caller: Caller,  # noqa: F811
    method: str,
    path: str,
    operation: dict[str, Any],
) -> None:
    plausible_path = path_values(operation, caller.integration_key, path)
    url = url_for(path, plausible_path)
    body = oversized_body(runtime.settings.max_body_bytes)
    headers = {"Content-Type": "application/json"}
    for content in (body, in_chunks(body)):
        answer = client.request(method, url, content=content, headers=headers)
        assert answer.status_code == 413, (method, url, answer.status_code, answer.text[:300])
        assert "larger than" in answer.json()["message"]
