"""How the layer above hears of alert state: the one interface alerts call, wired once.

Alerts never import what reacts to them. They announce what happened to a group's alerts
(opened, quieted, triggered again, reassigned) and ask one question (when an acknowledgement
runs out) through `AlertReactions`; escalation implements it, and the composition root wires
it into the runtime's sessions (`dutydesk.composition.bootstrap`), so the web application, the
worker, the command line and the tests all get it. A session without it refuses to change the
state of alerts: an alert that opened and paged nobody because nothing was wired would be
silent, which is the one failure paging must not have.

Each call runs in the caller's transaction, after the change it announces, with the group
locked (alerts before their group, as everywhere: see alerts/grouping.py).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, cast

from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    # Annotations only: a runtime wires reactions in without loading alerts' tables.
    from dutydesk.alerts.models import Alert, AlertGroup, Service

# The key of a session's `info` under which the wired reactions are found.
_REACTIONS = "dutydesk.alerts.reactions"


class AlertReactions(Protocol):
    """What happens above alerts when their state changes (escalation: paging)."""

    def opened(
        self,
        session: Session,
        group: AlertGroup,
        service: Service,
        now: datetime,
        *,
        joining: Sequence[int],
    ) -> None:
        """New alerts (`joining`, by id) opened in `group` of `service`: one call for all of a
        batch's new alerts in one group."""

    def retrigger_at(
        self, session: Session, alert: Alert, group: AlertGroup | None, now: datetime
    ) -> datetime | None:
        """When an alert acknowledged now is triggered again if still unresolved; None: never."""

    def quieted(
        self, session: Session, group: AlertGroup, now: datetime, *, triggered: int, reason: str
    ) -> None:
        """An alert of `group` was acknowledged, snoozed or resolved (`reason` says which and by
        whom); `triggered` of the group's alerts are still triggered."""

    def triggered_again(self, session: Session, group: AlertGroup, now: datetime) -> None:
        """An acknowledged alert of `group` is triggered again (its acknowledgement ran out)."""

    def reassigned(
        self, session: Session, group: AlertGroup, person_id: str, now: datetime
    ) -> None:
        """`group` was given to a person, and its open alerts are triggered again."""


class NotWired(RuntimeError):
    """A session changed alerts with nothing wired to react: a fault in how it was built."""


def wire_reactions(sessions: sessionmaker[Session], reactions: AlertReactions) -> None:
    """Give every session `sessions` makes from now on these reactions (the composition root)."""
    info = dict(sessions.kw.get("info") or {})
    info[_REACTIONS] = reactions
    sessions.configure(info=info)


def reactions_of(session: Session) -> AlertReactions:
    """The reactions wired into the session's factory; NotWired when there are none."""
    found = session.info.get(_REACTIONS)
    if found is None:
        raise NotWired(
            "alerts changed with nothing wired to react to them (nobody would be paged):"
            " build the runtime with dutydesk.composition.bootstrap"
        )
    return cast(AlertReactions, found)
