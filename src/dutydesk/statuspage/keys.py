"""Keys of the Statuspage-compatible management API (v1_api.py): each acts as its user, who must
be a responder or an admin. The plain key is shown once when it is made; only its SHA-256 digest
is kept, as with API tokens."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.auth.models import User
from dutydesk.auth.service import get_user, require_role, token_digest
from dutydesk.errors import Invalid, NotFound, Unauthorized
from dutydesk.statuspage.models import StatusApiKey
from dutydesk.text import control_character

KEY_PREFIX = "ddsp_"
KEY_NAME_LENGTH = 120
# Who may hold a key: the API changes the public page.
KEY_ROLE = "responder"


@dataclass(frozen=True)
class ListedKey:
    """A key (never the key itself) and whose it is."""

    key: StatusApiKey
    username: str


def create_key(
    session: Session, username: str, name: str, now: datetime
) -> tuple[StatusApiKey, str]:
    """A new key for a responder or admin; the plain key is returned once and never stored."""
    user = get_user(session, username)
    require_role(user, KEY_ROLE)
    if not name.strip() or len(name) > KEY_NAME_LENGTH or control_character(name):
        raise Invalid(f"name: say what the key is for in 1 to {KEY_NAME_LENGTH} characters")
    plain = KEY_PREFIX + secrets.token_urlsafe(32)
    key = StatusApiKey(user_id=user.id, name=name, digest=token_digest(plain), created_at=now)
    session.add(key)
    session.flush()
    return key, plain


def authenticate_key(session: Session, plain: str, now: datetime) -> User:
    """The user a key acts as; Unauthorized for an unknown or revoked key."""
    key = session.scalar(select(StatusApiKey).where(StatusApiKey.digest == token_digest(plain)))
    user = None if key is None or key.revoked_at is not None else session.get(User, key.user_id)
    if key is None or user is None:
        raise Unauthorized("the status page API key is not valid")
    # Recorded at most once a minute, so that reads stay cheap.
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        key.last_used_at = now
    return user


def list_keys(session: Session, *, include_revoked: bool = False) -> Sequence[ListedKey]:
    """Every key (live ones unless `include_revoked`), the oldest first."""
    query = select(StatusApiKey, User.username).join(User, User.id == StatusApiKey.user_id)
    if not include_revoked:
        query = query.where(StatusApiKey.revoked_at.is_(None))
    return [
        ListedKey(key, username)
        for key, username in session.execute(query.order_by(StatusApiKey.id))
    ]


def revoke_key(session: Session, key_id: int, now: datetime) -> StatusApiKey:
    """Stop a key working at once."""
    # Ids are 32-bit integers in the database; PostgreSQL refuses to compare with larger ones.
    key = session.get(StatusApiKey, key_id) if 0 < key_id < 2**31 else None
    if key is None:
        raise NotFound(f"no status page API key {key_id}")
    key.revoked_at = key.revoked_at or now
    session.flush()
    return key
