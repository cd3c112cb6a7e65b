"""Read queries for the alert pages: alerts with their group's size and pages, in few queries.

Nothing here changes anything; the pages' forms call alerts.service and alerts.actions.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import RESOLVED, Alert, Service
from dutydesk.alerts.service import OPEN_STATUSES, list_alerts
from dutydesk.escalation.models import EscalationPolicy, GroupPage
from dutydesk.escalation.service import pages_of
from dutydesk.external_rotas.service import contact_names
from dutydesk.notify.channels.base import NotConfigured
from dutydesk.notify.models import OutboxMessage
from dutydesk.people.service import person_names
from dutydesk.rotas.service import list_rotas

# What the outbox's states mean to someone reading who was paged.
_PAGE_STATES = {"pending": "queued", "failed": "failed, retrying", "sent": "sent"}
WITHDRAWN_PREFIX = "withdrawn:"


@dataclass(frozen=True)
class PageLine:
    """One page sent (or to be sent) for a group: to whom, how, when, and what became of it."""

    to: str  # a person's name, or a channel's destination
    via: str
    at: datetime  # when it is (or was) due to go out
    state: str  # queued, sent, failed, retrying, withdrawn, not configured or given up


@dataclass(frozen=True)
class AlertLine:
    """An alert as the lists show it."""

    alert: Alert
    service_name: str
    others_in_group: int  # the group's other alerts (open ones, for an open alert)
    pages: Sequence[PageLine]


@dataclass(frozen=True)
class Names:
    """People, rotas, services and policies by id, to show names instead of ids."""

    people: dict[str, str]
    rotas: dict[str, str]
    services: dict[str, str]
    policies: dict[str, str]

    def person(self, person_id: str | None) -> str:
        """A person's name (their id if they have gone from the team)."""
        return self.people.get(person_id or "", person_id or "nobody")


def names(session: Session) -> Names:
    """Every name the alert pages show."""
    return Names(
        # The people external rotas' feeds put on call are paged as contacts, named too.
        people=contact_names(session) | person_names(session),
        rotas={r.id: r.name for r in list_rotas(session)},
        services={key: name for key, name in session.execute(select(Service.id, Service.name))},
        policies={
            key: name
            for key, name in session.execute(select(EscalationPolicy.id, EscalationPolicy.name))
        },
    )


def count_open(session: Session) -> int:
    """How many alerts are triggered or acknowledged."""
    return session.scalar(select(func.count()).where(Alert.status.in_(OPEN_STATUSES))) or 0


def alert_lines(
    session: Session, known: Names, *, statuses: Sequence[str] = OPEN_STATUSES, limit: int = 100
) -> list[AlertLine]:
    """Alerts in these states, newest first, each with its group's size and pages."""
    return lines_for(session, known, list_alerts(session, statuses=statuses, limit=limit))


def lines_for(session: Session, known: Names, alerts: Sequence[Alert]) -> list[AlertLine]:
    """Alerts with their group's size and pages: three queries, however many alerts."""
    group_ids = sorted({a.group_id for a in alerts if a.group_id is not None})
    sizes: dict[tuple[int, bool], int] = {}
    if group_ids:
        counted = session.execute(
            select(Alert.group_id, Alert.status, func.count())
            .where(Alert.group_id.in_(group_ids))
            .group_by(Alert.group_id, Alert.status)
        )
        for group_id, status, count in counted:
            assert group_id is not None
            key = (group_id, status == RESOLVED)
            sizes[key] = sizes.get(key, 0) + count
    pages = page_lines(session, known, group_ids)
    found = []
    for alert in alerts:
        group = alert.group_id
        if group is None:
            others = 0
        elif alert.status == RESOLVED:  # the whole storm, for alerts that are over
            others = sizes.get((group, True), 0) + sizes.get((group, False), 0) - 1
        else:
            others = sizes.get((group, False), 0) - 1
        service_name = known.services.get(alert.service_id, alert.service_id)
        found.append(AlertLine(alert, service_name, max(others, 0), pages.get(group or 0, [])))
    return found


def page_lines(
    session: Session, known: Names, group_ids: Sequence[int]
) -> dict[int, list[PageLine]]:
    """Each group's pages, oldest first, with what the outbox did with them."""
    pages = pages_of(session, group_ids)
    message_ids = [p.outbox_message_id for ps in pages.values() for p in ps if p.outbox_message_id]
    messages: dict[int, tuple[str, str | None]] = {}
    if message_ids:
        rows = session.execute(
            select(OutboxMessage.id, OutboxMessage.status, OutboxMessage.last_error).where(
                OutboxMessage.id.in_(message_ids)
            )
        )
        messages = {message_id: (status, error) for message_id, status, error in rows}
    return {
        group_id: [_page_line(page, known, messages) for page in group_pages]
        for group_id, group_pages in pages.items()
    }


def _page_line(
    page: GroupPage, known: Names, messages: dict[int, tuple[str, str | None]]
) -> PageLine:
    to = known.person(page.person_id) if page.person_id else page.destination
    status, error = messages.get(page.outbox_message_id or 0, ("", None))
    if status == "dead":
        if (error or "").startswith(WITHDRAWN_PREFIX):
            state = "withdrawn"
        elif (error or "").startswith(NotConfigured.PREFIX):
            # A channel this instance has not set up (no SMTP server, no Slack token).
            state = "not configured"
        else:
            state = "given up"
    else:
        state = _PAGE_STATES.get(status, "unknown")
    return PageLine(to=to, via=page.via, at=page.due_at, state=state)
