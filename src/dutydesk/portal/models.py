"""The portal's tables: sign-in links mailed to tenants, the sessions they start, and the
requests for links that throttling counts. Tokens are kept only as SHA-256 digests, as staff
sessions are (auth/models.py WebSession), and e-mail addresses of requests only as digests."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime
from dutydesk.tenants.models import EMAIL_LENGTH


class PortalLink(Base):
    """A one-time sign-in link mailed to an address of a tenant: valid until `expires_at`,
    used once (`used_at`)."""

    __tablename__ = "portal_links"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH), index=True)
    # Where the tenant was going when they asked (a portal path), to land there after.
    next_path: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class PortalSession(Base):
    """A tenant's signed-in browser: the address that signed in and the tenant it was theirs
    for. The cookie holds a random token, the table only its SHA-256 digest."""

    __tablename__ = "portal_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(EMAIL_LENGTH))
    # Removing a tenant ends its sessions.
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # A session ends after a spell without use, and in any case some days after signing in.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class PortalLinkRequest(Base):
    """One request for a sign-in link: when, from which client address, for which e-mail
    address (known or not, as a digest). Throttling counts these over a sliding window
    (portal/throttle.py); rows older than the window are deleted as new ones come."""

    __tablename__ = "portal_link_requests"
    __table_args__ = (
        Index("ix_portal_link_requests_email_digest_at", "email_digest", "at"),
        Index("ix_portal_link_requests_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The client's IPv4 address, or the /64 network of an IPv6 one (auth/throttle.py).
    address: Mapped[str] = mapped_column(String(64))
    email_digest: Mapped[str] = mapped_column(String(64))
