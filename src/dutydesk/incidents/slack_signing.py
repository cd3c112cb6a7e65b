"""Whether a request came from Slack, just now, and for the first time.

Slack signs each request to an app: `X-Slack-Signature` is "v0=" and the hex HMAC-SHA256,
keyed with the app's signing secret, of "v0:" + the `X-Slack-Request-Timestamp` header + ":" +
the raw body. A request is taken when the signature matches (compared in constant time), the
timestamp is within TOLERANCE of now, and the same signature was not taken before.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.incidents.models import SlackCommandRequest

SIGNATURE_HEADER = "X-Slack-Signature"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
TOLERANCE = timedelta(minutes=5)
REMEMBERED = timedelta(minutes=15)
_LONGEST_HEADER = 200


class NotFromSlack(Exception):
    """The request is not one Slack signed just now; the message never shows the secret."""


class Replayed(Exception):
    """The request was taken before."""


def check_signed(secret: str, headers: Mapping[str, str], body: bytes, now: datetime) -> str:
    """The request's signature, when `secret` signed its timestamp and body within
    TOLERANCE of `now`; NotFromSlack otherwise."""
    signature = headers.get(SIGNATURE_HEADER, "")
    timestamp = headers.get(TIMESTAMP_HEADER, "")
    if not signature or not timestamp:
        raise NotFromSlack(f"the request has no {SIGNATURE_HEADER} and {TIMESTAMP_HEADER}")
    if len(signature) > _LONGEST_HEADER or not timestamp.isdigit() or len(timestamp) > 12:
        raise NotFromSlack("the request's signature headers are not Slack's")
    signed_at = datetime.fromtimestamp(int(timestamp), UTC)
    if abs(now - signed_at) > TOLERANCE:
        raise NotFromSlack(
            f"the request was signed at {signed_at.isoformat()}, more than 5 minutes from now"
        )
    expected = sign(secret, timestamp, body)
    if not hmac.compare_digest(expected.encode(), signature.encode()):
        raise NotFromSlack("the signature does not match the body with the signing secret")
    return signature


def sign(secret: str, timestamp: str, body: bytes) -> str:
    """The `X-Slack-Signature` of a body sent at `timestamp` (Unix seconds, as text)."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def remember(session: Session, signature: str, now: datetime) -> None:
    """Record the request as taken, in the caller's transaction; Replayed when it was taken
    before. Requests past their time are forgotten on the way."""
    session.execute(delete(SlackCommandRequest).where(SlackCommandRequest.expires_at < now))
    key = hashlib.sha256(signature.encode()).hexdigest()
    if session.scalar(select(SlackCommandRequest.key).where(SlackCommandRequest.key == key)):
        raise Replayed("this request was taken already")
    session.add(SlackCommandRequest(key=key, expires_at=now + REMEMBERED))
    session.flush()
