"""Signing in to the pages: passwords, lock-out after repeated failures, browser sessions."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from dutydesk.auth.models import User, WebSession
from dutydesk.auth.service import token_digest
from dutydesk.errors import Unauthorized

# Five wrong passwords in a row lock the account for 15 minutes (then five more tries).
MAX_FAILED_SIGNINS = 5
LOCK_OUT_FOR = timedelta(minutes=15)
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


def sign_in(session: Session, username: str, password: str, now: datetime) -> SignedIn:
    """Check the password and open a session; Unauthorized if wrong or locked out."""
    user = session.scalar(select(User).where(User.username == username.strip().lower()))
    if user is None or user.password_hash is None:
        _verify(_dummy_hash(), password)
        raise Unauthorized(_WRONG)
    if user.locked_until is not None and user.locked_until > now:
        minutes = max(1, round((user.locked_until - now).total_seconds() / 60))
        raise Unauthorized(
            f"too many wrong passwords: this account is locked for {minutes} more minute(s);"
            " an admin can unlock it with `dutydesk user unlock`"
        )
    if not _verify(user.password_hash, password):
        user.failed_signins += 1
        if user.failed_signins >= MAX_FAILED_SIGNINS:
            user.failed_signins = 0
            user.locked_until = now + LOCK_OUT_FOR
        raise Unauthorized(_WRONG)
    user.failed_signins = 0
    user.locked_until = None
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


def unlock(user: User) -> None:
    """Lift a lock-out now."""
    user.failed_signins = 0
    user.locked_until = None


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False
