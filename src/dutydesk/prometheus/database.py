"""Facts of the database, read when Prometheus scrapes: the outbox's depth and how long its
oldest due message has waited, and where each external rota's copy of its feed stands.

Every replica reads the same rows and so reports the same values; alerting rules take the
`max` across instances. Each query reads a range of the outbox's (status, due_at) index: the
count grows with the messages waiting, never with the history of messages sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy import Select, func, select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.external_rotas.service import feed_statuses
from dutydesk.notify.models import DUE_STATUSES, OutboxMessage
from dutydesk.runtime import Runtime

log = logging.getLogger(__name__)


class DatabaseCollector(Collector):
    """Reads the outbox's state at each scrape, in a read transaction (no write lock)."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def describe(self) -> Iterable[Metric]:
        # Names only, so registering the collector runs no query.
        return [*_families(), *_feed_families(), _up(), _seconds()]

    def collect(self) -> Iterable[Metric]:
        started = time.perf_counter()
        up = _up()
        now = self.runtime.clock.now()
        try:
            waiting, oldest_age = self._read(now)
            with unit_of_work(self.runtime.read_sessions) as session:
                feeds = feed_statuses(session, now)
        except SQLAlchemyError as error:
            log.warning("metrics: the database did not answer: %s", error)
            up.add_metric([], 0)
            return [up]
        up.add_metric([], 1)
        messages, age = _families()
        for status in DUE_STATUSES:
            messages.add_metric([status], waiting.get(status, 0))
        age.add_metric([], oldest_age)
        failing, copy_age, suspect = _feed_families()
        for feed in feeds:
            failing.add_metric(
                [feed.rota_id, feed.failure_reason or ""], int(bool(feed.failure_reason))
            )
            if feed.last_success_at is not None:
                copy_age.add_metric([feed.rota_id], (now - feed.last_success_at).total_seconds())
            suspect.add_metric([feed.rota_id], int(feed.suspect_since is not None))
        seconds = _seconds()
        seconds.add_metric([], time.perf_counter() - started)
        return [up, messages, age, failing, copy_age, suspect, seconds]

    def _read(self, now: datetime) -> tuple[dict[str, int], float]:
        with unit_of_work(self.runtime.read_sessions) as session:
            waiting = {status: _count(session, status) for status in DUE_STATUSES}
            due_at = [_earliest_due(session, status) for status in DUE_STATUSES]
        overdue = [now - at for at in due_at if at is not None and at <= now]
        return waiting, max(overdue).total_seconds() if overdue else 0.0


def count_query(status: str) -> Select[Any]:
    """How many messages have this status: a count over one range of the index."""
    return select(func.count()).select_from(OutboxMessage).where(OutboxMessage.status == status)


def earliest_due_query(status: str) -> Select[Any]:
    """The earliest due time of the messages with this status: one seek into the index.

    One status at a time: over an IN list, SQLite reads the whole range to find the minimum.
    """
    return select(func.min(OutboxMessage.due_at)).where(OutboxMessage.status == status)


def _count(session: Session, status: str) -> int:
    counted: int | None = session.scalar(count_query(status))
    return counted or 0


def _earliest_due(session: Session, status: str) -> datetime | None:
    earliest: datetime | None = session.scalar(earliest_due_query(status))
    if earliest is None:
        return None
    return earliest if earliest.tzinfo is not None else earliest.replace(tzinfo=UTC)


def _families() -> tuple[GaugeMetricFamily, GaugeMetricFamily]:
    messages = GaugeMetricFamily(
        "dutydesk_outbox_messages",
        "Messages waiting in the outbox (its depth), by status: pending (not tried yet) or"
        " failed (waiting for a retry). The same in every replica: it is read from the database.",
        labels=["status"],
    )
    age = GaugeMetricFamily(
        "dutydesk_outbox_oldest_due_age_seconds",
        "How long the oldest message that is due now has been due; 0 when none is due.",
    )
    return messages, age


def _feed_families() -> tuple[GaugeMetricFamily, GaugeMetricFamily, GaugeMetricFamily]:
    failing = GaugeMetricFamily(
        "dutydesk_external_rota_failing",
        "1 while the latest refresh of an external rota's feed failed (the last good copy stays"
        " in use), with the reason (http_status, timeout, malformed, …); else 0.",
        labels=["rota", "reason"],
    )
    copy_age = GaugeMetricFamily(
        "dutydesk_external_rota_copy_age_seconds",
        "How long ago an external rota's feed was last fetched successfully (absent: never).",
        labels=["rota"],
    )
    suspect = GaugeMetricFamily(
        "dutydesk_external_rota_suspect",
        "1 while a new copy of an external rota's feed that puts nobody on call next week waits"
        " for a person to confirm it; else 0.",
        labels=["rota"],
    )
    return failing, copy_age, suspect


def _up() -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "dutydesk_database_up", "1 if the database answered this scrape's queries, else 0."
    )


def _seconds() -> GaugeMetricFamily:
    return GaugeMetricFamily(
        "dutydesk_database_scrape_duration_seconds",
        "How long this scrape's database queries took.",
    )
