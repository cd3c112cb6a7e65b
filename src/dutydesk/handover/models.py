"""Handover reports, the team file's `handover:`, and the indexes the reports' period queries
need on other domains' tables.

A report row is made when the meeting's invitation goes out (ahead of the handoff) and filled
with its figures at the handoff; its figures are stored as JSON, so a past report stays as it
was when it was made, whatever happens to the rows it counted.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.alerts.models import Alert
from dutydesk.db import Base, UTCDateTime
from dutydesk.incidents.models import Incident
from dutydesk.tasks.models import Task
from dutydesk.tickets.models import Ticket

NOTES_LENGTH = 20_000
ACTOR_LENGTH = 200


class Handover(Base):
    """One handoff of the support rota: its meeting and, once the handoff has come, the report
    of the week it ends. `handoff_at` is unique: two workers cannot make two of one handoff."""

    __tablename__ = "handovers"
    __table_args__ = (UniqueConstraint("handoff_at", name="uq_handovers_handoff_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rota_id: Mapped[str] = mapped_column(String(64))
    handoff_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The week the report covers: [period_start_at, handoff_at).
    period_start_at: Mapped[datetime] = mapped_column(UTCDateTime())
    outgoing_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    incoming_id: Mapped[str | None] = mapped_column(ForeignKey("people.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # Set when the report is made (at the handoff); `report` holds its figures from then on.
    made_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    report: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    notes: Mapped[str] = mapped_column(Text, default="")
    notes_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    notes_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    acknowledged_by: Mapped[str | None] = mapped_column(String(ACTOR_LENGTH))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class HandoverSettings(Base):
    """The team file's `handover:` as validated JSON, and since when it has been there: only
    handoffs after that get a report from the worker (not the team's whole history)."""

    __tablename__ = "handover_settings"

    id: Mapped[str] = mapped_column(String(16), primary_key=True)
    definition: Mapped[dict[str, Any]] = mapped_column(JSON)
    since_at: Mapped[datetime] = mapped_column(UTCDateTime())


# The period queries of a report, each reading a week of a year's rows through an index
# (tests/handover/test_query_plans.py). They are declared here, by the domain whose queries
# need them; the tables' own domains never read by these columns.
Index("ix_alerts_created_at_service_id", Alert.created_at, Alert.service_id)
Index("ix_tickets_solved_at", Ticket.solved_at)
Index("ix_incidents_resolved_at", Incident.resolved_at)
# A done task by when: the status first, so that SQLite, choosing by the equality, still
# reads the week alone.
Index("ix_tasks_status_completed_at", Task.status, Task.completed_at)
