"""What an HTTP request records: its duration and status by route template and method, and on
the routes monitoring sends events to, the event's outcome. The middleware that measures every
request is dutydesk/prometheus/http.py; the Events API's route in front of the middleware
(alerts/events_asgi.py) records into the same series.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from prometheus_client.metrics import Counter, Histogram

from dutydesk.metrics.instruments import EVENT_OUTCOMES, Metrics

# Methods outside this set share one label, so made-up methods cannot add series.
_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# The routes monitoring sends events to, and the integration kind each one counts as.
INGEST_ROUTES = {
    "/v2/enqueue": "events_v2",
    "/v2/change/enqueue": "change_events",
    "/hooks/alertmanager/{key}": "alertmanager",
    "/hooks/grafana/{key}": "grafana",
    "/hooks/generic/{key}": "generic",
    "/hooks/heartbeat/{token}": "heartbeat",
}


def outcome_of(status: int) -> str:
    """An event's outcome from its answer's status."""
    if status < 400:
        return "accepted"
    return "refused" if status < 500 else "failed"


@dataclass
class _Series:
    """The label children of one route and method, looked up once rather than per request."""

    duration: Histogram
    requests: Counter
    # By outcome, on routes that take events; empty on the others.
    events: dict[str, Counter]
    by_status: dict[int, Counter] = field(default_factory=dict)


class RequestMetrics:
    """What each HTTP request records: its duration and status by route template and method,
    and on the routes that take events, the event's outcome."""

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        # Bounded: route templates (plus UNMATCHED) times the methods above.
        self._series: dict[tuple[str, str], _Series] = {}

    def record(self, route: str, method: str, status: int, seconds: float) -> None:
        """One request to `route` (a template) answered with `status` after `seconds`."""
        method = method if method in _METHODS else "OTHER"
        series = self._series.get((route, method))
        if series is None:
            series = self._series[(route, method)] = self._new_series(route, method)
        series.duration.observe(seconds)
        requests = series.by_status.get(status)
        if requests is None:
            requests = series.by_status[status] = series.requests.labels(route, method, status)
        requests.inc()
        if series.events:
            series.events[outcome_of(status)].inc()

    def _new_series(self, route: str, method: str) -> _Series:
        kind = INGEST_ROUTES.get(route)
        events = self.metrics.events
        return _Series(
            duration=self.metrics.http_duration.labels(route, method),
            requests=self.metrics.http_requests,
            events={} if kind is None else {o: events.labels(kind, o) for o in EVENT_OUTCOMES},
        )
