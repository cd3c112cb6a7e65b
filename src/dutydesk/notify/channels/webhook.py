"""Outgoing webhooks: a JSON POST signed with HMAC-SHA256 (see docs/notifications.md)."""

from __future__ import annotations

import http.client
import json
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import urlsplit

from dutydesk import __version__
from dutydesk.errors import Invalid
from dutydesk.notify.channels.base import Envelope, PermanentFailure, TemporaryFailure
from dutydesk.notify.channels.connections import Connections, ProxyNotSupported
from dutydesk.notify.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    signature_header,
)

TIMEOUT_SECONDS = 10.0
_USER_AGENT = f"Dutydesk/{__version__}"
# Statuses that say "not now" rather than "never": retried on the backoff schedule.
_RETRYABLE = {408, 409, 425, 429}


def check_url(url: str) -> None:
    """Invalid unless `url` is an absolute http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or any(c.isspace() for c in url):
        raise Invalid(f"destination: {shown_url(url)!r} is not an http(s) URL")


def check_scoped_payload(payload: dict[str, Any] | None) -> None:
    """Invalid unless a scoped webhook's payload names its scope and gives the body to post."""
    if (
        not isinstance(payload, dict)
        or not isinstance(payload.get("scope"), str)
        or not payload["scope"]
        or not isinstance(payload.get("body"), dict)
    ):
        raise Invalid("payload: a scoped webhook needs {'scope': str, 'body': {…}}")


def shown_url(url: str) -> str:
    """The URL without credentials or query (which may hold tokens), for logs and lists."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}" + ("?…" if parts.query else "")


def webhook_body(envelope: Envelope) -> bytes:
    """The JSON body: the payload given at enqueue, or the subject and text."""
    data = (
        envelope.payload
        if envelope.payload is not None
        else {"subject": envelope.subject, "text": envelope.text}
    )
    return json.dumps(data, separators=(",", ":"), ensure_ascii=False).encode()


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """A Retry-After header (seconds or an HTTP date) as seconds from now, if given."""
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        return None
    return max(0.0, (when - now).total_seconds())


def send_webhook(
    connections: Connections, secret: str, envelope: Envelope, *, now: datetime
) -> None:
    """POST the message to its URL, signed with the URL's `secret`; any 2xx is success."""
    body = webhook_body(envelope)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": _USER_AGENT,
        SIGNATURE_HEADER: signature_header(secret, int(now.timestamp()), body),
        IDEMPOTENCY_HEADER: envelope.idempotency_key,
    }
    try:
        answer = connections.post(envelope.destination, body, headers)
    except (OSError, http.client.HTTPException, UnicodeError) as error:
        raise TemporaryFailure(
            f"{shown_url(envelope.destination)}: {type(error).__name__}"
        ) from error
    except ProxyNotSupported as error:
        raise TemporaryFailure(f"{shown_url(envelope.destination)}: {error}") from error
    if 200 <= answer.status < 300:
        return
    text = f"{shown_url(envelope.destination)} answered HTTP {answer.status}"
    if answer.status in _RETRYABLE or answer.status >= 500:
        raise TemporaryFailure(
            text, retry_after_seconds=retry_after_seconds(answer.retry_after, now)
        )
    raise PermanentFailure(text)
