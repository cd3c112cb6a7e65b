"""Telling subscribers: one outbox message per subscriber of the components an update concerns
(or of every component), e-mail or signed webhook. Each message's key names the update and the
subscriber, so a retried transaction, a second worker or a restart never sends one twice, and
the outbox delivers each at least once.

E-mail carries the one-click unsubscribe link in its body and in the List-Unsubscribe and
List-Unsubscribe-Post headers (RFC 8058). Webhooks are signed with a secret of the subscriber's
own (`subscriber_secret`), so knowing one subscriber's secret signs nothing for another.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, or_, select
from sqlalchemy.orm import Session

from dutydesk.notify.service import Outgoing, enqueue_many
from dutydesk.notify.signing import webhook_secret
from dutydesk.statuspage import links
from dutydesk.statuspage.levels import STATUS_NAMES
from dutydesk.statuspage.models import (
    EMAIL,
    StatusIncident,
    StatusIncidentUpdate,
    StatusSubscriber,
    StatusSubscriberComponent,
)
from dutydesk.statuspage.page import PageInfo, page_info
from dutydesk.statuspage.site import Site
from dutydesk.text import one_line

# Messages queued per statement: ten thousand subscribers are a few statements, not one huge.
_BATCH = 1000


def subscriber_secret(secret_key: str, subscriber_id: str, url: str) -> str:
    """The secret a webhook subscriber verifies Dutydesk-Signature with."""
    return webhook_secret(secret_key, f"status-subscriber:{subscriber_id}:{url}")


def _reached(component_ids: Sequence[str]) -> tuple[Any, Any]:
    """Confirmed subscribers of every component or of one of these, as query conditions."""
    chosen = exists().where(
        StatusSubscriberComponent.subscriber_id == StatusSubscriber.id,
        StatusSubscriberComponent.component_id.in_(list(component_ids)),
    )
    return StatusSubscriber.confirmed_at.is_not(None), or_(
        StatusSubscriber.all_components.is_(True), chosen
    )


def count_subscribers(session: Session, component_ids: Sequence[str]) -> int:
    """How many subscribers an update of these components reaches."""
    if not component_ids:
        return 0
    found = session.scalar(
        select(func.count()).select_from(StatusSubscriber).where(*_reached(component_ids))
    )
    return int(found or 0)


def tell_subscribers(
    session: Session,
    status_incident: StatusIncident,
    update: StatusIncidentUpdate,
    component_ids: Sequence[str],
    *,
    now: datetime,
    site: Site,
) -> int:
    """Queue the update for every subscriber it reaches; returns how many."""
    page = page_info(session)
    status = STATUS_NAMES.get(update.status, update.status)
    link = site.incident_url(status_incident.id)
    details = {
        "incident_update": {
            "id": update.id,
            "status": update.status,
            "body": update.body,
            "display_at": update.display_at.isoformat(),
            "affected_components": update.affected_components,
        }
    }
    return _queue(
        session,
        component_ids,
        subject=one_line(f"[{page.name}] {status_incident.name}: {status}")[:450],
        text=f"{status_incident.name}\n\n{status} - {update.body}\n\n{link}\n",
        webhook_body=_webhook_body(page, status_incident, link, details),
        key=f"status-update-{update.id}",
        now=now,
        site=site,
    )


def tell_upcoming(
    session: Session,
    window: StatusIncident,
    component_ids: Sequence[str],
    *,
    now: datetime,
    site: Site,
    starts_text: str,
) -> int:
    """Queue the notice that a maintenance window starts within the hour; returns how many."""
    page = page_info(session)
    link = site.incident_url(window.id)
    details = {
        "scheduled_for": window.scheduled_for.isoformat() if window.scheduled_for else None,
        "scheduled_until": window.scheduled_until.isoformat() if window.scheduled_until else None,
        "notice": "starts within the hour",
    }
    return _queue(
        session,
        component_ids,
        subject=one_line(f"[{page.name}] Maintenance starts soon: {window.name}")[:450],
        text=f"{window.name}\n\nThis scheduled maintenance starts at {starts_text}.\n\n{link}\n",
        webhook_body=_webhook_body(page, window, link, details),
        key=f"status-notice-{window.id}",
        now=now,
        site=site,
    )


def _webhook_body(
    page: PageInfo, status_incident: StatusIncident, link: str, details: dict[str, Any]
) -> dict[str, Any]:
    """What a webhook subscriber is posted, after Statuspage's webhook shape (its `meta` is
    added per subscriber)."""
    return {
        "page": {"id": page.id, "name": page.name},
        "incident": {
            "id": status_incident.id,
            "name": status_incident.name,
            "status": status_incident.status,
            "impact": status_incident.impact,
            "shortlink": link,
            **details,
        },
    }


def _queue(
    session: Session,
    component_ids: Sequence[str],
    *,
    subject: str,
    text: str,
    webhook_body: dict[str, Any],
    key: str,
    now: datetime,
    site: Site,
) -> int:
    if not component_ids:
        return 0
    query = (
        select(StatusSubscriber.id, StatusSubscriber.kind, StatusSubscriber.address)
        .where(*_reached(component_ids))
        .order_by(StatusSubscriber.id)
    )
    told, batch = 0, []
    for subscriber_id, kind, address in session.execute(query):
        unsubscribe = links.unsubscribe_url(site.public_url, site.secret_key, subscriber_id)
        batch.append(
            _message(subscriber_id, kind, address, subject, text, webhook_body, unsubscribe, key)
        )
        if len(batch) >= _BATCH:
            told += enqueue_many(session, batch, now)
            batch = []
    told += enqueue_many(session, batch, now)
    return told


def _message(
    subscriber_id: str,
    kind: str,
    address: str,
    subject: str,
    text: str,
    webhook_body: dict[str, Any],
    unsubscribe: str,
    key: str,
) -> Outgoing:
    message_key = f"{key}-{subscriber_id}"
    if kind == EMAIL:
        return Outgoing(
            channel="email",
            destination=address,
            subject=subject,
            text=f"{text}\nUnsubscribe: {unsubscribe}\n",
            idempotency_key=message_key,
            payload={"email": {"list_unsubscribe": unsubscribe}},
            # Each subscriber is one address: nothing to limit, and a limit keyed by a
            # shared domain would hold an update back for minutes.
            rate_key=f"status:{subscriber_id}",
        )
    return Outgoing(
        channel="scoped_webhook",
        destination=address,
        subject=subject,
        text=text,
        idempotency_key=message_key,
        payload={
            "scope": f"status-subscriber:{subscriber_id}",
            "body": {"meta": {"unsubscribe": unsubscribe}, **webhook_body},
        },
        rate_key=f"status:{subscriber_id}",
    )
