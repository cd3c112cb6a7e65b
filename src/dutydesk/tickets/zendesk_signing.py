"""Whether a webhook request came from Zendesk, now, and for the first time.

Zendesk signs each request: `X-Zendesk-Webhook-Signature` is
base64(HMAC-SHA256(signing secret, the `X-Zendesk-Webhook-Signature-Timestamp` header's text
followed by the raw body)). A request is taken when the signature matches one of the
configured secrets (compared in constant time), its timestamp is within TOLERANCE of now, and
neither its signature nor its invocation id has been taken before (replays are refused; the
record is kept in `zendesk_deliveries`, in the transaction that stores what it says).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.tickets.models import ZendeskDelivery

SIGNATURE_HEADER = "X-Zendesk-Webhook-Signature"
TIMESTAMP_HEADER = "X-Zendesk-Webhook-Signature-Timestamp"
INVOCATION_HEADER = "X-Zendesk-Webhook-Invocation-Id"
# How far a signature's timestamp may be from our clock, either way: Zendesk sends at once, and
# clocks kept by NTP are seconds apart; an older request is a replay or was held up somewhere.
TOLERANCE = timedelta(minutes=5)
# How long a delivery is remembered: well past TOLERANCE (a replayed signature is refused by
# its timestamp after that) and past Zendesk's retries of an invocation.
REMEMBERED = timedelta(days=1)
# A header longer than this is no Zendesk signature, timestamp or id (a signature is 44).
_LONGEST_HEADER = 200


class NotFromZendesk(Exception):
    """The request is not one Zendesk signed just now; the message says what is wrong and
    never anything of the secret."""


class Replayed(Exception):
    """The request was taken before: a replay, or a retry of a delivery already stored."""


@dataclass(frozen=True)
class Signed:
    """What a request's signing headers say."""

    signature: str
    timestamp: str
    invocation_id: str | None


def check_signed(
    secrets: list[str], headers: Signed | None, body: bytes, now: datetime
) -> datetime:
    """The signature's time, when one of `secrets` signed the timestamp and body and the
    timestamp is within TOLERANCE of `now`; NotFromZendesk otherwise."""
    if headers is None:
        raise NotFromZendesk(f"{SIGNATURE_HEADER} and {TIMESTAMP_HEADER} are required")
    signed = headers.timestamp.encode() + body
    given = headers.signature.encode()
    matches = [
        hmac.compare_digest(_signature(secret.encode(), signed), given) for secret in secrets
    ]
    if not any(matches):
        raise NotFromZendesk(
            f"{SIGNATURE_HEADER} does not match the body: is DUTYDESK_ZENDESK_SIGNING_SECRET"
            " the webhook's signing secret?"
        )
    signed_at = _timestamp(headers.timestamp)
    if abs(now - signed_at) > TOLERANCE:
        raise NotFromZendesk(
            f"{TIMESTAMP_HEADER} is more than {int(TOLERANCE.total_seconds() // 60)} minutes"
            " from now: an old request is not taken again (are both clocks right?)"
        )
    return signed_at


def signature_for(secret: str, timestamp: str, body: bytes) -> str:
    """The signature Zendesk sends with `body` signed at `timestamp` (the header's text)."""
    return _signature(secret.encode(), timestamp.encode() + body).decode()


def signing_headers(headers: Mapping[str, str]) -> Signed | None:
    """The signing headers of a request (a case-insensitive mapping); None when one is missing
    or cannot be a Zendesk header (too long, or not printable ASCII)."""
    signature = _header(headers, SIGNATURE_HEADER)
    timestamp = _header(headers, TIMESTAMP_HEADER)
    if signature is None or timestamp is None:
        return None
    return Signed(signature, timestamp, _header(headers, INVOCATION_HEADER))


def remember_delivery(session: Session, headers: Signed, now: datetime) -> None:
    """Record the delivery as taken, in the caller's transaction; Replayed when it was taken
    before. Deliveries past their time are forgotten on the way."""
    session.execute(delete(ZendeskDelivery).where(ZendeskDelivery.expires_at < now))
    keys = [_key("signature", headers.signature)]
    if headers.invocation_id:
        keys.append(_key("invocation", headers.invocation_id))
    taken = session.scalars(select(ZendeskDelivery.key).where(ZendeskDelivery.key.in_(keys)))
    if taken.first() is not None:
        raise Replayed("this delivery was taken already: a replay, or a retry of a stored one")
    session.add_all(ZendeskDelivery(key=key, expires_at=now + REMEMBERED) for key in keys)
    # Flushed now, so that a delivery taken by another request meanwhile fails here (the
    # primary key) before anything else is written.
    session.flush()


def _signature(secret: bytes, signed: bytes) -> bytes:
    return base64.b64encode(hmac.new(secret, signed, hashlib.sha256).digest())


def _key(kind: str, value: str) -> str:
    return hashlib.sha256(f"{kind}:{value}".encode()).hexdigest()


def _header(headers: Mapping[str, str], name: str) -> str | None:
    value = headers.get(name)
    if not value or len(value) > _LONGEST_HEADER:
        return None
    if not value.isascii() or not value.isprintable():
        return None
    return value


def _timestamp(text: str) -> datetime:
    """Zendesk's timestamp (`2026-01-14T10:00:00Z`) as an aware UTC time."""
    try:
        parsed = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            raise NotFromZendesk(f"{TIMESTAMP_HEADER} has no offset from UTC")
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # no time; a year past 9999 in UTC
        raise NotFromZendesk(f"{TIMESTAMP_HEADER} is not a time") from None
