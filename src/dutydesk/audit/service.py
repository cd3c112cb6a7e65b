"""The audit log: record a change in the caller's transaction, and list what was recorded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.audit.models import AuditEntry, AuditPerson
from dutydesk.errors import Invalid

DEFAULT_LIMIT = 100
LARGEST_LIMIT = 1000
SUMMARY_LENGTH = 500


@dataclass(frozen=True)
class AuditRecord:
    """An entry with the people it concerns."""

    entry: AuditEntry
    person_ids: list[str]


def record(
    session: Session,
    *,
    actor: str,
    action: str,
    rota_id: str | None,
    person_ids: list[str],
    summary: str,
    details: dict[str, Any],
    now: datetime,
    subject: str | None = None,
) -> AuditEntry:
    """Add an entry to the log; it is committed (or rolled back) with the change it describes.
    `subject` names the one thing it is about, as `subject_history` finds it ("ticket:12")."""
    entry = AuditEntry(
        at=now,
        actor=actor,
        action=action,
        rota_id=rota_id,
        subject=subject,
        # A summary is for people; cut rather than fail the change it describes.
        summary=summary[:SUMMARY_LENGTH],
        details=details,
    )
    session.add(entry)
    if person_ids:  # they need the entry's id; else it is written with the change it describes
        session.flush()
        for person_id in dict.fromkeys(person_ids):  # unique, in the order given
            session.add(AuditPerson(entry_id=entry.id, person_id=person_id))
        session.flush()
    return entry


def list_entries(
    session: Session,
    *,
    rota_id: str | None = None,
    person_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = DEFAULT_LIMIT,
) -> list[AuditRecord]:
    """Entries newest first; optionally one rota's, one person's, or those in [since, until)."""
    if not 1 <= limit <= LARGEST_LIMIT:
        raise Invalid(f"limit: must be between 1 and {LARGEST_LIMIT}")
    if since is not None and until is not None and until <= since:
        raise Invalid(f"'since' ({since.isoformat()}) must be before 'until' ({until.isoformat()})")
    query = select(AuditEntry)
    if rota_id is not None:
        query = query.where(AuditEntry.rota_id == rota_id)
    if person_id is not None:
        query = query.where(
            AuditEntry.id.in_(
                select(AuditPerson.entry_id).where(AuditPerson.person_id == person_id)
            )
        )
    if since is not None:
        query = query.where(AuditEntry.at >= since)
    if until is not None:
        query = query.where(AuditEntry.at < until)
    entries = session.scalars(
        query.order_by(AuditEntry.at.desc(), AuditEntry.id.desc()).limit(limit)
    ).all()
    return _with_people(session, entries)


def subject_history(
    session: Session, subject: str, *, limit: int = DEFAULT_LIMIT
) -> list[AuditRecord]:
    """The entries about one thing ("ticket:12"), newest first: one index search."""
    if not 1 <= limit <= LARGEST_LIMIT:
        raise Invalid(f"limit: must be between 1 and {LARGEST_LIMIT}")
    entries = session.scalars(
        select(AuditEntry)
        .where(AuditEntry.subject == subject)
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(limit)
    ).all()
    return _with_people(session, entries)


def _with_people(session: Session, entries: Sequence[AuditEntry]) -> list[AuditRecord]:
    """Attach each entry's people with one query for the whole page."""
    people: dict[int, list[str]] = {entry.id: [] for entry in entries}
    if people:
        rows = session.execute(
            select(AuditPerson.entry_id, AuditPerson.person_id).where(
                AuditPerson.entry_id.in_(people)
            )
        )
        for entry_id, person_id in rows:
            people[entry_id].append(person_id)
    return [AuditRecord(entry, sorted(people[entry.id])) for entry in entries]


def logged_rota_ids(session: Session) -> list[str]:
    """Every rota id the log mentions, including rotas since removed."""
    found = session.scalars(select(AuditEntry.rota_id).distinct()).all()
    return sorted(rota_id for rota_id in found if rota_id is not None)


def logged_person_ids(session: Session) -> list[str]:
    """Every person id the log mentions, including people since removed."""
    return sorted(session.scalars(select(AuditPerson.person_id).distinct()).all())
