"""Sign-in throttling: failed sign-ins counted over a sliding window, by name and by address.

The decision depends only on failure rows, and failures for unknown names are recorded like
those for real ones, so throttling answers a real name and an unknown one alike. The rules
(docs/web.md, docs/adr/0009-sign-in-throttling.md):

- one address, one name: 5 failures in the window, then that address may not try that name;
- one address, any names: 20 failures in the window, then that address may not sign in;
- one name, any addresses: from 20 failures in the window the name is under attack, and each
  address gets 2 failures for it instead of 5. This slows guessing spread over addresses, but
  never stops a correct password from an address that has not failed for the name.

Rows are only ever added and counted, so several processes can share them; two attempts at the
same instant may both be let through, which costs an attacker at most one extra guess each.
"""

from __future__ import annotations

import hashlib
import ipaddress
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, and_, delete, func, select
from sqlalchemy.orm import Session

from dutydesk.auth.models import SignInFailure

WINDOW = timedelta(minutes=15)
PER_NAME_AND_ADDRESS = 5
PER_ADDRESS = 20
NAME_UNDER_ATTACK = 20
PER_NAME_AND_ADDRESS_UNDER_ATTACK = 2


def name_digest(username: str) -> str:
    """How a name typed into the form is recorded: never in clear (it may be a password)."""
    return hashlib.sha256(normal_name(username).encode()).hexdigest()


def normal_name(username: str) -> str:
    """The name as sign-in looks it up: usernames are lower-case."""
    return username.strip().lower()


def client_address(host: str | None) -> str:
    """The address failures are counted against: an IPv4 address, or an IPv6 address's /64
    (one subscriber's network hands out any address in it, so one address would be no limit)."""
    if not host:
        return "unknown"
    try:
        parsed = ipaddress.ip_address(host)
    except ValueError:
        return host[:64]
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


@dataclass(frozen=True)
class Throttle:
    """Why and until when sign-in is refused for a name from an address."""

    until: datetime

    def retry_after_seconds(self, now: datetime) -> int:
        """Whole seconds until the next attempt may be made (at least 1)."""
        return max(1, int((self.until - now).total_seconds() + 0.999))


def check(session: Session, name: str, address: str, now: datetime) -> Throttle | None:
    """The throttle in force for this name from this address, or None if it may try."""
    since = now - WINDOW
    digest = name_digest(name)
    recent = SignInFailure.at > since
    pair = _failure_times(
        session,
        and_(SignInFailure.name_digest == digest, SignInFailure.address == address, recent),
    )
    by_name = session.scalar(
        select(func.count()).where(SignInFailure.name_digest == digest, recent)
    )
    pair_limit = (
        PER_NAME_AND_ADDRESS_UNDER_ATTACK
        if (by_name or 0) >= NAME_UNDER_ATTACK
        else PER_NAME_AND_ADDRESS
    )
    if len(pair) >= pair_limit:
        # Free again when enough of these failures have left the window.
        return Throttle(pair[len(pair) - pair_limit] + WINDOW)
    by_address = _failure_times(session, and_(SignInFailure.address == address, recent))
    if len(by_address) >= PER_ADDRESS:
        return Throttle(by_address[len(by_address) - PER_ADDRESS] + WINDOW)
    return None


def record_failure(session: Session, name: str, address: str, now: datetime) -> None:
    """Count a wrong password (or an unknown name), and forget failures older than the window."""
    session.execute(delete(SignInFailure).where(SignInFailure.at <= now - WINDOW))
    session.add(SignInFailure(at=now, address=address, name_digest=name_digest(name)))
    session.flush()


def forget_name_and_address(session: Session, name: str, address: str) -> None:
    """A successful sign-in clears that address's failures for that name."""
    session.execute(
        delete(SignInFailure).where(
            SignInFailure.name_digest == name_digest(name), SignInFailure.address == address
        )
    )


def forget_name(session: Session, name: str) -> int:
    """Clear a name's failures from every address (an admin's unlock); how many there were."""
    result = session.execute(
        delete(SignInFailure).where(SignInFailure.name_digest == name_digest(name))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def forget_address(session: Session, address: str) -> int:
    """Clear an address's failures for every name; how many there were."""
    result = session.execute(
        delete(SignInFailure).where(SignInFailure.address == client_address(address))
    )
    return int(getattr(result, "rowcount", 0) or 0)


def _failure_times(session: Session, condition: ColumnElement[bool]) -> list[datetime]:
    return list(
        session.scalars(select(SignInFailure.at).where(condition).order_by(SignInFailure.at))
    )
