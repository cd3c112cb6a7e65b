"""Fixtures with real servers that notifications go to: an SMTP server (aiosmtpd) and a Slack
Web API stand-in on loopback (slack_sdk posts to it). A pytest plugin of tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.notify.servers import RecordingServer, SmtpServer, recording_server


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    """A real SMTP server, started, that keeps what it receives."""
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def slack() -> Iterator[RecordingServer]:
    """An HTTP server that records every request, pointed at as the Slack API."""
    with recording_server() as server:
        yield server
