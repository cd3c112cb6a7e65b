"""What the rest of Dutydesk asks of external rotas: whether a rota is one (overrides, swaps
and cover are refused on it), where its copy stands (the rota's page, `/metrics`), and the
names of the contacts its feed puts on call."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.errors import Conflict
from dutydesk.external_rotas.feed_url import redacted
from dutydesk.external_rotas.models import ExternalContact, ExternalRota
from dutydesk.external_rotas.notices import is_stale
from dutydesk.external_rotas.refresh import CONTACT_PREFIX


def is_external(session: Session, rota_id: str) -> bool:
    """Whether the rota follows a feed."""
    found = session.scalar(select(ExternalRota.rota_id).where(ExternalRota.rota_id == rota_id))
    return found is not None


def refuse_if_external(session: Session, rota_id: str, what: str) -> None:
    """Conflict if the rota follows a feed: `what` (an override, a swap, cover) is for the tool
    that owns its schedule."""
    url = session.scalar(select(ExternalRota.url).where(ExternalRota.rota_id == rota_id))
    if url is not None:
        raise Conflict(
            f"{rota_id!r} follows the schedule published at {redacted(url)}: {what} belongs to"
            " the tool that owns it, so make the change there (Dutydesk shows it at the next"
            " refresh)"
        )


@dataclass(frozen=True)
class FeedStatus:
    """Where an external rota's copy stands, as its page and `/metrics` show it."""

    rota_id: str
    source: str  # the feed's URL, redacted
    refresh: timedelta
    stale_after: timedelta
    last_attempt_at: datetime | None
    last_success_at: datetime | None
    last_changed_at: datetime | None
    next_fetch_at: datetime
    events_read: int
    failure_reason: str | None
    failure_message: str | None
    failing_since: datetime | None
    stale: bool
    suspect_since: datetime | None


def feed_statuses(session: Session, now: datetime, rota_id: str | None = None) -> list[FeedStatus]:
    """Every external rota's status (or one rota's), by rota id."""
    query = select(ExternalRota).order_by(ExternalRota.rota_id)
    if rota_id is not None:
        query = query.where(ExternalRota.rota_id == rota_id)
    return [
        FeedStatus(
            rota_id=row.rota_id,
            source=redacted(row.url),
            refresh=timedelta(seconds=row.refresh_seconds),
            stale_after=timedelta(seconds=row.stale_after_seconds),
            last_attempt_at=row.last_attempt_at,
            last_success_at=row.last_success_at,
            last_changed_at=row.last_changed_at,
            next_fetch_at=row.next_fetch_at,
            events_read=row.events_read,
            failure_reason=row.failure_reason,
            failure_message=row.failure_message,
            failing_since=row.failing_since,
            stale=is_stale(row, now),
            suspect_since=row.suspect_since,
        )
        for row in session.scalars(query)
    ]


def feed_status(session: Session, rota_id: str, now: datetime) -> FeedStatus | None:
    """The rota's status; None for a rota of our own."""
    found = feed_statuses(session, now, rota_id)
    return found[0] if found else None


def is_contact(person_id: str) -> bool:
    """Whether an id on a schedule is an external contact's rather than a team person's."""
    return person_id.startswith(CONTACT_PREFIX)


def contact_names(session: Session) -> dict[str, str]:
    """The names of the people feeds put on call who are not in the team, by contact id."""
    return dict(session.execute(select(ExternalContact.id, ExternalContact.name)).all())


def contact(session: Session, rota_id: str, contact_id: str) -> ExternalContact | None:
    """A contact the rota's feed names, by id (one primary-key read)."""
    return session.get(ExternalContact, (rota_id, contact_id))
