"""Saving the incident document without losing anyone's words.

A save names the version it was edited from. When that is still the latest, the text becomes
the next version. When someone else saved in between, nothing is saved: the editor gets both
texts back (theirs as saved, and their own as typed) to bring together and save again. Every
version ever saved is kept.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.errors import Conflict, Invalid
from dutydesk.incidents.models import (
    DOCUMENT_LENGTH,
    Incident,
    IncidentDocumentVersion,
)
from dutydesk.text import storable


class DocumentConflict(Conflict):
    """Someone saved the document after the version this edit started from."""

    def __init__(self, incident: Incident, base_version: int) -> None:
        super().__init__(
            f"document: {incident.document_saved_by} saved version {incident.document_version}"
            f" after you started from version {base_version}; nothing of yours was saved yet:"
            " bring both together and save again"
        )
        self.current_version = incident.document_version
        self.current_text = incident.document
        self.saved_by = incident.document_saved_by
        self.saved_at = incident.document_saved_at


@dataclass(frozen=True)
class Saved:
    version: int
    changed: bool


def keep_version(session: Session, incident: Incident) -> None:
    """Record the document as it is now under its version number."""
    session.add(
        IncidentDocumentVersion(
            incident_id=incident.id,
            version=incident.document_version,
            text=incident.document,
            saved_by=incident.document_saved_by,
            saved_at=incident.document_saved_at,
        )
    )


def save_document(
    session: Session,
    incident: Incident,
    text: str,
    *,
    base_version: int,
    actor: str,
    now: datetime,
) -> Saved:
    """Save `text` as the next version if `base_version` is still the latest; else
    DocumentConflict with the latest text. Call with the incident locked."""
    body = storable(text).replace("\r\n", "\n")
    if len(body) > DOCUMENT_LENGTH:
        raise Invalid(f"document: at most {DOCUMENT_LENGTH} characters")
    if base_version != incident.document_version:
        if body == incident.document:  # both made the same change: nothing to bring together
            return Saved(incident.document_version, False)
        raise DocumentConflict(incident, base_version)
    if body == incident.document:
        return Saved(incident.document_version, False)
    incident.document = body
    incident.document_version += 1
    incident.document_saved_at = now
    incident.document_saved_by = actor
    incident.updated_at = now
    keep_version(session, incident)
    session.flush()
    return Saved(incident.document_version, True)


def versions(session: Session, incident_id: int) -> Sequence[IncidentDocumentVersion]:
    """Every saved version, newest first."""
    return session.scalars(
        select(IncidentDocumentVersion)
        .where(IncidentDocumentVersion.incident_id == incident_id)
        .order_by(IncidentDocumentVersion.version.desc())
    ).all()
