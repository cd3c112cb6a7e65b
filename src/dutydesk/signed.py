"""Values signed into a link: a JSON list, URL-safe base64, and an HMAC-SHA256 keyed by the
instance's secret key and the link's purpose, so nothing need be stored and a token made for
one purpose is refused by every other."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from typing import Any


def sign(secret_key: str, purpose: bytes, values: list[Any]) -> str:
    """The token carrying `values` (URL-safe, no padding)."""
    body = json.dumps(values, separators=(",", ":")).encode()
    encoded = base64.urlsafe_b64encode(body).rstrip(b"=")
    return (encoded + b"." + _mac(secret_key, purpose, encoded)).decode()


def read(secret_key: str, purpose: bytes, token: str) -> list[Any] | None:
    """The values a token carries; None unless it was signed here for `purpose`."""
    encoded, _, mac = token.encode("ascii", "replace").partition(b".")
    if not mac or not hmac.compare_digest(mac, _mac(secret_key, purpose, encoded)):
        return None
    try:
        values = json.loads(base64.urlsafe_b64decode(encoded + b"=" * (-len(encoded) % 4)))
    except ValueError:
        return None
    return values if isinstance(values, list) else None


def _mac(secret_key: str, purpose: bytes, encoded: bytes) -> bytes:
    digest = hmac.new(secret_key.encode(), purpose + encoded, hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=")
