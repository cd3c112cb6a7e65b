"""Users, roles and API tokens."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from datetime import datetime

from argon2 import PasswordHasher
from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.auth.models import ApiToken, User
from dutydesk.db import id_exists
from dutydesk.errors import Conflict, Forbidden, Invalid, NotFound, Unauthorized
from dutydesk.text import control_character

ROLES = ("viewer", "responder", "admin")
_RANK = {role: rank for rank, role in enumerate(ROLES)}
TOKEN_PREFIX = "ddk_"
TOKEN_NAME_LENGTH = 120
MIN_PASSWORD_LENGTH = 10
_USERNAME_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
_hasher = PasswordHasher()


def token_digest(token: str) -> str:
    """The stored form of a token. Tokens are 256 random bits, so a plain SHA-256 suffices."""
    return hashlib.sha256(token.encode()).hexdigest()


def add_user(
    session: Session,
    *,
    username: str,
    role: str,
    person_id: str | None,
    password: str | None,
    now: datetime,
) -> User:
    """Create a user with a role (viewer, responder, admin), optionally linked to a person."""
    if not _USERNAME_RE.fullmatch(username):  # match() would let a trailing newline by
        raise Invalid(f"{username!r} is not a username: lower-case letters, digits, . _ -")
    if role not in ROLES:
        raise Invalid(f"{role!r} is not a role (roles: {', '.join(ROLES)})")
    if session.scalar(select(User).where(User.username == username)) is not None:
        raise Conflict(f"user {username!r} already exists")
    # Auth sits below people (people's pages are built on the signed-in user): the person is
    # checked on the table users.person_id names.
    if person_id is not None and not id_exists(session, "people", person_id):
        raise NotFound(f"no person {person_id!r} in the team")
    user = User(
        username=username,
        role=role,
        person_id=person_id,
        password_hash=password_hash(password) if password is not None else None,
        created_at=now,
    )
    session.add(user)
    session.flush()
    return user


def password_hash(password: str) -> str:
    """The argon2 hash of a new password; Invalid if it is too short to be worth having."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise Invalid(f"password: at least {MIN_PASSWORD_LENGTH} characters")
    return _hasher.hash(password)


def set_password(session: Session, username: str, password: str) -> User:
    """Give a user a new password (the caller also forgets their failed sign-ins)."""
    user = get_user(session, username)
    user.password_hash = password_hash(password)
    return user


def get_user(session: Session, username: str) -> User:
    """The user with this name, or NotFound."""
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}")
    return user


def list_users(session: Session) -> Sequence[User]:
    """All users by name."""
    return session.scalars(select(User).order_by(User.username)).all()


def create_token(session: Session, username: str, name: str, now: datetime) -> tuple[ApiToken, str]:
    """Issue a bearer token for a user; the plain token is returned once and never stored."""
    user = get_user(session, username)
    if not name.strip() or len(name) > TOKEN_NAME_LENGTH or control_character(name):
        raise Invalid(f"token name: say what it is for in 1 to {TOKEN_NAME_LENGTH} characters")
    plain = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(user_id=user.id, name=name, token_digest=token_digest(plain), created_at=now)
    session.add(token)
    session.flush()
    return token, plain


def list_tokens(
    session: Session, username: str, *, include_revoked: bool = True
) -> Sequence[ApiToken]:
    """A user's tokens (digests only)."""
    user = get_user(session, username)
    query = select(ApiToken).where(ApiToken.user_id == user.id)
    if not include_revoked:
        query = query.where(ApiToken.revoked_at.is_(None))
    return session.scalars(query.order_by(ApiToken.id)).all()


def revoke_tokens_named(session: Session, username: str, name: str, now: datetime) -> int:
    """Stop every live token of a user with this name working; returns how many."""
    live = [t for t in list_tokens(session, username, include_revoked=False) if t.name == name]
    for token in live:
        token.revoked_at = now
    session.flush()
    return len(live)


def revoke_token(session: Session, token_id: int, now: datetime) -> ApiToken:
    """Stop a token working."""
    # Ids are 32-bit integers in the database; PostgreSQL refuses to compare with larger ones.
    token = session.get(ApiToken, token_id) if 0 < token_id < 2**31 else None
    if token is None:
        raise NotFound(f"no token {token_id}")
    token.revoked_at = token.revoked_at or now
    session.flush()
    return token


def authenticate(session: Session, presented: str, now: datetime) -> User:
    """The user behind a bearer token; Unauthorized for an unknown or revoked token."""
    token = session.scalar(select(ApiToken).where(ApiToken.token_digest == token_digest(presented)))
    if token is None or token.revoked_at is not None:
        raise Unauthorized("the bearer token is not valid")
    user = session.get(User, token.user_id)
    if user is None:
        raise Unauthorized("the bearer token is not valid")
    # Record use at most once a minute, so reads stay cheap.
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        token.last_used_at = now
    return user


def require_role(user: User, role: str) -> None:
    """Forbidden unless the user's role is at least `role`."""
    if _RANK[user.role] < _RANK[role]:
        raise Forbidden(f"this needs the {role} role; {user.username} is a {user.role}")
