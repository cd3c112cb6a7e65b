"""What every channel shares: the message as sent, and the two ways a send can fail."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Envelope:
    """A message as a channel sees it: plain data, safe to hand to a sending thread."""

    id: int
    channel: str
    destination: str
    subject: str
    text: str
    payload: dict[str, Any] | None
    idempotency_key: str


class DeliveryFailed(Exception):
    """A send that did not succeed; the message says why, without secrets."""

    def __init__(self, message: str, *, retry_after_seconds: float | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.retry_after_seconds = retry_after_seconds


class TemporaryFailure(DeliveryFailed):
    """Worth trying again later: a server down, a timeout, a 5xx, a 429 (with Retry-After)."""


class PermanentFailure(DeliveryFailed):
    """Trying again cannot help (no such channel, a 4xx refusal): the message is dead now."""


class NotConfigured(PermanentFailure):
    """The channel is not set up on this instance (no SMTP server, no Slack token).

    Not an outage to wait out: nothing changes until an admin configures the channel and
    restarts, so the message is given up at once and reads "not configured" rather than
    "failed, retrying" for a day. Other channels and escalation steps carry on.
    """

    PREFIX = "not configured: "

    def __init__(self, setting: str) -> None:
        super().__init__(f"{self.PREFIX}{setting} is not set")


def redact(text: str, secrets: Iterable[str | None]) -> str:
    """`text` with every secret in it replaced by '***' (errors go to the delivery log)."""
    for secret in sorted((s for s in secrets if s and len(s) >= 4), key=len, reverse=True):
        text = text.replace(secret, "***")
    return text


def first_line(error: BaseException, limit: int = 500) -> str:
    """A short, one-line description of an exception for the delivery log."""
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    described = f"{type(error).__name__}: {text}" if text else type(error).__name__
    return described[:limit]
