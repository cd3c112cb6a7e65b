"""Request bodies are capped (DUTYDESK_MAX_BODY_BYTES): 413 before parsing, from Content-Length
or while a chunked body streams in; JSON for programs, a page for browsers. Form-parser errors
reach browsers as a page too."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app
from tests.notify.servers import reconfigure

CAP = 4096
HTML = {"accept": "text/html"}
TOO_LARGE = {
    "error": "too_large",
    "message": "the body is larger than 4 KiB (DUTYDESK_MAX_BODY_BYTES)",
}


@pytest.fixture
def client_with_cap(runtime, token_for) -> Iterator[Callable[[int | None], TestClient]]:  # type: ignore[no-untyped-def]
    """`client_with_cap(bytes)`: an API client (a responder's token) under that cap, or the
    default cap for None."""
    token = token_for("rhea", "responder")
    clients: list[TestClient] = []

    def make(cap: int | None) -> TestClient:
        if cap is not None:
            reconfigure(runtime, max_body_bytes=cap)
        client = TestClient(create_app(runtime), headers={"Authorization": f"Bearer {token}"})
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()


def chunks(size: int) -> Iterator[bytes]:
    """A body sent chunked, without a Content-Length."""
    for _ in range(size // 1024):
        yield b"x" * 1024


def test_an_api_body_over_the_cap_is_413_before_it_is_parsed(
    client_with_cap, example_team, raise_alert
):
    alert_id = raise_alert()
    client = client_with_cap(CAP)
    # Not JSON at all: parsing it would have answered 422.
    answer = client.post(
        f"/api/v1/alerts/{alert_id}/notes",
        content=b"{" * (CAP + 1),
        headers={"content-type": "application/json"},
    )
    assert answer.status_code == 413
    assert answer.json() == TOO_LARGE


def test_a_chunked_api_body_is_counted_as_it_arrives(client_with_cap, example_team, raise_alert):
    alert_id = raise_alert()
    client = client_with_cap(CAP)
    answer = client.post(
        f"/api/v1/alerts/{alert_id}/notes",
        content=chunks(CAP * 4),
        headers={"content-type": "application/json"},
    )
    assert "content-length" not in answer.request.headers
    assert answer.status_code == 413
    assert answer.json() == TOO_LARGE


def test_a_body_under_the_cap_is_read_as_before(client_with_cap, example_team, raise_alert):
    alert_id = raise_alert()
    client = client_with_cap(CAP)
    answer = client.post(f"/api/v1/alerts/{alert_id}/notes", json={"text": "looking at it"})
    assert answer.status_code == 200, answer.text


def test_the_default_cap_is_one_mebibyte(client_with_cap, example_team, raise_alert):
    alert_id = raise_alert()
    client = client_with_cap(None)
    answer = client.post(f"/api/v1/alerts/{alert_id}/notes", json={"text": "x" * (1024 * 1024)})
    assert answer.status_code == 413
    assert answer.json()["message"] == ("the body is larger than 1 MiB (DUTYDESK_MAX_BODY_BYTES)")


@pytest.mark.parametrize("path", ["/v2/enqueue", "/hooks/generic/some-key"])
def test_events_and_webhooks_over_the_cap_are_413(client_with_cap, path):
    client = client_with_cap(CAP)
    answer = client.post(path, json={"summary": "x" * CAP})
    assert answer.status_code == 413
    assert answer.json() == TOO_LARGE


def test_a_form_over_the_cap_is_a_page_for_the_browser(client_with_cap):
    client = client_with_cap(CAP)
    answer = client.post("/sign-in", data={"username": "x" * CAP}, headers=HTML)
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "That is too much to send" in answer.text
    assert "The body is larger than 4 KiB" in answer.text


def test_a_chunked_form_over_the_cap_is_a_page_for_the_browser(client_with_cap):
    client = client_with_cap(CAP)
    answer = client.post(
        "/sign-in",
        content=chunks(CAP * 4),
        headers={**HTML, "content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 413
    assert answer.headers["content-type"].startswith("text/html")
    assert "The body is larger than 4 KiB" in answer.text


def test_a_form_the_parser_refuses_is_a_page_for_the_browser(client_with_cap):
    client = client_with_cap(None)
    fields = "&".join(f"f{number}=1" for number in range(1001))
    answer = client.post(
        "/sign-in",
        content=fields.encode(),
        headers={**HTML, "content-type": "application/x-www-form-urlencoded"},
    )
    assert answer.status_code == 400
    assert answer.headers["content-type"].startswith("text/html")
    assert "Too many fields" in answer.text
    assert answer.headers["content-security-policy"].startswith("default-src 'self'")
