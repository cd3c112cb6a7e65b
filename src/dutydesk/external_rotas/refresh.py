"""Refreshing external rotas: what is due, reading a feed into shifts, and keeping the result.

A refresh is three steps, so that no transaction is held open over the network or the parse:
`claim_due` (one short transaction: which rotas are due, each pushed to its next refresh so
that another worker does not fetch it too), the fetch and the read (no transaction), and
`keep_outcome` (one transaction: the new shifts replace the old ones whole, or the failure is
recorded and the last good copy stays in use).

A reading that puts nobody on call in the coming week, where the copy in use has someone, is
kept aside as suspect until a person confirms it (`confirm_suspect`): a feed emptied by a
mistake in the other tool must not leave the escalation policy with nobody to page.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from dutydesk.audit.service import record
from dutydesk.errors import Conflict, NotFound
from dutydesk.external_rotas.feed import (
    DAYS_BACK,
    FeedReading,
    FeedRefused,
    FeedShift,
    MatchBy,
    MatchRule,
    TeamPerson,
    default_window,
    read_feed,
)
from dutydesk.external_rotas.fetch import FeedFetched, FeedFetchFailed, FeedNotModified
from dutydesk.external_rotas.models import (
    PERSON_ID_LENGTH,
    UID_LENGTH,
    ExternalContact,
    ExternalRota,
    ExternalShift,
)
from dutydesk.people.models import Person
from dutydesk.team.models import Team
from dutydesk.team.service import get_team
from dutydesk.timeparse import parse_zone

# How many rotas one pass claims: each fetch may take up to the fetch's total timeout.
CLAIMED_PER_PASS = 10
# The kept copy is read again when the window has moved on this much since it was read.
WINDOW_STEP = timedelta(days=1)
# A reading with nobody on call in this much time ahead is suspect (when the copy in use has
# someone).
SUSPECT_AHEAD = timedelta(days=7)
# Contacts: the prefix that keeps their ids apart from the team's people (whose ids are slugs).
CONTACT_PREFIX = "ext:"
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Claimed:
    """A rota whose feed is to be fetched (`fetch`) or only read again from the kept copy."""

    rota_id: str
    url: str
    etag: str | None
    last_modified: str | None
    source: str  # source_digest of the URL and match rule when claimed
    rule: MatchRule
    fetch: bool
    # The stored shifts were read at another revision, window or source: with nothing new
    # fetched (304), the kept copy is read again.
    read_again: bool


@dataclass(frozen=True)
class TeamFacts:
    """What reading a feed needs of the team, read in the claim's transaction."""

    zone: ZoneInfo
    revision: str
    people: tuple[TeamPerson, ...]


@dataclass(frozen=True)
class Outcome:
    """What a refresh came to: a new reading (from a fetch or from the kept copy), the kept
    copy still current (304, nothing to read again), or a failure with its reason and message.
    """

    reading: FeedReading | None = None
    body: bytes | None = None  # the fetched bytes behind `reading` (None: read from the copy)
    etag: str | None = None
    last_modified: str | None = None
    failure_reason: str | None = None
    failure_message: str | None = None
    window_start: datetime | None = None


def source_digest(url: str, match: dict[str, object]) -> str:
    """What the stored shifts were read from: the URL and the match rule, as one digest."""
    text = json.dumps([url, match], sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()


def match_rule(match: dict[str, object]) -> MatchRule:
    """The stored match rule as feed.py reads it."""
    people = match.get("people") or {}
    pattern = match.get("pattern")
    return MatchRule(
        MatchBy(str(match.get("by", MatchBy.EMAIL))),
        str(pattern) if pattern is not None else None,
        {str(name): str(person) for name, person in dict(people).items()},  # type: ignore[call-overload]
    )


def contact_id(name: str, email: str | None) -> str:
    """An external contact's id: `ext:` and their e-mail, or their name when they have none."""
    key = email.lower() if email else _SPACES.sub("-", name.strip().lower())
    return (CONTACT_PREFIX + key)[:PERSON_ID_LENGTH]


def team_facts(session: Session, team: Team) -> TeamFacts:
    """The team's zone, revision and people as the matching sees them."""
    people = tuple(
        TeamPerson(person_id, name, (email,) if email else ())
        for person_id, name, email in session.execute(
            select(Person.id, Person.name, Person.email).order_by(Person.position, Person.id)
        )
    )
    return TeamFacts(parse_zone(team.timezone), team.revision, people)


def anything_due(session: Session, now: datetime) -> bool:
    """Whether a refresh would claim anything now (one read of a tiny table)."""
    revision = select(Team.revision).scalar_subquery()
    found = session.scalar(select(ExternalRota.rota_id).where(_due(revision, now)).limit(1))
    return found is not None


def _due(revision: Any, now: datetime) -> ColumnElement[bool]:
    return or_(
        ExternalRota.next_fetch_at <= now,
        ExternalRota.read_revision != revision,
        ExternalRota.read_window_start <= now - timedelta(days=DAYS_BACK) - WINDOW_STEP,
    )


def claim_due(
    session: Session, now: datetime, *, only: str | None = None
) -> tuple[list[Claimed], TeamFacts | None]:
    """The rotas to refresh now, each pushed to its next refresh; the caller commits.

    Due: its time has come (`next_fetch_at`). Read again without a fetch: the team's people
    changed since its shifts were read (another revision), or the window moved on a day.
    With `only`, that rota is fetched now whenever it is due (NotFound if it is not external).
    """
    team = get_team(session)
    query = select(ExternalRota)
    if only is not None:
        query = query.where(ExternalRota.rota_id == only)
        if session.scalar(query) is None:
            raise NotFound(f"{only!r} is not an external rota")
        session.execute(
            update(ExternalRota).where(ExternalRota.rota_id == only).values(next_fetch_at=now)
        )
    else:
        query = query.where(_due(team.revision, now))
    rows = session.scalars(
        query.order_by(ExternalRota.next_fetch_at)
        .limit(CLAIMED_PER_PASS)
        .with_for_update(skip_locked=True)
        .execution_options(populate_existing=True)
    ).all()
    claimed = []
    for row in rows:
        source = source_digest(row.url, row.match)
        read_again = (
            row.read_source != source
            or row.read_revision != team.revision
            or row.read_window_start is None
            or row.read_window_start <= default_window(now)[0] - WINDOW_STEP
        )
        fetch = row.next_fetch_at <= now
        if fetch:
            row.next_fetch_at = now + timedelta(seconds=row.refresh_seconds)
        else:
            # Only read again: mark it read at this revision and window now, so that the next
            # pass does not claim it too while this one reads (keep_outcome sets them again).
            row.read_revision = team.revision
            row.read_window_start = default_window(now)[0]
        claimed.append(
            Claimed(
                row.rota_id,
                row.url,
                row.etag,
                row.last_modified,
                source,
                match_rule(row.match),
                fetch,
                read_again,
            )
        )
    return claimed, (team_facts(session, team) if claimed else None)


def read_fetched(
    fetched: FeedFetched | FeedNotModified | FeedFetchFailed | None,
    kept: bytes | None,
    claimed: Claimed,
    team: TeamFacts,
    now: datetime,
) -> Outcome:
    """Read what the fetch brought (or, with nothing new, the kept copy again); no database.

    `fetched` is None when the rota was claimed only to be read again.
    """
    if isinstance(fetched, FeedFetchFailed):
        return Outcome(failure_reason=fetched.reason.value, failure_message=fetched.message)
    body, etag, last_modified = kept, claimed.etag, claimed.last_modified
    if isinstance(fetched, FeedFetched):
        body, etag, last_modified = fetched.body, fetched.etag, fetched.last_modified
    elif isinstance(fetched, FeedNotModified):
        etag, last_modified = fetched.etag, fetched.last_modified
    if body is None:
        return Outcome(etag=etag, last_modified=last_modified)
    window_start, window_end = default_window(now)
    try:
        reading = read_feed(
            body,
            window_start=window_start,
            window_end=window_end,
            zone=team.zone,
            rule=claimed.rule,
            people=team.people,
        )
    except FeedRefused as refused:
        return Outcome(failure_reason=refused.reason.value, failure_message=refused.message)
    return Outcome(
        reading=reading,
        body=fetched.body if isinstance(fetched, FeedFetched) else None,
        etag=etag,
        last_modified=last_modified,
        window_start=window_start,
    )


def keep_outcome(
    session: Session, claimed: Claimed, team: TeamFacts, outcome: Outcome, now: datetime
) -> str:
    """Record the outcome in one transaction (the caller commits); returns what it came to:
    `changed`, `unchanged`, `suspect`, `failed` or `skipped` (the source changed meanwhile)."""
    row = session.scalar(
        select(ExternalRota).where(ExternalRota.rota_id == claimed.rota_id).with_for_update()
    )
    if row is None or source_digest(row.url, row.match) != claimed.source:
        return "skipped"  # removed, or another source applied: the next pass reads that
    if claimed.fetch:
        row.last_attempt_at = now
    if outcome.failure_reason is not None:
        row.failure_reason = outcome.failure_reason
        row.failure_message = outcome.failure_message
        row.failing_since = row.failing_since or now
        return "failed"
    if claimed.fetch:
        row.last_success_at = now
        row.failure_reason = row.failure_message = row.failing_since = None
        row.stale_told_at = None
    reading = outcome.reading
    if reading is not None and outcome.body is not None and _suspect(session, row, reading, now):
        # The kept copy's validators stay, so the next fetch asks for the feed whole again.
        if row.suspect_since is None:
            row.suspect_since = now
        row.suspect_feed = outcome.body
        row.suspect_etag, row.suspect_last_modified = outcome.etag, outcome.last_modified
        return "suspect"
    row.etag, row.last_modified = outcome.etag, outcome.last_modified
    if reading is None:
        return "unchanged"
    if outcome.body is not None:
        row.feed = outcome.body
        row.suspect_feed = row.suspect_since = None
        row.suspect_etag = row.suspect_last_modified = None
    return _store(session, row, claimed.source, team.revision, reading, outcome, now)


def confirm_suspect(
    session: Session, rota_id: str, team: TeamFacts, actor: str, now: datetime
) -> str:
    """A person confirms the suspect reading: it replaces the copy in use; audited."""
    row = session.scalar(
        select(ExternalRota).where(ExternalRota.rota_id == rota_id).with_for_update()
    )
    if row is None:
        raise NotFound(f"no external rota {rota_id!r}")
    body = row.suspect_feed
    if body is None:
        raise Conflict(f"the feed of {rota_id!r} has nothing waiting to be confirmed")
    window_start, window_end = default_window(now)
    reading = read_feed(
        body,
        window_start=window_start,
        window_end=window_end,
        zone=team.zone,
        rule=match_rule(row.match),
        people=team.people,
    )
    etag, last_modified = row.suspect_etag, row.suspect_last_modified
    row.feed, row.etag, row.last_modified = body, etag, last_modified
    row.suspect_feed = row.suspect_since = None
    row.suspect_etag = row.suspect_last_modified = None
    outcome = Outcome(reading=reading, body=body, window_start=window_start)
    result = _store(
        session, row, source_digest(row.url, row.match), team.revision, reading, outcome, now
    )
    record(
        session,
        actor=actor,
        action="external-rota.confirm",
        rota_id=rota_id,
        person_ids=[],
        summary=f"confirmed the feed's new copy of {rota_id} ({len(reading.shifts)} shifts)",
        details={"shifts": len(reading.shifts)},
        now=now,
    )
    return result


def _suspect(session: Session, row: ExternalRota, reading: FeedReading, now: datetime) -> bool:
    """Nobody on call in the coming week by the new reading, and someone by the copy in use."""
    week_end = now + SUSPECT_AHEAD
    if any(shift.start_at < week_end and shift.end_at > now for shift in reading.shifts):
        return False
    someone = session.scalar(
        select(ExternalShift.id)
        .where(
            ExternalShift.rota_id == row.rota_id,
            ExternalShift.start_at < week_end,
            ExternalShift.end_at > now,
        )
        .limit(1)
    )
    return someone is not None


def _store(
    session: Session,
    row: ExternalRota,
    source: str,
    revision: str,
    reading: FeedReading,
    outcome: Outcome,
    now: datetime,
) -> str:
    """Replace the rota's shifts and contacts with the reading's; `changed` or `unchanged`."""
    shifts = [_shift_row(row.rota_id, shift) for shift in reading.shifts]
    digest = _shifts_digest(shifts)
    row.read_source, row.read_revision = source, revision
    row.read_window_start = outcome.window_start
    row.events_read = reading.events_read
    if digest == row.shifts_digest:
        return "unchanged"
    row.shifts_digest = digest
    row.last_changed_at = now
    session.execute(delete(ExternalShift).where(ExternalShift.rota_id == row.rota_id))
    session.execute(delete(ExternalContact).where(ExternalContact.rota_id == row.rota_id))
    if shifts:
        session.execute(insert(ExternalShift), shifts)
    contacts = _contact_rows(row.rota_id, reading.shifts)
    if contacts:
        session.execute(insert(ExternalContact), contacts)
    # Every process's compiled rotas are keyed on it: the next question reads the new shifts.
    team = get_team(session)
    team.feeds_revision = secrets.token_hex(16)
    return "changed"


def _shift_row(rota_id: str, shift: FeedShift) -> dict[str, object]:
    if shift.person_id is not None:
        person_id = shift.person_id
    else:
        assert shift.contact is not None, "a shift names a person or a contact"
        person_id = contact_id(shift.contact.name, shift.contact.email)
    return {
        "rota_id": rota_id,
        "start_at": shift.start_at,
        "end_at": shift.end_at,
        "person_id": person_id,
        "event_uid": shift.event_uid[:UID_LENGTH],
    }


def _contact_rows(rota_id: str, shifts: Sequence[FeedShift]) -> list[dict[str, object]]:
    contacts: dict[str, dict[str, object]] = {}
    for shift in shifts:
        if shift.contact is None:
            continue
        contact = shift.contact
        key = contact_id(contact.name, contact.email)
        contacts.setdefault(
            key,
            {
                "rota_id": rota_id,
                "id": key,
                "name": contact.name[:200] or key,
                "email": contact.email[:320] if contact.email else None,
            },
        )
    return list(contacts.values())


def _shifts_digest(shifts: Sequence[dict[str, object]]) -> str:
    text = "\n".join(
        f"{shift['start_at']}|{shift['end_at']}|{shift['person_id']}|{shift['event_uid']}"
        for shift in shifts
    )
    return hashlib.sha256(text.encode()).hexdigest()
