"""Throttling of sign-in link requests: requests counted over a sliding window, by e-mail
address and by the client's address (docs/portal.md):

- one e-mail address, from anywhere: PER_EMAIL requests in the window, then no more links are
  mailed to it until the oldest leaves the window (nobody can fill a tenant's inbox);
- one client address, any e-mail addresses: PER_ADDRESS requests in the window, then that
  client may ask for none (nobody can try address after address quickly).

Requests for unknown addresses are recorded like those for known ones, so throttling answers
alike whether or not an address belongs to a tenant. A refused request is not recorded: the
address is free again as soon as its oldest request is an hour old. Rows are only added and
counted, so several processes can share them.
"""

from __future__ import annotations

import hashlib
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, delete, select
from sqlalchemy.orm import Session

from dutydesk.auth.throttle import Throttle
from dutydesk.portal.models import PortalLinkRequest

WINDOW = timedelta(hours=1)
PER_EMAIL = 5
PER_ADDRESS = 20


def email_digest(email: str) -> str:
    """How an address asked for is recorded: never in clear (most are not tenants')."""
    return hashlib.sha256(email.strip().lower().encode()).hexdigest()


def check(session: Session, email: str, address: str, now: datetime) -> Throttle | None:
    """The throttle in force for a link to `email` asked from `address`, or None."""
    recent = PortalLinkRequest.at > now - WINDOW
    for condition, limit in (
        (PortalLinkRequest.email_digest == email_digest(email), PER_EMAIL),
        (PortalLinkRequest.address == address, PER_ADDRESS),
    ):
        times = _request_times(session, condition, recent)
        if len(times) >= limit:
            # Free again when enough of these requests have left the window.
            return Throttle(times[len(times) - limit] + WINDOW)
    return None


def record_request(session: Session, email: str, address: str, now: datetime) -> None:
    """Count a request, and forget requests older than the window."""
    session.execute(delete(PortalLinkRequest).where(PortalLinkRequest.at <= now - WINDOW))
    session.add(PortalLinkRequest(at=now, address=address, email_digest=email_digest(email)))
    session.flush()


def _request_times(
    session: Session, condition: ColumnElement[bool], recent: ColumnElement[bool]
) -> list[datetime]:
    return list(
        session.scalars(
            select(PortalLinkRequest.at).where(condition, recent).order_by(PortalLinkRequest.at)
        )
    )
