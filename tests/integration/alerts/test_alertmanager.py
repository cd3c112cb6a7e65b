"""A real Prometheus Alertmanager (Debian's prometheus-alertmanager) fires at a real
`dutydesk serve`: through its webhook receiver and through its PagerDuty receiver pointed at
Dutydesk's Events API. `amtool` raises the alert and later ends it."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx

from tests.integration.alerts.live import live_dutydesk
from tests.integration.test_serve import free_port

ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
AMTOOL = "/usr/bin/amtool"
DEADLINE_SECONDS = 30.0


def wait_until(condition: Callable[[], bool], timeout: float = DEADLINE_SECONDS) -> bool:
    """Poll every 100 ms until `condition` holds or the deadline passes."""
    pause = threading.Event()
    deadline = datetime.now(UTC).timestamp() + timeout
    while datetime.now(UTC).timestamp() < deadline:
        if condition():
            return True
        pause.wait(0.1)
    return condition()


def config(dutydesk_url: str, key: str) -> str:
    # group_wait 0s: the first notification goes at once; group_interval 1s: the resolve soon after.
    return f"""\
route:
  receiver: dutydesk
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
receivers:
  - name: dutydesk
    webhook_configs:
      - url: {dutydesk_url}/hooks/alertmanager/{key}
        send_resolved: true
    pagerduty_configs:
      - routing_key: {key}
        url: {dutydesk_url}/v2/enqueue
        send_resolved: true
"""


@contextmanager
def alertmanager(folder: Path, dutydesk_url: str, key: str) -> Iterator[str]:
    """A running Alertmanager on loopback, clustering off; yields its URL."""
    (folder / "alertmanager.yml").write_text(config(dutydesk_url, key))
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    process = subprocess.Popen(
        [
            ALERTMANAGER,
            f"--config.file={folder / 'alertmanager.yml'}",
            f"--storage.path={folder / 'am-data'}",
            f"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:

        def ready() -> bool:
            try:
                return httpx.get(f"{url}/-/ready", timeout=1).status_code == 200
            except httpx.HTTPError:
                return False

        assert wait_until(ready), "Alertmanager did not become ready"
        yield url
    finally:
        process.terminate()
        process.wait(timeout=10)


def amtool(alertmanager_url: str, *args: str) -> None:
    subprocess.run(
        [AMTOOL, f"--alertmanager.url={alertmanager_url}", "alert", "add", *args],
        check=True,
        capture_output=True,
        text=True,
    )


def alerts(database: Path) -> list[tuple[str, str, str, str]]:
    with sqlite3.connect(database) as connection:
        return connection.execute(
            "SELECT summary, severity, source, status FROM alerts ORDER BY id"
        ).fetchall()


def test_an_alertmanager_alert_appears_in_dutydesk_and_resolves_with_it(tmp_path: Path):
    with (
        live_dutydesk(tmp_path) as dutydesk,
        alertmanager(tmp_path, dutydesk.url, dutydesk.key) as am,
    ):
        labels = ["alertname=DiskFull", "instance=db-1", "severity=critical"]
        amtool(am, *labels, "--annotation=summary=Disk full on db-1")

        # One alert through the webhook (its fingerprint), one through the Events API.
        assert wait_until(lambda: len(alerts(dutydesk.database)) == 2), alerts(dutydesk.database)
        # They arrive in either order: the two receivers notify side by side.
        by_summary = {row[0]: row for row in alerts(dutydesk.database)}
        webhook = by_summary.pop("Disk full on db-1")
        [events_api] = by_summary.values()
        assert webhook == ("Disk full on db-1", "critical", "db-1", "triggered")
        assert events_api[0] == "[FIRING:1] DiskFull (db-1 critical)"
        assert events_api[3] == "triggered"

        ended = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        amtool(am, *labels, "--annotation=summary=Disk full on db-1", f"--end={ended}")

        assert wait_until(lambda: {row[3] for row in alerts(dutydesk.database)} == {"resolved"}), (
            alerts(dutydesk.database)
        )
