"""Signing in to the pages: passwords, throttling of repeated failures, browser sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.auth import throttle
from dutydesk.auth.models import User, WebSession
from dutydesk.auth.service import token_digest
from dutydesk.auth.throttle import client_address, normal_name
from dutydesk.errors import Unauthorized

# A session lasts 12 hours without use, 14 days at most: a support week and the weekend after.
IDLE_TIMEOUT = timedelta(hours=12)
ABSOLUTE_TIMEOUT = timedelta(days=14)
# Record activity at most once a minute, so page views stay reads.
_TOUCH_EVERY = timedelta(minutes=1)
# One message for an unknown user and a wrong password, so sign-in tells nobody who exists.
_WRONG = "wrong username or password"
_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the username is unknown, so both take an argon2 hash's time."""
    return _hasher.hash("not a password anyone has")


@dataclass(frozen=True)
class SignedIn:
    """A new browser session: the user and the token for the cookie (shown only now)."""

    user: User
    token: str


class SignInThrottled(Unauthorized):
    """Too many failed sign-ins for this name from this address, or from this address."""

    def __init__(self, retry_after_seconds: int) -> None:
        minutes = max(1, round(retry_after_seconds / 60))
        super().__init__(
            f"too many failed sign-ins from your address: try again in {minutes} minute(s)"
        )
        self.retry_after_seconds = retry_after_seconds


def sign_in(
    session: Session, username: str, password: str, now: datetime, *, client_host: str | None
) -> SignedIn:
    """Check the password and open a session; Unauthorized if wrong, SignInThrottled if this
    address has failed too often (throttle.py).

    Real and unknown names take the same path and the same time: a password is always verified
    with argon2 (against a dummy hash for an unknown name or while throttled), and the throttle
    counts failures for names that exist and names that do not alike.
    """
    dummy = _dummy_hash()  # made on the first attempt of any kind, so no name pays it alone
    name = normal_name(username)
    address = client_address(client_host)
    throttled = throttle.check(session, name, address, now)
    if throttled is not None:
        # The same work as an attempt, and the user is never looked up: nothing to time.
        _verify(dummy, password)
        raise SignInThrottled(throttled.retry_after_seconds(now))
    user = session.scalar(select(User).where(User.username == name))
    if user is None or user.password_hash is None:
        _verify(dummy, password)
        throttle.record_failure(session, name, address, now)
        raise Unauthorized(_WRONG)
    if not _verify(user.password_hash, password):
        throttle.record_failure(session, name, address, now)
        raise Unauthorized(_WRONG)
    throttle.forget_name_and_address(session, name, address)
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    token = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            user_id=user.id,
            token_digest=token_digest(token),
            created_at=now,
            last_seen_at=now,
            expires_at=now + IDLE_TIMEOUT,
        )
    )
    session.flush()
    return SignedIn(user, token)


@dataclass(frozen=True)
class SessionUser:
    """Whose a live session is, and whether its last use should be recorded now."""

    user: User
    stale: bool


def session_user(session: Session, token: str, now: datetime) -> SessionUser | None:
    """The user a session cookie belongs to, or None if the session is unknown or over.

    Only reads, so a page view needs no write lock; `stale` says to call `touch_session`.
    """
    found = session.scalar(select(WebSession).where(WebSession.token_digest == token_digest(token)))
    if found is None or found.expires_at <= now:
        return None
    user = session.get(User, found.user_id)
    if user is None:
        return None
    return SessionUser(user, stale=now - found.last_seen_at > _TOUCH_EVERY)


def touch_session(session: Session, token: str, now: datetime) -> None:
    """Record a session's use: it lasts IDLE_TIMEOUT more, up to ABSOLUTE_TIMEOUT after sign-in."""
    found = session.scalar(select(WebSession).where(WebSession.token_digest == token_digest(token)))
    if found is not None:
        found.last_seen_at = now
        found.expires_at = min(now + IDLE_TIMEOUT, found.created_at + ABSOLUTE_TIMEOUT)


def sign_out(session: Session, token: str) -> None:
    """End the session behind a cookie (nothing happens for an unknown one)."""
    session.execute(delete(WebSession).where(WebSession.token_digest == token_digest(token)))


def end_sessions(session: Session, user: User) -> None:
    """Sign a user out everywhere (after a password change)."""
    session.execute(delete(WebSession).where(WebSession.user_id == user.id))


def unlock(session: Session, user: User) -> None:
    """Forget a user's failed sign-ins from every address, so none is throttled for them."""
    throttle.forget_name(session, user.username)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
