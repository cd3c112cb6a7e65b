"""Signed links for subscribers: confirming an address (good for 7 days) and unsubscribing
(good while the subscription lasts). The token carries the subscriber's id, what it is for and
its expiry, with an HMAC-SHA256 keyed by the instance's secret key; nothing is stored."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from dutydesk import signed
from dutydesk.errors import Invalid

CONFIRM, UNSUBSCRIBE = "confirm", "unsubscribe"
CONFIRM_LIFETIME = timedelta(days=7)
_PURPOSE = b"status-subscriber:"
_NOT_VALID = "this link is not valid: subscribe again from the status page"


def sign(
    secret_key: str,
    subscriber_id: str,
    purpose: str,
    expires_at: datetime | None,
    chosen: Sequence[str] = (),
) -> str:
    """The token of a link (URL-safe, no padding); `chosen`: the components a confirmation
    subscribes to (none: every one)."""
    expires = int(expires_at.timestamp()) if expires_at is not None else 0
    return signed.sign(secret_key, _PURPOSE, [subscriber_id, purpose, expires, list(chosen)])


def read(secret_key: str, token: str, purpose: str, now: datetime) -> str:
    """The subscriber id a token of `purpose` names; Invalid when it was not signed here, is
    for something else, or has expired."""
    return _read(secret_key, token, purpose, now)[0]


def read_confirmation(secret_key: str, token: str, now: datetime) -> tuple[str, list[str]]:
    """The subscriber a confirmation link names and the components it chose."""
    return _read(secret_key, token, CONFIRM, now)


def _read(secret_key: str, token: str, purpose: str, now: datetime) -> tuple[str, list[str]]:
    values = signed.read(secret_key, _PURPOSE, token)
    if values is None:
        raise Invalid(_NOT_VALID)
    try:
        subscriber_id, given_purpose, expires, chosen = values
        expires_at = datetime.fromtimestamp(int(expires), UTC) if expires else None
        chosen = [str(c) for c in chosen]
    except (ValueError, TypeError, OverflowError) as error:
        raise Invalid(_NOT_VALID) from error
    if given_purpose != purpose or not isinstance(subscriber_id, str):
        raise Invalid(_NOT_VALID)
    if expires_at is not None and expires_at <= now:
        raise Invalid("this link has expired: subscribe again from the status page")
    return subscriber_id, chosen


def confirm_url(
    public_url: str, secret_key: str, subscriber_id: str, chosen: Sequence[str], now: datetime
) -> str:
    """The link that confirms a subscription to the components chosen."""
    token = sign(secret_key, subscriber_id, CONFIRM, now + CONFIRM_LIFETIME, chosen)
    return f"{public_url}/subscribe/confirm?token={token}"


def unsubscribe_url(public_url: str, secret_key: str, subscriber_id: str) -> str:
    """The one-click unsubscribe link (RFC 8058: a POST to it unsubscribes)."""
    token = sign(secret_key, subscriber_id, UNSUBSCRIBE, None)
    return f"{public_url}/subscribe/unsubscribe?token={token}"
