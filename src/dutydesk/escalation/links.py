"""Signed, expiring links in a page: acknowledge or resolve an alert group in one tap.

The token carries the group, the action, the person it was sent to and its expiry, with an
HMAC-SHA256 over them keyed by the instance's secret key; nothing is stored. Whoever holds the
link acts as the person it was sent to, so links expire (ACTION_LINK_LIFETIME) and following
one only shows a confirmation page: e-mail scanners that fetch links change nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from dutydesk import signed
from dutydesk.errors import Invalid

ACTION_LINK_LIFETIME = timedelta(hours=24)
LINK_ACTIONS = ("acknowledge", "resolve")
LINK_PATH = "/act/"
_PURPOSE = b"alert-action:"


@dataclass(frozen=True)
class ActionLink:
    """What a valid token says: act on this group as this person, until then."""

    group_id: int
    action: str
    person_id: str
    expires_at: datetime


def sign_action(secret_key: str, link: ActionLink) -> str:
    """The token for a link (URL-safe, no padding)."""
    values = [link.group_id, link.action, link.person_id, int(link.expires_at.timestamp())]
    return signed.sign(secret_key, _PURPOSE, values)


def action_url(base_url: str, secret_key: str, link: ActionLink) -> str:
    """The full URL of a link, under DUTYDESK_BASE_URL."""
    return f"{base_url.rstrip('/')}{LINK_PATH}{sign_action(secret_key, link)}"


def read_action(secret_key: str, token: str, now: datetime) -> ActionLink:
    """The link a token stands for; Invalid when it was not signed here, or has expired."""
    values = signed.read(secret_key, _PURPOSE, token)
    if values is None:
        raise Invalid("this link is not valid: open the alert from Dutydesk instead")
    try:
        group_id, action, person_id, expires = values
        link = ActionLink(
            int(group_id), str(action), str(person_id), datetime.fromtimestamp(expires, UTC)
        )
    except (ValueError, TypeError, OverflowError) as error:
        raise Invalid("this link is not valid: open the alert from Dutydesk instead") from error
    if link.action not in LINK_ACTIONS:
        raise Invalid("this link is not valid: open the alert from Dutydesk instead")
    if link.expires_at <= now:
        raise Invalid("this link has expired: open the alert from Dutydesk instead")
    return link
