"""An incident's timeline: what happened and when, in the order it happened.

Entries are written automatically for what Dutydesk sees (the declaration, role, status and
priority changes, linked alerts and tickets, updates to tenants, checks on the engineer) and
by people, who give the time it happened so the comms lead can backfill. Editing an entry
keeps what it said before (`incident_timeline_edits`); an entry can be pinned to the top of
the page.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.db import in_chunks
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.incidents.models import ENTRY_LENGTH, Incident, TimelineEdit, TimelineEntry
from dutydesk.text import storable

NOTE = "note"
# How far ahead of now an entry may say it happened: a clock a little fast, not the future.
_LEEWAY_SECONDS = 300


def automatic(
    session: Session,
    incident: Incident,
    kind: str,
    text: str,
    now: datetime,
    details: dict[str, Any] | None = None,
    *,
    author: str = "dutydesk",
) -> TimelineEntry:
    """An entry Dutydesk writes for something it saw happen at `now`."""
    changed(incident)
    entry = TimelineEntry(
        incident_id=incident.id,
        occurred_at=now,
        recorded_at=now,
        kind=kind,
        text=text[:ENTRY_LENGTH],
        author=author,
        pinned=False,
        details=details or {},
    )
    session.add(entry)
    return entry


def add_entry(
    session: Session,
    incident: Incident,
    text: str,
    *,
    occurred_at: datetime,
    actor: str,
    now: datetime,
) -> TimelineEntry:
    """A person's entry about something that happened at `occurred_at` (now, or earlier)."""
    body = _text(text)
    _check_when(incident, occurred_at, now)
    changed(incident)
    entry = TimelineEntry(
        incident_id=incident.id,
        occurred_at=occurred_at,
        recorded_at=now,
        kind=NOTE,
        text=body,
        author=actor,
        pinned=False,
        details={},
    )
    session.add(entry)
    session.flush()
    return entry


def get_entry(session: Session, incident_id: int, entry_id: int) -> TimelineEntry:
    entry = session.get(TimelineEntry, entry_id) if 1 <= entry_id <= 2_147_483_647 else None
    if entry is None or entry.incident_id != incident_id:
        raise NotFound(f"incident {incident_id} has no timeline entry {entry_id}")
    return entry


def edit_entry(
    session: Session,
    incident: Incident,
    entry: TimelineEntry,
    *,
    text: str | None,
    occurred_at: datetime | None,
    actor: str,
    now: datetime,
) -> TimelineEntry:
    """Change an entry's words or time; what it said before is kept. Only people's entries
    change: what Dutydesk recorded stands (a person adds an entry to correct it)."""
    if entry.kind != NOTE:
        raise Conflict(
            f"entry {entry.id} was recorded by Dutydesk and stays as it is: add an entry to"
            " correct or explain it"
        )
    body = entry.text if text is None else _text(text)
    when = entry.occurred_at if occurred_at is None else occurred_at
    _check_when(incident, when, now)
    if body == entry.text and when == entry.occurred_at:
        return entry
    session.add(
        TimelineEdit(
            entry_id=entry.id,
            text=entry.text,
            occurred_at=entry.occurred_at,
            edited_by=actor,
            edited_at=now,
        )
    )
    entry.text, entry.occurred_at, entry.edited_at = body, when, now
    changed(incident)
    session.flush()
    return entry


def pin_entry(incident: Incident, entry: TimelineEntry, pinned: bool) -> None:
    if entry.pinned != pinned:
        entry.pinned = pinned
        changed(incident)


def changed(incident: Incident) -> None:
    """The timeline changed: what was rendered of it is out of date."""
    incident.timeline_version = (incident.timeline_version or 0) + 1


@dataclass(frozen=True, slots=True)
class Entry:
    """A timeline entry as it is shown and exported (read without its details, and without
    the ORM's bookkeeping: a long incident has thousands)."""

    id: int
    occurred_at: datetime
    recorded_at: datetime
    kind: str
    text: str
    author: str
    pinned: bool
    edited_at: datetime | None


_ENTRY_COLUMNS = (
    TimelineEntry.id,
    TimelineEntry.occurred_at,
    TimelineEntry.recorded_at,
    TimelineEntry.kind,
    TimelineEntry.text,
    TimelineEntry.author,
    TimelineEntry.pinned,
    TimelineEntry.edited_at,
)


def stamps(
    session: Session, incident_id: int
) -> list[tuple[int, tuple[datetime, bool, datetime | None]]]:
    """Each entry's id with when it happened, whether it is pinned and when it was last
    edited, in the timeline's order: what tells a rendering of it out of date."""
    found = session.execute(
        select(
            TimelineEntry.id,
            TimelineEntry.occurred_at,
            TimelineEntry.pinned,
            TimelineEntry.edited_at,
        )
        .where(TimelineEntry.incident_id == incident_id)
        .order_by(TimelineEntry.occurred_at, TimelineEntry.id)
    )
    return [(entry_id, (occurred, pinned, edited)) for entry_id, occurred, pinned, edited in found]


def entries_by_id(session: Session, incident_id: int, entry_ids: Sequence[int]) -> list[Entry]:
    """Some of the incident's entries, in no particular order."""
    found: list[Entry] = []
    for chunk in in_chunks(list(entry_ids)):
        rows = session.execute(
            select(*_ENTRY_COLUMNS).where(
                TimelineEntry.incident_id == incident_id, TimelineEntry.id.in_(chunk)
            )
        )
        found += [Entry(*row) for row in rows]
    return found


def entries(session: Session, incident_id: int, *, pinned_only: bool = False) -> list[Entry]:
    """The timeline in the order things happened (then the order they were written down)."""
    query = select(*_ENTRY_COLUMNS).where(TimelineEntry.incident_id == incident_id)
    if pinned_only:
        query = query.where(TimelineEntry.pinned.is_(True))
    found = session.execute(query.order_by(TimelineEntry.occurred_at, TimelineEntry.id))
    return [Entry(*row) for row in found]


def edits_of(session: Session, entry_ids: Sequence[int]) -> dict[int, list[TimelineEdit]]:
    """Each edited entry's earlier versions, oldest first."""
    found: dict[int, list[TimelineEdit]] = {}
    if not entry_ids:
        return found
    for edit in session.scalars(
        select(TimelineEdit)
        .where(TimelineEdit.entry_id.in_(list(entry_ids)))
        .order_by(TimelineEdit.edited_at, TimelineEdit.id)
    ):
        found.setdefault(edit.entry_id, []).append(edit)
    return found


def _text(text: str) -> str:
    body = storable(text).replace("\r\n", "\n").strip()
    if not body:
        raise Invalid("text: say what happened")
    if len(body) > ENTRY_LENGTH:
        raise Invalid(f"text: at most {ENTRY_LENGTH} characters")
    return body


def _check_when(incident: Incident, occurred_at: datetime, now: datetime) -> None:
    if (occurred_at - now).total_seconds() > _LEEWAY_SECONDS:
        raise Invalid("occurred_at: that is in the future; give when it happened")
    if (incident.declared_at - occurred_at).days > 30:
        raise Invalid("occurred_at: more than 30 days before the incident was declared")
