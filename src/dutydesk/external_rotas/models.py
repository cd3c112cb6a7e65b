"""External rotas: where each one's feed comes from and how it is read, the state of its
refreshes, and the shifts and contacts of its last good copy.

The shifts are the rotas layer's because the on-call maths reads them (rotas/plans.py); the
worker cycle that fetches and stores them is `external_rotas`'.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Index, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, deferred, mapped_column

from dutydesk.db import Base, UTCDateTime

# A team member's id or an external contact's ("ext:" and an e-mail or a name).
PERSON_ID_LENGTH = 320
VALIDATOR_LENGTH = 512
UID_LENGTH = 255


class ExternalRota(Base):
    """An external rota's source (the team file's `external:`) and where its refreshes stand.

    `url` is a secret: it is shown only through `external_rotas.feed_url.redacted`. The last good
    copy's bytes are kept (`feed`) so that the shifts are read again, without a fetch, when the
    window moves on or the team's people change; a feed that suddenly puts nobody on call is
    kept aside (`suspect_feed`) until someone confirms it.
    """

    __tablename__ = "external_rotas"

    rota_id: Mapped[str] = mapped_column(
        ForeignKey("rotas.id", ondelete="CASCADE"), primary_key=True
    )
    url: Mapped[str] = mapped_column(Text)
    refresh_seconds: Mapped[int] = mapped_column(Integer)
    stale_after_seconds: Mapped[int] = mapped_column(Integer)
    # The match rule as the team file writes it: by, pattern, people.
    match: Mapped[dict[str, Any]] = mapped_column(JSON)
    # When the worker next fetches the feed; an apply that changes the source sets it to now.
    next_fetch_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    etag: Mapped[str | None] = mapped_column(String(VALIDATOR_LENGTH))
    last_modified: Mapped[str | None] = mapped_column(String(VALIDATOR_LENGTH))
    # Deferred: read only by the refresh, never with the rota.
    feed: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    # The source (URL and match rule) and the team revision the stored shifts were read with,
    # and the window's start: any change means reading the kept copy again.
    read_source: Mapped[str | None] = mapped_column(String(64))
    read_revision: Mapped[str | None] = mapped_column(String(32))
    read_window_start: Mapped[datetime | None] = mapped_column(UTCDateTime)
    events_read: Mapped[int] = mapped_column(Integer, default=0)
    # A digest of the stored shifts: a reading that gives the same ones changes nothing.
    shifts_digest: Mapped[str | None] = mapped_column(String(64))
    last_attempt_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The last fetch that gave a good copy, or said (304) that the kept one is current.
    last_success_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The latest failure, cleared by the next success; since when it has been failing.
    failure_reason: Mapped[str | None] = mapped_column(String(32))
    failure_message: Mapped[str | None] = mapped_column(Text)
    failing_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the admins were told the copy is stale (once per stale spell).
    stale_told_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspect_feed: Mapped[bytes | None] = deferred(mapped_column(LargeBinary))
    suspect_since: Mapped[datetime | None] = mapped_column(UTCDateTime)
    suspect_etag: Mapped[str | None] = mapped_column(String(VALIDATOR_LENGTH))
    suspect_last_modified: Mapped[str | None] = mapped_column(String(VALIDATOR_LENGTH))


class ExternalShift(Base):
    """One stretch the last good copy of a feed puts someone on call."""

    __tablename__ = "external_shifts"
    __table_args__ = (Index("ix_external_shifts_rota_start", "rota_id", "start_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rota_id: Mapped[str] = mapped_column(ForeignKey("external_rotas.rota_id", ondelete="CASCADE"))
    start_at: Mapped[datetime] = mapped_column(UTCDateTime)
    end_at: Mapped[datetime] = mapped_column(UTCDateTime)
    person_id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH))
    event_uid: Mapped[str] = mapped_column(String(UID_LENGTH))


class ExternalContact(Base):
    """Someone a feed puts on call who is not one of the team's people."""

    __tablename__ = "external_contacts"

    rota_id: Mapped[str] = mapped_column(
        ForeignKey("external_rotas.rota_id", ondelete="CASCADE"), primary_key=True
    )
    id: Mapped[str] = mapped_column(String(PERSON_ID_LENGTH), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(320))
