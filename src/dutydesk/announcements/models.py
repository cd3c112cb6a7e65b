"""How far each rota's handoffs and shift reminders have been announced."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from dutydesk.db import Base, UTCDateTime


class HandoffCursor(Base):
    """A rota's progress: every handoff before `announced_until` has been announced.

    The worker moves the cursor forward in the same transaction that queues the messages, so a
    handoff is announced once whatever happens to the worker.
    """

    __tablename__ = "handoff_cursors"

    rota_id: Mapped[str] = mapped_column(
        ForeignKey("rotas.id", ondelete="CASCADE"), primary_key=True
    )
    announced_until: Mapped[datetime] = mapped_column(UTCDateTime())
    # Who was on call at `announced_until` (None: nobody), to tell handoffs apart.
    person_id: Mapped[str | None] = mapped_column(String(64))
