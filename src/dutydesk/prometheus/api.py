"""`/metrics` on the web application, and the middleware that times its requests."""

from __future__ import annotations

from fastapi import FastAPI
from prometheus_client import CollectorRegistry

from dutydesk.metrics.requests import RequestMetrics
from dutydesk.prometheus.database import DatabaseCollector
from dutydesk.prometheus.exposition import router
from dutydesk.prometheus.http import RecordRequests
from dutydesk.runtime import Runtime


def install_metrics(app: FastAPI, runtime: Runtime) -> None:
    """Time requests and answer `/metrics`, unless DUTYDESK_METRICS_ENABLED is false (then
    neither: no route, and no cost on any request)."""
    if not runtime.settings.metrics_enabled:
        return
    # The runtime's instruments plus the database's facts, the latter read by web processes
    # only: a separate worker's `/metrics` shows its own process.
    exposed = CollectorRegistry()
    exposed.register(runtime.metrics.registry)
    exposed.register(DatabaseCollector(runtime))
    app.state.metrics_registry = exposed
    app.include_router(router)
    # Shared with the Events API's route in front of the middleware (alerts/events_asgi.py).
    recorder = app.state.request_metrics = RequestMetrics(runtime.metrics)
    # Added last, so it is outermost: it times the whole answer, refusals by the other
    # middleware included.
    app.add_middleware(RecordRequests, recorder=recorder, routes=app.router.routes)
