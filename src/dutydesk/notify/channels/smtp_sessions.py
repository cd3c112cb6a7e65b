"""E-mail over SMTP connections kept open through a delivery cycle, one per sending thread.

A new connection costs a message a TCP (and often TLS) handshake, the greeting, EHLO and a
login before the message and QUIT after it: for a status update to ten thousand subscribers,
most of the work. Each sending thread keeps its connection for the cycle and sends up to
MESSAGES_PER_CONNECTION messages over it (servers such as Exchange Online refuse more per
session), then opens another; a connection that fails is dropped. A connection the server has
closed while it was idle is noticed when the next message starts and that message is sent on a
new one.
"""

from __future__ import annotations

import smtplib
import threading
from dataclasses import dataclass

from dutydesk.notify.channels.base import Envelope, NotConfigured
from dutydesk.notify.channels.email import SmtpServer, build_email, open_client, smtp_failures

MESSAGES_PER_CONNECTION = 100


@dataclass
class _Held:
    client: smtplib.SMTP
    sent: int = 0


class SmtpSessions:
    """The cycle's SMTP connections; `close` ends them all."""

    def __init__(self, server: SmtpServer | None) -> None:
        self._server = server
        self._local = threading.local()
        self._lock = threading.Lock()
        self._open: list[_Held] = []

    def send(self, sender: str, envelope: Envelope) -> None:
        """Hand one e-mail to the server; raise Temporary/PermanentFailure if it is not taken."""
        server = self._server
        if server is None:
            raise NotConfigured("DUTYDESK_SMTP_URL")
        email = build_email(envelope, sender)
        with smtp_failures(server):
            held = self._held(server)
            try:
                held.client.send_message(email)
            except smtplib.SMTPServerDisconnected:
                self._drop(held)
                if not held.sent:
                    raise
                # Closed while idle after earlier messages: this one never reached it.
                held = self._held(server)
                held.client.send_message(email)
            except BaseException:
                self._drop(held)
                raise
            held.sent += 1
            if held.sent >= MESSAGES_PER_CONNECTION:
                self._drop(held, polite=True)

    def close(self) -> None:
        """Say goodbye on every connection still open."""
        with self._lock:
            every, self._open = self._open, []
        for held in every:
            _end(held.client, polite=True)

    def _held(self, server: SmtpServer) -> _Held:
        held: _Held | None = getattr(self._local, "held", None)
        if held is None:
            held = _Held(open_client(server))
            self._local.held = held
            with self._lock:
                self._open.append(held)
        return held

    def _drop(self, held: _Held, *, polite: bool = False) -> None:
        self._local.held = None
        with self._lock:
            if held in self._open:
                self._open.remove(held)
        _end(held.client, polite=polite)


def _end(client: smtplib.SMTP, *, polite: bool) -> None:
    try:
        if polite:
            client.quit()
        else:
            client.close()
    except (OSError, smtplib.SMTPException):
        client.close()
