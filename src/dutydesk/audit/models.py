"""The audit log: who changed what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime


class AuditEntry(Base):
    """One change: who made it, what it was, when, and the rota it touched.

    Rota and person ids are plain strings, not foreign keys: the log outlives what it describes
    (a removed rota's history stays readable). `subject` names the one thing of a domain an
    entry is about ("ticket:12"), so that thing's history is one index search.
    """

    __tablename__ = "audit_entries"
    __table_args__ = (Index("ix_audit_entries_subject_at", "subject", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    actor: Mapped[str] = mapped_column(String(120))
    action: Mapped[str] = mapped_column(String(64))
    rota_id: Mapped[str | None] = mapped_column(String(64), index=True)
    subject: Mapped[str | None] = mapped_column(String(80))
    summary: Mapped[str] = mapped_column(String(500))
    details: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditPerson(Base):
    """A person an entry concerns; a table of its own so "everything about bob" is one index."""

    __tablename__ = "audit_people"

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("audit_entries.id", ondelete="CASCADE"), primary_key=True
    )
    person_id: Mapped[str] = mapped_column(String(64), primary_key=True, index=True)
