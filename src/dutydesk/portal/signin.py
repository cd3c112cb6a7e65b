"""Signing tenants in to the portal by e-mail: a one-time link mailed to an address of a
tenant, and the session following it starts (docs/portal.md).

- Asking for a link answers alike whether or not the address is a tenant's: a link is mailed
  only when it is, and every request counts towards throttling (throttle.py).
- A link is a random token (only its SHA-256 digest is stored), valid LINK_LIFETIME, used once.
- A session lasts IDLE_TIMEOUT without use, ABSOLUTE_TIMEOUT at most. It is the tenant's only
  while the address still is: a contact removed, or a domain given to another tenant, ends it
  at the next request.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from dutydesk.auth.service import token_digest
from dutydesk.auth.throttle import client_address
from dutydesk.errors import DutydeskError, Invalid
from dutydesk.notify.service import enqueue
from dutydesk.portal import throttle
from dutydesk.portal.models import PortalLink, PortalSession
from dutydesk.tenants.addresses import check_address
from dutydesk.tenants.models import Tenant
from dutydesk.tenants.service import tenant_of_address

LINK_LIFETIME = timedelta(minutes=15)
# A working day without use; a week at most, then a new link.
IDLE_TIMEOUT = timedelta(hours=8)
ABSOLUTE_TIMEOUT = timedelta(days=7)
# Record activity at most once a minute, so page views stay reads.
_TOUCH_EVERY = timedelta(minutes=1)
LINK_PATH = "/portal/link"
_NOT_AN_ADDRESS = "email: enter an e-mail address like ops@example.org"
_LINK_SPENT = "this sign-in link has expired or has been used: ask for a new one below"


class LinkRequestsThrottled(DutydeskError):
    """Too many links asked for this address, or from this client, in the last hour."""

    code = "throttled"

    def __init__(self, retry_after_seconds: int) -> None:
        minutes = max(1, round(retry_after_seconds / 60))
        super().__init__(
            f"too many sign-in links have been asked for: try again in {minutes} minute(s)"
        )
        self.retry_after_seconds = retry_after_seconds


@dataclass(frozen=True)
class PortalVisitor:
    """Who a live portal session is: the address that signed in and its tenant."""

    email: str
    tenant_id: str
    tenant_name: str
    # Whether the session's last use should be recorded now (`touch_session`).
    stale: bool


@dataclass(frozen=True)
class StartedSession:
    """A new portal session: the token for the cookie (shown only now) and where to go."""

    token: str
    next_path: str


def request_link(
    session: Session,
    email: str,
    now: datetime,
    *,
    client_host: str | None,
    base_url: str,
    next_path: str,
) -> None:
    """Mail a sign-in link to `email` if it is a tenant's, and nothing otherwise; the same
    for the caller either way. Invalid when it is not an address, LinkRequestsThrottled when
    too many links have been asked for it or from this client."""
    try:
        address = check_address(email)
    except ValueError:
        raise Invalid(_NOT_AN_ADDRESS) from None
    client = client_address(client_host)
    throttled = throttle.check(session, address, client, now)
    if throttled is not None:
        raise LinkRequestsThrottled(throttled.retry_after_seconds(now))
    throttle.record_request(session, address, client, now)
    tenant_id = tenant_of_address(session, address)
    if tenant_id is None:
        return
    tenant = session.get(Tenant, tenant_id)
    session.execute(delete(PortalLink).where(PortalLink.expires_at <= now))
    token = secrets.token_urlsafe(32)
    digest = token_digest(token)
    session.add(
        PortalLink(
            token_digest=digest,
            email=address,
            next_path=next_path,
            created_at=now,
            expires_at=now + LINK_LIFETIME,
        )
    )
    minutes = int(LINK_LIFETIME.total_seconds() // 60)
    enqueue(
        session,
        channel="email",
        destination=address,
        subject="Your link to sign in to the support portal",
        text=(
            f"Someone, probably you, asked to sign in to the support portal as {address}"
            f" ({tenant.name if tenant is not None else tenant_id}).\n\n"
            f"Open this link within {minutes} minutes to sign in; it works once:\n\n"
            f"{base_url}{LINK_PATH}?token={token}\n\n"
            "If you did not ask, ignore this e-mail: nobody signs in without the link."
        ),
        # The digest names the link: ids may be reused once old links are deleted.
        idempotency_key=f"portal-link-{digest[:40]}",
        now=now,
    )


def usable_link(session: Session, token: str, now: datetime) -> PortalLink | None:
    """The link a token stands for while it can still be used (unused, unexpired); reads only."""
    link = session.scalar(select(PortalLink).where(PortalLink.token_digest == token_digest(token)))
    if link is None or link.used_at is not None or link.expires_at <= now:
        return None
    return link


def consume_link(session: Session, token: str, now: datetime) -> StartedSession:
    """Use a link: it (and every other unused link to its address) cannot be used again, and a
    session for its address's tenant starts. Invalid when it is spent or unknown, or the
    address is no longer a tenant's."""
    link = usable_link(session, token, now)
    if link is None:
        raise Invalid(_LINK_SPENT)
    # Only one of two simultaneous uses marks it used; the other is refused.
    marked = session.execute(
        update(PortalLink)
        .where(PortalLink.id == link.id, PortalLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if getattr(marked, "rowcount", 0) != 1:
        raise Invalid(_LINK_SPENT)
    tenant_id = tenant_of_address(session, link.email)
    if tenant_id is None:
        raise Invalid(
            f"{link.email} is no longer an address of a tenant: ask the support team to add it"
        )
    session.execute(
        update(PortalLink)
        .where(PortalLink.email == link.email, PortalLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(PortalSession).where(PortalSession.expires_at <= now))
    session_token = secrets.token_urlsafe(32)
    session.add(
        PortalSession(
            token_digest=token_digest(session_token),
            email=link.email,
            tenant_id=tenant_id,
            created_at=now,
            last_seen_at=now,
            expires_at=now + IDLE_TIMEOUT,
        )
    )
    session.flush()
    return StartedSession(session_token, link.next_path)


def visitor_of(session: Session, token: str, now: datetime) -> PortalVisitor | None:
    """Who a portal cookie signs in, or None: unknown, over, or its address no longer its
    tenant's. Only reads; `stale` says to call `touch_session`."""
    found = session.scalar(
        select(PortalSession).where(PortalSession.token_digest == token_digest(token))
    )
    if found is None or found.expires_at <= now:
        return None
    if tenant_of_address(session, found.email) != found.tenant_id:
        return None
    tenant = session.get(Tenant, found.tenant_id)
    if tenant is None:
        return None
    return PortalVisitor(
        email=found.email,
        tenant_id=tenant.id,
        tenant_name=tenant.name,
        stale=now - found.last_seen_at > _TOUCH_EVERY,
    )


def touch_session(session: Session, token: str, now: datetime) -> None:
    """Record a session's use: it lasts IDLE_TIMEOUT more, up to ABSOLUTE_TIMEOUT after it
    started."""
    found = session.scalar(
        select(PortalSession).where(PortalSession.token_digest == token_digest(token))
    )
    if found is not None:
        found.last_seen_at = now
        found.expires_at = min(now + IDLE_TIMEOUT, found.created_at + ABSOLUTE_TIMEOUT)


def sign_out(session: Session, token: str) -> None:
    """End the session behind a portal cookie (nothing happens for an unknown one)."""
    session.execute(delete(PortalSession).where(PortalSession.token_digest == token_digest(token)))
