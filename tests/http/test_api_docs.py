"""/docs works offline: its page names no other host, and every asset it loads comes from the
app itself (Swagger UI vendored in static/swagger-ui/, with its licence)."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app

_REFERENCE = re.compile(r"""(?:src|href)=["']([^"']+)["']""")
_ANY_HOST = re.compile(r"(?:https?:)?//[^\s\"'<>]+")


@pytest.fixture
def client(runtime):  # type: ignore[no-untyped-def]
    with TestClient(create_app(runtime)) as test_client:
        yield test_client


def test_the_docs_page_names_no_other_host(client):
    page = client.get("/docs")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    assert _ANY_HOST.findall(page.text) == []
    references = _REFERENCE.findall(page.text)
    assert references
    assert all(reference.startswith("/") for reference in references)


def test_every_asset_of_the_docs_page_loads_from_the_app(client):
    page = client.get("/docs")
    types = {".js": "javascript", ".css": "text/css", ".png": "image/png", ".json": "json"}
    references = [*_REFERENCE.findall(page.text), "/openapi.json"]
    for reference in references:
        asset = client.get(reference)
        assert asset.status_code == 200, reference
        expected = next(kind for suffix, kind in types.items() if reference.endswith(suffix))
        assert expected in asset.headers["content-type"], reference
    script = client.get("/static/swagger-ui/swagger-ui-bundle.js").text
    assert "SwaggerUIBundle" in script


def test_the_vendored_swagger_ui_keeps_its_licence(client):
    assert "Apache License" in client.get("/static/swagger-ui/LICENSE").text


def test_the_docs_page_runs_under_the_pages_content_security_policy(client):
    page = client.get("/docs")
    assert page.headers["content-security-policy"].startswith("default-src 'self'")
    assert "<script>" not in page.text  # no inline script: the policy would block it


def test_redoc_from_a_cdn_is_gone(client):
    assert client.get("/redoc").status_code == 404
