"""How the layer above hears that a ticket became P1: the one interface tickets call, wired once.

A P1 ticket is always an incident. Tickets never import incidents; they announce a ticket that
became P1 (opened as one, or triaged to it) through `TicketReactions`, which incidents
implement and the composition root wires into the runtime's sessions. A session without it
refuses to make a ticket P1, so a P1 can never go by without its incident.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast

from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from dutydesk.tickets.models import Ticket

_REACTIONS = "dutydesk.tickets.reactions"


class TicketReactions(Protocol):
    """What happens above tickets when one becomes P1 (incidents: one is declared)."""

    def became_p1(self, session: Session, ticket: Ticket, *, actor: str, now: datetime) -> None:
        """`ticket` is P1 now, in the caller's transaction."""


class NotWired(RuntimeError):
    """A session made a ticket P1 with nothing wired to react: a fault in how it was built."""


def wire_ticket_reactions(sessions: sessionmaker[Session], reactions: TicketReactions) -> None:
    """Give every session `sessions` makes from now on these reactions (the composition root)."""
    info = dict(sessions.kw.get("info") or {})
    info[_REACTIONS] = reactions
    sessions.configure(info=info)


def ticket_reactions_of(session: Session) -> TicketReactions:
    """The reactions wired into the session's factory; NotWired when there are none."""
    found = session.info.get(_REACTIONS)
    if found is None:
        raise NotWired(
            "a ticket became P1 with nothing wired to declare its incident:"
            " build the runtime with dutydesk.composition.bootstrap"
        )
    return cast(TicketReactions, found)
