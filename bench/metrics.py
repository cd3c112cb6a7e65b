"""What the metrics cost a request, called in process through ASGI (no sockets, no database
write), timed in this process's CPU time, so other processes on the machine count for little:

- the middleware alone, around an application that answers at once: its own cost;
- the whole application with and without DUTYDESK_METRICS_ENABLED, on an Events API request
  refused by its checks (route matching, body read, the event counted; nothing written);
- a real `dutydesk serve` (bench/events.py's) taking new-alert triggers, with metrics off and
  on, alternately: its throughput, and its CPU time per event (from /proc), which other
  processes on a shared machine disturb far less than throughput.

Budget: the Events API must take 2,000 events a second on one process, 500 µs of the event
loop's time each; the middleware should be a few per cent of that at most. Rounds alternate
between the two sides and the median round is reported.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from bench import events
from dutydesk import migrate
from dutydesk.app import create_app
from dutydesk.composition import bootstrap
from dutydesk.metrics.requests import RequestMetrics
from dutydesk.prometheus.http import RecordRequests
from dutydesk.settings import Settings

REQUESTS_PER_ROUND = 1000
ROUNDS = 7
BUDGET_US = 500.0  # 1 s / 2,000 events
SERVER_EVENTS = 4000
SERVER_ROUNDS = 2
# Refused by the Events API's own checks (no routing key): the whole stack runs, route
# matching, the body read and the event counted, but nothing is written.
BODY = b'{"event_action": "trigger"}'


def scope() -> dict[str, Any]:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": "/v2/enqueue",
        "raw_path": b"/v2/enqueue",
        "root_path": "",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json"), (b"host", b"bench")],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }


async def one_request(app: Any) -> int:
    status = 0
    sent = False

    async def receive() -> dict[str, Any]:
        nonlocal sent
        if sent:
            return {"type": "http.disconnect"}
        sent = True
        return {"type": "http.request", "body": BODY, "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope(), receive, send)
    return status


async def round_us(app: Any) -> float:
    """Mean microseconds of CPU per request over one round."""
    started = time.process_time()
    for _ in range(REQUESTS_PER_ROUND):
        await one_request(app)
    return (time.process_time() - started) / REQUESTS_PER_ROUND * 1e6


def answering_at_once(route: Any) -> Any:
    """An ASGI application that answers 202 at once, as the events route would."""

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        scope["route"] = route
        await send({"type": "http.response.start", "status": 202, "headers": []})
        await send({"type": "http.response.body", "body": b"{}"})

    return app


async def measure(apps: dict[str, Any], status: int) -> dict[str, float]:
    for app in apps.values():
        assert await one_request(app) == status
        await round_us(app)  # warm up
    rounds: dict[str, list[float]] = {name: [] for name in apps}
    for _ in range(ROUNDS):
        for name, app in apps.items():
            rounds[name].append(await round_us(app))
    return {name: statistics.median(times) for name, times in rounds.items()}


def server_cpu_seconds(pid: int) -> float:
    """User and system CPU time of a process so far (Linux)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def serve_round(metrics_enabled: bool, round_number: int) -> tuple[float, float]:
    """(events/s, server CPU µs per event) for new-alert triggers into a fresh `dutydesk serve`."""
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        env = os.environ | {
            "DUTYDESK_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "DUTYDESK_SECRET_KEY": events.SECRET_KEY,
            "DUTYDESK_METRICS_ENABLED": "true" if metrics_enabled else "false",
        }
        server, port = events.start_server(folder, env)
        try:
            key = events.add_integration(env, "bench-api")
            prefix = f"r{round_number}"
            warm = [
                events.request_bytes(port, events.trigger(key, f"w-{n}", n)) for n in range(300)
            ]
            events.drive(port, warm)
            new = [
                events.request_bytes(port, events.trigger(key, f"{prefix}-{n}", n))
                for n in range(SERVER_EVENTS)
            ]
            cpu_before = server_cpu_seconds(server.pid)
            load = events.drive(port, new)
            cpu = server_cpu_seconds(server.pid) - cpu_before
        finally:
            server.terminate()
            server.wait(timeout=30)
    assert load.accepted == SERVER_EVENTS, f"{load.accepted} of {SERVER_EVENTS} accepted"
    return load.accepted / load.seconds, cpu / load.accepted * 1e6


def run_server() -> None:
    """Print a real server's throughput and CPU per event, metrics off and on."""
    print(
        f"metrics: {SERVER_EVENTS} new-alert triggers into `dutydesk serve` (SQLite, worker on),"
        f" {SERVER_ROUNDS} rounds each side, alternating"
    )
    figures: dict[bool, list[tuple[float, float]]] = {False: [], True: []}
    for round_number in range(SERVER_ROUNDS):
        for enabled in (False, True):
            figures[enabled].append(serve_round(enabled, round_number))
    for enabled, rounds in figures.items():
        rates = ", ".join(f"{rate:.0f}/s" for rate, _ in rounds)
        cpu = statistics.median(us for _, us in rounds)
        label = "serve, metrics on" if enabled else "serve, metrics off"
        print(f"{label:<34} {rates}  server CPU median {cpu:6.1f} µs/event")


def run() -> None:
    """Print the cost of the metrics middleware per request."""
    with tempfile.TemporaryDirectory() as directory:
        url = f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        runtimes = {
            "metrics off": bootstrap(Settings(database_url=url, metrics_enabled=False)),
            "metrics on": bootstrap(Settings(database_url=url, metrics_enabled=True)),
        }
        migrate.upgrade(runtimes["metrics off"].engine)
        try:
            apps = {name: create_app(runtime) for name, runtime in runtimes.items()}
            # What the router leaves in the scope: the matched route, read for its template.
            bare = answering_at_once(SimpleNamespace(path="/v2/enqueue"))
            alone = {
                "metrics off": bare,
                "metrics on": RecordRequests(
                    bare, RequestMetrics(runtimes["metrics on"].metrics), []
                ),
            }
            figures = {
                "middleware alone": asyncio.run(measure(alone, 202)),
                "whole app, refused event": asyncio.run(measure(apps, 400)),
            }
        finally:
            for runtime in runtimes.values():
                runtime.close()
    print(
        f"metrics: POST /v2/enqueue in process, CPU time, median of {ROUNDS} rounds of"
        f" {REQUESTS_PER_ROUND} (budget: {BUDGET_US:.0f} µs an event at 2,000/s)"
    )
    for label, result in figures.items():
        off, on = result["metrics off"], result["metrics on"]
        cost = on - off
        print(
            f"{label:<34} off {off:6.1f} µs  on {on:6.1f} µs  cost {cost:5.1f} µs"
            f" ({cost / BUDGET_US:.1%} of the budget)"
        )


if __name__ == "__main__":
    run()
    if "--serve" in sys.argv:
        run_server()
