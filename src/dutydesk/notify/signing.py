"""Webhook signatures: HMAC-SHA256 over "<unix seconds>.<raw body>" with a per-URL secret."""

from __future__ import annotations

import hashlib
import hmac

SIGNATURE_HEADER = "Dutydesk-Signature"
IDEMPOTENCY_HEADER = "Dutydesk-Idempotency-Key"


def webhook_secret(secret_key: str, url: str) -> str:
    """The secret a receiver at `url` verifies signatures with (`dutydesk webhook secret URL`).

    Derived rather than stored: nothing to configure per webhook, and rotating the instance's
    secret key rotates every webhook secret at once.
    """
    return hmac.new(secret_key.encode(), f"webhook:{url}".encode(), hashlib.sha256).hexdigest()


def signature_header(secret: str, timestamp: int, body: bytes) -> str:
    """The value of the Dutydesk-Signature header: `t=<timestamp>,v1=<hex HMAC>`."""
    signed = str(timestamp).encode() + b"." + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify_signature(
    secret: str, header: str, body: bytes, *, now: int, tolerance_seconds: int = 300
) -> bool:
    """Whether a Dutydesk-Signature header is valid for `body` and recent enough.

    The reference for receivers (docs/notifications.md shows the same in a few lines).
    """
    fields = dict(part.split("=", 1) for part in header.split(",") if "=" in part)
    try:
        timestamp = int(fields["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance_seconds:
        return False
    expected = signature_header(secret, timestamp, body).split(",v1=", 1)[1]
    # Bytes: compare_digest raises on text with non-ASCII characters, which a header can hold.
    return hmac.compare_digest(expected.encode(), fields.get("v1", "").encode("utf-8", "replace"))
