"""Alert to first page: how long from sending an event to its page reaching the receiver.

Target (issue 5): a first page dispatched less than 1 s after the event, on average, on the
embedded SQLite default with one process.

A real `dutydesk serve` (its worker in the same process, as a user runs it) on a fresh SQLite
file, with a service whose policy's first step pages a webhook, and `group_window: 0m` so that
every alert is its own group and pages. Events are sent one at a time; each time is from
writing the event to the webhook receiver having the page for that alert, so it includes the
Events API, the escalation step, the outbox and the HTTP delivery.
"""

from __future__ import annotations

import http.client
import json
import os
import statistics
import tempfile
import threading
import time
from email.message import Message
from pathlib import Path

import yaml

from bench.events import EXAMPLE_TEAM, SECRET_KEY, add_integration, start_server
from bench.outbox import WebhookReceiver

EVENTS = 100
TARGET_SECONDS = 1.0
WAIT_SECONDS = 30.0


class PageReceiver(WebhookReceiver):
    """A webhook receiver that notes when each alert's page arrived, by its summary."""

    def __init__(self) -> None:
        self.arrived: dict[str, float] = {}
        self.changed = threading.Condition()

        def record(_headers: Message, body: bytes) -> None:
            at = time.perf_counter()
            with self.changed:
                for alert in json.loads(body).get("alerts", []):
                    self.arrived.setdefault(alert["summary"], at)
                self.changed.notify_all()

        super().__init__(record)

    def wait_for(self, summary: str) -> float | None:
        """When the page for `summary` arrived (perf_counter), or None after WAIT_SECONDS."""
        with self.changed:
            self.changed.wait_for(lambda: summary in self.arrived, timeout=WAIT_SECONDS)
            return self.arrived.get(summary)


def team_text(receiver_url: str) -> str:
    """The example team plus a service paged through a webhook, one group per alert."""
    team = yaml.safe_load(EXAMPLE_TEAM.read_text())
    team["escalation_policies"].append(
        {
            "id": "bench-page",
            "name": "Benchmark",
            "steps": [{"notify": [{"webhook": receiver_url}]}],
        }
    )
    team["services"].append(
        {
            "id": "bench-page",
            "name": "Bench",
            "escalation_policy": "bench-page",
            "group_window": "0m",
        }
    )
    return yaml.safe_dump(team, sort_keys=False)


def run() -> None:
    """Print the alert-to-first-page figures."""
    print(
        f"first page: {EVENTS} events one at a time into `dutydesk serve` on SQLite (worker in"
        f" process), each paging a webhook (target: mean < {TARGET_SECONDS:.0f} s)"
    )
    receiver = PageReceiver()
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        env = os.environ | {
            "DUTYDESK_DATABASE_URL": f"sqlite:///{folder / 'bench.sqlite3'}",
            "DUTYDESK_SECRET_KEY": SECRET_KEY,
        }
        server, port = start_server(folder, env, team=team_text(receiver.url))
        try:
            routing_key = add_integration(env, "bench-page")
            seconds = measure(port, routing_key, receiver)
        finally:
            server.terminate()
            server.wait(timeout=30)
            receiver.close()
    if len(seconds) < EVENTS:
        print(f"  {EVENTS - len(seconds)} page(s) did not arrive within {WAIT_SECONDS:.0f} s")
    if seconds:
        ordered = sorted(seconds)
        print(
            f"{'event to first page':<34} mean {statistics.fmean(seconds) * 1000:6.1f} ms"
            f"  p50 {ordered[len(ordered) // 2] * 1000:6.1f} ms"
            f"  max {ordered[-1] * 1000:6.1f} ms  ({len(seconds)}/{EVENTS} pages)"
        )


def measure(port: int, routing_key: str, receiver: PageReceiver) -> list[float]:
    """Send the events one by one; the seconds from each to its page."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    seconds: list[float] = []
    for number in range(EVENTS):
        summary = f"first page {number}"
        body = json.dumps(
            {
                "routing_key": routing_key,
                "event_action": "trigger",
                "payload": {"summary": summary, "source": "bench", "severity": "critical"},
            }
        )
        started = time.perf_counter()
        connection.request("POST", "/v2/enqueue", body, {"Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        if answer.status != 202:
            raise RuntimeError(f"event {number} was answered {answer.status}")
        arrived = receiver.wait_for(summary)
        if arrived is not None:
            seconds.append(arrived - started)
    connection.close()
    return seconds


if __name__ == "__main__":
    run()
