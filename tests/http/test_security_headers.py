"""Every answer carries nosniff, a Content-Security-Policy and no-store: pages, error pages
(404, 403, 500), JSON answers and refusals alike; files under /static/ may be cached."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app
from dutydesk.http_headers import OTHER_POLICY, PAGE_POLICY

HTML = {"accept": "text/html"}


def assert_secured(answer, policy: str) -> None:  # type: ignore[no-untyped-def]
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert answer.headers["content-security-policy"] == policy
    assert answer.headers["cache-control"] == "no-store"
    assert answer.headers["referrer-policy"] == "same-origin"


@pytest.fixture
def client(runtime):  # type: ignore[no-untyped-def]
    app = create_app(runtime)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("a fault in a route")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


@pytest.mark.parametrize(
    ("path", "status"),
    [("/sign-in", 200), ("/no/such/page", 404), ("/boom", 500), ("/rotas/x%00", 404)],
)
def test_html_pages_and_error_pages_carry_the_page_headers(client, path, status):
    answer = client.get(path, headers=HTML)
    assert answer.status_code == status
    if answer.headers["content-type"].startswith("text/html"):
        assert_secured(answer, PAGE_POLICY)
    else:
        assert_secured(answer, OTHER_POLICY)


def test_a_refused_form_page_carries_the_page_headers(client):
    answer = client.post("/sign-in", data={"username": "a"}, headers=HTML)
    assert answer.status_code == 403
    assert answer.headers["content-type"].startswith("text/html")
    assert_secured(answer, PAGE_POLICY)


@pytest.mark.parametrize(
    ("method", "path", "status"),
    [
        ("GET", "/healthz", 200),
        ("GET", "/api/v1/oncall", 401),
        ("GET", "/api/v1/nothing", 404),
        ("DELETE", "/healthz", 405),
        ("GET", "/boom", 500),
        ("GET", "/api/v1/oncall?at=%00", 422),
        ("POST", "/v2/enqueue", 400),
        ("GET", "/openapi.json", 200),
    ],
)
def test_json_answers_carry_nosniff_and_a_policy_that_loads_nothing(client, method, path, status):
    answer = client.request(method, path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("application/json")
    assert_secured(answer, OTHER_POLICY)


def test_static_files_are_not_sniffed_but_may_be_cached(client):
    answer = client.get("/static/style.css")
    assert answer.status_code == 200
    assert answer.headers["x-content-type-options"] == "nosniff"
    assert "cache-control" not in answer.headers
