"""Users (who may use the API and the pages), their API tokens and their signed-in sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime


class User(Base):
    """An account with a role: viewer, responder or admin."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    role: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ApiToken(Base):
    """A bearer token; only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class WebSession(Base):
    """A signed-in browser; the cookie holds a random token, the table only its SHA-256 digest."""

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # Sessions end after a spell without use, and in any case some days after signing in.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


class SignInFailure(Base):
    """One failed sign-in: when, from which address, for which name (real or not).

    Sign-in throttling counts these over a sliding window (auth/throttle.py); rows older than
    the window are deleted as new ones come. The name is kept only as a digest, so a password
    typed into the name field is never stored, and unknown names are recorded like real ones.
    """

    __tablename__ = "signin_failures"
    __table_args__ = (
        Index("ix_signin_failures_name_digest_at", "name_digest", "at"),
        Index("ix_signin_failures_address_at", "address", "at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    # The client's IPv4 address, or the /64 network of an IPv6 one.
    address: Mapped[str] = mapped_column(String(64))
    name_digest: Mapped[str] = mapped_column(String(64))
