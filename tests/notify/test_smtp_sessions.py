"""E-mail over kept-open SMTP connections: one connection carries many messages, a limit per
connection is kept, and a connection the server closed while idle is replaced."""

from __future__ import annotations

import smtplib
import socket
import threading
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from bench.loopback import free_port

from dutydesk.notify.channels.base import Envelope, NotConfigured, TemporaryFailure
from dutydesk.notify.channels.email import parse_smtp_url
from dutydesk.notify.channels.smtp_sessions import MESSAGES_PER_CONNECTION, SmtpSessions


class _Counting:
    """Keeps each message's session (one per connection) and subject."""

    def __init__(self) -> None:
        self.sessions: list[int] = []
        self.lock = threading.Lock()
        self.numbered = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self.lock:
            # Numbered here: an object's id() may be reused once an earlier one is gone.
            if not hasattr(session, "number"):
                self.numbered += 1
                session.number = self.numbered
            self.sessions.append(session.number)
        return "250 OK"


@pytest.fixture
def smtp_server():
    handler = _Counting()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, handler
    controller.stop()


def _envelope(n: int) -> Envelope:
    return Envelope(
        id=n, channel="email", destination=f"t{n}@example.org", subject=f"Update {n}",
        text="Text.", payload=None, idempotency_key=f"key-{n}",
    )  # fmt: skip


def test_one_connection_carries_the_messages_of_a_thread(smtp_server):
    controller, handler = smtp_server
    sessions = SmtpSessions(parse_smtp_url(f"smtp://127.0.0.1:{controller.port}"))
    for n in range(5):
        sessions.send("Dutydesk <d@example.org>", _envelope(n))
    sessions.close()
    assert len(handler.sessions) == 5
    assert len(set(handler.sessions)) == 1


def test_each_thread_has_its_own_connection(smtp_server):
    controller, handler = smtp_server
    sessions = SmtpSessions(parse_smtp_url(f"smtp://127.0.0.1:{controller.port}"))
    threads = [
        threading.Thread(
            target=lambda k=k: [sessions.send("d@example.org", _envelope(k * 10 + n))
                                for n in range(3)]
        )
        for k in range(3)
    ]  # fmt: skip
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    sessions.close()
    assert len(handler.sessions) == 9
    assert len(set(handler.sessions)) == 3


def test_a_connection_carries_at_most_its_limit(smtp_server):
    controller, handler = smtp_server
    sessions = SmtpSessions(parse_smtp_url(f"smtp://127.0.0.1:{controller.port}"))
    for n in range(MESSAGES_PER_CONNECTION + 1):
        sessions.send("d@example.org", _envelope(n))
    sessions.close()
    assert len(set(handler.sessions)) == 2


def test_a_connection_closed_while_idle_is_replaced_for_the_next_message(smtp_server):
    controller, handler = smtp_server
    sessions = SmtpSessions(parse_smtp_url(f"smtp://127.0.0.1:{controller.port}"))
    sessions.send("d@example.org", _envelope(1))
    # The server hangs up, as one does after its idle timeout.
    held = sessions._local.held
    held.client.sock.shutdown(socket.SHUT_RDWR)
    sessions.send("d@example.org", _envelope(2))
    sessions.close()
    assert len(handler.sessions) == 2
    assert len(set(handler.sessions)) == 2


def test_no_server_and_a_server_that_is_down_are_failures_of_the_message():
    with pytest.raises(NotConfigured):
        SmtpSessions(None).send("d@example.org", _envelope(1))
    down = SmtpSessions(parse_smtp_url(f"smtp://127.0.0.1:{free_port()}"))
    with pytest.raises(TemporaryFailure, match=r"SMTP server 127\.0\.0\.1"):
        down.send("d@example.org", _envelope(1))
    down.close()
    assert smtplib  # the module the sessions speak
