"""The instruments one process records into: a registry per runtime, made by the composition
root, so nothing is registered at import time and two runtimes (tests) never share counts."""

from __future__ import annotations

import threading

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)

# Seconds. The Events API answers in a few milliseconds; pages of a large team take tens.
HTTP_BUCKETS = (0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A cycle takes milliseconds when idle and up to minutes when it drains a backlog.
CYCLE_BUCKETS = (0.005, 0.025, 0.1, 0.5, 1.0, 5.0, 15.0, 60.0, 300.0)

# Where monitoring sends events, as the `kind` label of dutydesk_events_total.
INGEST_KINDS = ("events_v2", "change_events", "alertmanager", "grafana", "generic", "heartbeat")
# What became of an event: stored (2xx), refused as the sender's fault (4xx), or failed (5xx).
EVENT_OUTCOMES = ("accepted", "refused", "failed")
# What a refresh of an external rota came to (external_rotas/refresh.py's keep_outcome).
REFRESH_OUTCOMES = ("changed", "unchanged", "suspect", "failed", "skipped")


class Metrics:
    """The process's counters and histograms (HTTP, events, outbox, worker cycles)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.http_duration = Histogram(
            "dutydesk_http_request_duration_seconds",
            "Time to answer an HTTP request, by route template (never the raw path) and method.",
            ["route", "method"],
            buckets=HTTP_BUCKETS,
            registry=self.registry,
        )
        self.http_requests = Counter(
            "dutydesk_http_requests",
            "HTTP requests answered, by route template, method and status code.",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.events = Counter(
            "dutydesk_events",
            "Events from monitoring (one request each), by integration kind and outcome:"
            " accepted, refused (4xx: invalid, unknown key, too large) or failed (5xx).",
            ["kind", "outcome"],
            registry=self.registry,
        )
        for kind in INGEST_KINDS:
            for outcome in EVENT_OUTCOMES:
                # Every series exists from the start, so rate() and the rules see a zero.
                self.events.labels(kind, outcome)
        self.outbox_queued = Counter(
            "dutydesk_outbox_queued",
            "Messages (pages, notices) this process added to the outbox, by channel.",
            ["channel"],
            registry=self.registry,
        )
        self.outbox_attempts = Counter(
            "dutydesk_outbox_attempts",
            "Delivery attempts this process made, by channel and outcome: sent, failed (to be"
            " retried) or dead (given up).",
            ["channel", "outcome"],
            registry=self.registry,
        )
        self._worker: WorkerInstruments | None = None
        self._worker_lock = threading.Lock()

    def worker(self) -> WorkerInstruments:
        """The worker's instruments, registered when this process first runs a worker, so a
        `serve --no-worker` replica shows no worker series (and no alert reads it as stalled)."""
        with self._worker_lock:
            if self._worker is None:
                self._worker = WorkerInstruments(self.registry)
            return self._worker


class WorkerInstruments:
    """What a worker records about its cycles."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.duration = Histogram(
            "dutydesk_worker_cycle_duration_seconds",
            "How long one run of a worker cycle took.",
            ["cycle"],
            buckets=CYCLE_BUCKETS,
            registry=registry,
        )
        self.lag = Histogram(
            "dutydesk_worker_cycle_lag_seconds",
            "How much longer than DUTYDESK_WORKER_INTERVAL_SECONDS a cycle went between the end"
            " of its previous run and the start of this one: time it waited on the other cycles.",
            ["cycle"],
            buckets=CYCLE_BUCKETS,
            registry=registry,
        )
        self.handled = Counter(
            "dutydesk_worker_cycle_items",
            "Due items (messages, steps, handoffs, heartbeats) a cycle handled.",
            ["cycle"],
            registry=registry,
        )
        self.failures = Counter(
            "dutydesk_worker_cycle_failures",
            "Runs of a cycle that ended in an unexpected error (logged with its traceback).",
            ["cycle"],
            registry=registry,
        )
        self.external_refreshes = Counter(
            "dutydesk_external_rota_refreshes",
            "Refreshes of external rotas' feeds, by outcome: changed (new shifts kept), unchanged,"
            " suspect (nobody on call next week: kept aside until confirmed), failed (the last"
            " good copy stays in use) or skipped (the rota's source changed meanwhile).",
            ["outcome"],
            registry=registry,
        )
        for outcome in REFRESH_OUTCOMES:
            self.external_refreshes.labels(outcome)
        self.last_pass = Gauge(
            "dutydesk_worker_last_pass_timestamp_seconds",
            "When this worker last finished a pass over every cycle (Unix time).",
            registry=registry,
        )

    def record_cycle(
        self, cycle: str, *, lag_seconds: float, duration_seconds: float, handled: int, failed: bool
    ) -> None:
        """One run of one cycle."""
        self.duration.labels(cycle).observe(duration_seconds)
        self.lag.labels(cycle).observe(lag_seconds)
        self.handled.labels(cycle).inc(handled)
        failures = self.failures.labels(cycle)  # a zero until the first failure, for rate()
        if failed:
            failures.inc()
