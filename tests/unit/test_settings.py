"""Settings: the base URL for links follows the listening address unless it is given."""

from __future__ import annotations

import pytest

from dutydesk.settings import Settings


@pytest.fixture(autouse=True)
def no_address_in_the_environment(monkeypatch):
    for name in ("DUTYDESK_HOST", "DUTYDESK_PORT", "DUTYDESK_BASE_URL"):
        monkeypatch.delenv(name, raising=False)


def test_the_default_base_url_is_the_default_address():
    assert Settings().base_url == "http://127.0.0.1:8000"


def test_the_port_alone_moves_the_base_url(monkeypatch):
    monkeypatch.setenv("DUTYDESK_PORT", "8123")
    assert Settings().base_url == "http://127.0.0.1:8123"


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("localhost", "http://localhost:8000"),
        ("::1", "http://[::1]:8000"),
        # Listening on every address: links use the loopback one (set the base URL for others).
        ("0.0.0.0", "http://127.0.0.1:8000"),
        ("::", "http://127.0.0.1:8000"),
    ],
)
def test_the_host_moves_the_base_url(monkeypatch, host, expected):
    monkeypatch.setenv("DUTYDESK_HOST", host)
    assert Settings().base_url == expected


def test_a_base_url_that_is_given_wins(monkeypatch):
    monkeypatch.setenv("DUTYDESK_PORT", "8123")
    monkeypatch.setenv("DUTYDESK_BASE_URL", "https://duty.example.org/")
    settings = Settings()
    assert settings.base_url == "https://duty.example.org"
    assert settings.listening_on("0.0.0.0", 9000).base_url == "https://duty.example.org"


def test_serve_options_move_a_base_url_that_was_not_given(monkeypatch):
    monkeypatch.setenv("DUTYDESK_PORT", "8123")
    moved = Settings(database_url="sqlite:///x.sqlite3").listening_on(None, 9000)
    assert (moved.port, moved.base_url) == (9000, "http://127.0.0.1:9000")
    assert moved.database_url == "sqlite:///x.sqlite3"
    assert Settings().listening_on("localhost", None).base_url == "http://localhost:8123"
