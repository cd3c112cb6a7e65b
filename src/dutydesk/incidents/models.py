"""Incidents: their roles over time, participants, the incident document and its versions, the
timeline (with each entry's edits), the alerts and tickets linked to them, and the reminders
their cadence owes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime

TITLE_LENGTH = 300
ACTOR_LENGTH = 200
# A timeline entry is a line or a paragraph; a pasted log belongs in the document.
ENTRY_LENGTH = 10_000
# The incident document: long enough for a day's detailed status, not a dumping ground.
DOCUMENT_LENGTH = 200_000

PRIORITIES = ("P1", "P2", "P3", "P4")
ACTIVE, MITIGATED, RESOLVED, REVIEWED = "active", "mitigated", "resolved", "reviewed"
STATUSES = (ACTIVE, MITIGATED, RESOLVED, REVIEWED)
# Open: the cadence runs and the roles are on duty.
OPEN_STATUSES = (ACTIVE, MITIGATED)
SOURCES = ("web", "api", "cli", "slack", "alert", "ticket")

LEAD, COMMS, ESCALATION = "lead", "comms", "escalation"
ROLES = (LEAD, COMMS, ESCALATION)
ROLE_NAMES = {LEAD: "Incident lead", COMMS: "Comms lead", ESCALATION: "Escalation contact"}


class Incident(Base):
    """An incident: `id` is the number people quote ("incident 12")."""

    __tablename__ = "incidents"
    __table_args__ = (
        # The list's open incidents first, newest first.
        Index("ix_incidents_status_declared_at", "status", "declared_at"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    title: Mapped[str] = mapped_column(String(TITLE_LENGTH))
    priority: Mapped[str] = mapped_column(String(2))
    status: Mapped[str] = mapped_column(String(16))
    source: Mapped[str] = mapped_column(String(16))
    declared_at: Mapped[datetime] = mapped_column(UTCDateTime())
    declared_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    mitigated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reviewed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # When the review is owed: 10 support days after it was resolved.
    review_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The last update published to tenants (None: none yet; the cadence counts from the
    # declaration), and the last check on the engineer answered.
    last_update_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_check_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # The incident document as last saved, and its version: a save names the version it was
    # edited from, so two people editing never overwrite each other unseen.
    document: Mapped[str] = mapped_column(Text)
    document_version: Mapped[int] = mapped_column(Integer, default=1)
    document_saved_at: Mapped[datetime] = mapped_column(UTCDateTime())
    document_saved_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    # Moves on with every change to the timeline (an entry added, changed or pinned): the
    # incident page keeps the timeline it rendered until it does (timeline_view.py).
    timeline_version: Mapped[int] = mapped_column(Integer, default=0)


class IncidentDocumentVersion(Base):
    """Every saved version of an incident's document: nothing anyone wrote is lost."""

    __tablename__ = "incident_document_versions"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    text: Mapped[str] = mapped_column(Text)
    saved_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    saved_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IncidentRole(Base):
    """Who held a role of an incident, from when until when (None: still)."""

    __tablename__ = "incident_roles"
    __table_args__ = (Index("ix_incident_roles_incident_id_role", "incident_id", "role"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(16))
    person_id: Mapped[str | None] = mapped_column(
        ForeignKey("people.id", ondelete="SET NULL"), index=True
    )
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # How they came to hold it: "comms rota", "handed over by alice" …
    reason: Mapped[str] = mapped_column(String(300))


class IncidentParticipant(Base):
    """Someone who joined an incident to help: told of its changes."""

    __tablename__ = "incident_participants"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(
        ForeignKey("people.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    joined_at: Mapped[datetime] = mapped_column(UTCDateTime())


class TimelineEntry(Base):
    """One thing that happened in an incident, at the time it happened (`occurred_at`), which
    for a backfilled entry is earlier than when it was written down (`recorded_at`)."""

    __tablename__ = "incident_timeline"
    __table_args__ = (
        # The timeline in the order things happened.
        Index("ix_incident_timeline_incident_id_occurred_at", "incident_id", "occurred_at", "id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    incident_id: Mapped[int] = mapped_column(ForeignKey("incidents.id", ondelete="CASCADE"))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # "note" for what people write; the automatic ones name what happened (timeline.py).
    kind: Mapped[str] = mapped_column(String(16))
    text: Mapped[str] = mapped_column(Text)
    author: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    pinned: Mapped[bool] = mapped_column(Boolean, default=False)
    edited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # What it refers to, for automatic entries ({"alert": 12}, {"role": "comms", …}).
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class TimelineEdit(Base):
    """An entry as it was before an edit: editing keeps the history."""

    __tablename__ = "incident_timeline_edits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entry_id: Mapped[int] = mapped_column(
        ForeignKey("incident_timeline.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime())
    edited_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    edited_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IncidentAlert(Base):
    """An alert attached to an incident."""

    __tablename__ = "incident_alerts"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    alert_id: Mapped[int] = mapped_column(
        ForeignKey("alerts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IncidentTicket(Base):
    """A tenant ticket attached to an incident: its tenant is told when the incident ends."""

    __tablename__ = "incident_tickets"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    ticket_id: Mapped[int] = mapped_column(
        ForeignKey("tickets.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_at: Mapped[datetime] = mapped_column(UTCDateTime())


class IncidentReminder(Base):
    """The next reminder of one kind an incident's cadence owes, and when (cadence.py). The
    worker claims the due ones; sending one and moving it on is one transaction."""

    __tablename__ = "incident_reminders"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class IncidentSettings(Base):
    """The team file's `incidents:` as applied (one row, id "settings"); none: the defaults."""

    __tablename__ = "incident_settings"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)


class SlackCommandRequest(Base):
    """A Slack slash-command request already taken (by its signature), remembered past the
    5 minutes its timestamp is good for: a replayed request is refused."""

    __tablename__ = "slack_command_requests"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class IncidentReview(Base):
    """The review of a resolved incident, as it was held: its sections (the template's) and
    the timeline as it stood, imported when the review was written."""

    __tablename__ = "incident_reviews"

    incident_id: Mapped[int] = mapped_column(
        ForeignKey("incidents.id", ondelete="CASCADE"), primary_key=True
    )
    what_happened: Mapped[str] = mapped_column(Text)
    impact: Mapped[str] = mapped_column(Text)
    went_well: Mapped[str] = mapped_column(Text)
    went_badly: Mapped[str] = mapped_column(Text)
    timeline: Mapped[str] = mapped_column(Text)
    held_by: Mapped[str] = mapped_column(String(ACTOR_LENGTH))
    held_at: Mapped[datetime] = mapped_column(UTCDateTime())
