"""Paging held back: the one question escalation asks a layer above before paging starts.

A maintenance window on the status page keeps the alerts of its components' services from
paging while it runs; they are still recorded and shown. Escalation does not know of status
pages: it asks `PagingHolds` whether a service's paging is held at a moment, and the
composition root wires the status page's answer into every session
(`dutydesk.composition.bootstrap`), as alerts' reactions are wired (alerts/reactions.py).

Unlike the reactions, a session with nothing wired is safe: nothing is held, everything pages.
"""

from __future__ import annotations

from datetime import datetime
from typing import Protocol, cast

from sqlalchemy.orm import Session, sessionmaker

# The key of a session's `info` under which the wired holds are found.
_HOLDS = "dutydesk.escalation.holds"


class PagingHolds(Protocol):
    """Whether paging for a service's alerts is held back at a moment."""

    def held(self, session: Session, service_id: str, at: datetime) -> str | None:
        """Why paging for the service is held at `at` ("maintenance window 'DB upgrade'"),
        or None when it is not. Asked by the worker for every run whose first step falls due,
        in its transaction: answers should cost at most one indexed query a transaction."""


class _NothingHeld:
    def held(self, session: Session, service_id: str, at: datetime) -> str | None:
        return None


NOTHING_HELD: PagingHolds = _NothingHeld()


def wire_holds(sessions: sessionmaker[Session], holds: PagingHolds) -> None:
    """Give every session `sessions` makes from now on these holds (the composition root)."""
    info = dict(sessions.kw.get("info") or {})
    info[_HOLDS] = holds
    sessions.configure(info=info)


def holds_of(session: Session) -> PagingHolds:
    """The holds wired into the session's factory; none wired: nothing is held."""
    return cast(PagingHolds, session.info.get(_HOLDS, NOTHING_HELD))
