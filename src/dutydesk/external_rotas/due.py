"""The external rotas' worker cycle: refresh the feeds that are due, read the kept copies that
need reading again, and tell the admins of stale copies and suspect readings.

Each rota is claimed in a short transaction, fetched and read with no transaction open, and
its outcome kept in a transaction of its own (external_rotas/refresh.py): a slow feed holds no
lock, and a worker killed midway leaves the last good copy as it was.

A feed may take up to the fetch's total timeout (30 s) to fail, and reading a large one takes
a second: the worker's pass must not wait for that while pages are due. So the cycle starts
the refresh in a thread of its own and goes on; the next pass starts another only when that
one has finished (one at a time per process; claims keep two workers off the same rota).
`refresh_external_rotas` is the same refresh, run to its end (tests, `dutydesk rota refresh`).
"""

from __future__ import annotations

import logging
import threading
import weakref
from datetime import datetime

from sqlalchemy import column, select, table
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.external_rotas import notices
from dutydesk.external_rotas.fetch import FeedNotModified, fetch_feed
from dutydesk.external_rotas.models import ExternalRota
from dutydesk.external_rotas.refresh import anything_due, claim_due, keep_outcome, read_fetched
from dutydesk.notify.service import enqueue_many
from dutydesk.runtime import Runtime
from dutydesk.team.service import find_team

log = logging.getLogger(__name__)
# The rotas' names, read from their table: rotas sit above external rotas (they read the shifts).
_ROTAS = table("rotas", column("id"), column("name"))


# The refresh running for each runtime of this process, by the runtime's id (a runtime is not
# hashable), with a weak reference to tell a new runtime from a dead one that had its id.
_running: dict[int, tuple[weakref.ref[Runtime], threading.Thread]] = {}
_running_lock = threading.Lock()


def external_rotas_due(runtime: Runtime, worker_id: str) -> int:
    """Start a refresh in the background when something is due and none is still running; it
    handles nothing itself (its results are the refresh's), so an idle worker still waits its
    interval."""
    with unit_of_work(runtime.read_sessions) as session:
        if not anything_due(session, runtime.clock.now()):
            return 0
    with _running_lock:
        if _refresh_of(runtime) is not None:
            return 0
        thread = threading.Thread(
            target=_refresh_logging_failures,
            args=(runtime,),
            name="dutydesk-external-rotas",
            daemon=True,
        )
        _running[id(runtime)] = (weakref.ref(runtime), thread)
        thread.start()
    return 0


def wait_for_refresh(runtime: Runtime, timeout: float | None = None) -> None:
    """Wait for the background refresh of this runtime to end (tests; shutting down)."""
    with _running_lock:
        running = _refresh_of(runtime)
    if running is not None:
        running.join(timeout)


def _refresh_of(runtime: Runtime) -> threading.Thread | None:
    """The refresh still running for this runtime, if any (the lock held)."""
    entry = _running.get(id(runtime))
    if entry is None:
        return None
    owner, thread = entry
    if owner() is not runtime or not thread.is_alive():
        del _running[id(runtime)]
        return None
    return thread


def _refresh_logging_failures(runtime: Runtime) -> None:
    try:
        refresh_external_rotas(runtime)
    except Exception:
        # As the worker does for a failing cycle: the rows stay due and the next pass tries.
        log.exception("refreshing external rotas failed")
        runtime.metrics.worker().failures.labels("external_rotas").inc()


def refresh_external_rotas(runtime: Runtime, *, only: str | None = None) -> int:
    """Refresh what is due (or, with `only`, that rota now), to the end; returns how many
    rotas were refreshed or read again and notices queued."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        if find_team(session) is None:
            return 0
        claimed, team = claim_due(session, now, only=only)
        session.commit()
    handled = 0
    for item in claimed:
        assert team is not None, "claim_due reads the team with what it claims"
        fetched = (
            fetch_feed(item.url, etag=item.etag, last_modified=item.last_modified)
            if item.fetch
            else None
        )
        kept = None
        if (fetched is None or isinstance(fetched, FeedNotModified)) and item.read_again:
            with unit_of_work(runtime.read_sessions) as session:
                kept = session.scalar(
                    select(ExternalRota.feed).where(ExternalRota.rota_id == item.rota_id)
                )
        outcome = read_fetched(fetched, kept, item, team, now)
        with unit_of_work(runtime.sessions) as session:
            result = keep_outcome(session, item, team, outcome, now)
            if result == "suspect":
                _tell_suspect(runtime, session, item.rota_id, now)
            session.commit()
        runtime.metrics.worker().external_refreshes.labels(result).inc()
        if result == "failed":
            log.info("external rota %s: %s", item.rota_id, outcome.failure_message)
        handled += 1
    return handled + _tell_stale(runtime)


def _tell_suspect(runtime: Runtime, session: Session, rota_id: str, now: datetime) -> None:
    row = session.get(ExternalRota, rota_id)
    if row is None or row.suspect_since != now:
        return  # told when it was first kept aside
    name = session.scalar(select(_ROTAS.c.name).where(_ROTAS.c.id == rota_id)) or rota_id
    messages = notices.suspect_messages(
        row, name, notices.admin_contacts(session), base_url=runtime.settings.base_url
    )
    enqueue_many(session, messages, now)


def _tell_stale(runtime: Runtime) -> int:
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        stale = notices.stale_rotas(session, now)
        if not stale:
            return 0
        contacts = notices.admin_contacts(session)
        names = {row.id: row.name for row in session.execute(select(_ROTAS.c.id, _ROTAS.c.name))}
        for row in stale:
            messages = notices.stale_messages(
                row,
                names.get(row.rota_id, row.rota_id),
                contacts,
                base_url=runtime.settings.base_url,
                now=now,
            )
            enqueue_many(session, messages, now)
            row.stale_told_at = now
        session.commit()
    return len(stale)
