"""A real Prometheus Alertmanager (Debian's prometheus-alertmanager) fires at a real
`dutydesk serve`: through its webhook receiver and through its PagerDuty receiver pointed at
Dutydesk's Events API. `amtool` raises the alert and later ends it. In between, the server's
worker pages the on-call person: e-mail to a local SMTP server (aiosmtpd), and Slack through
slack_sdk to a local stand-in for the Slack Web API."""

from __future__ import annotations

import sqlite3
import subprocess
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import httpx2 as httpx
from bench.loopback import free_port

from tests.alerts.live import live_dutydesk
from tests.notify.servers import RecordingServer, SmtpServer, recording_server

ALERTMANAGER = "/usr/bin/prometheus-alertmanager"
AMTOOL = "/usr/bin/amtool"
DEADLINE_SECONDS = 30.0
# A policy without hours, so the page does not depend on the time of day the test runs at (the
# live server reads the real clock), paging a person, who is always "on call" for it.
TEAM = """\
team: paas
timezone: UTC
people:
  - {id: alice, name: Alice Archer, email: alice@example.org, slack: U01ALICE}
escalation_policies:
  - id: 24x7
    name: 24x7
    steps:
      - notify: [{person: alice}]
services:
  - {id: platform-api, name: Platform API, escalation_policy: 24x7}
"""


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


@contextmanager
def notification_servers() -> Iterator[tuple[SmtpServer, RecordingServer, dict[str, str]]]:
    """A local SMTP server, a Slack Web API stand-in, and the settings pointing at them."""
    smtp = SmtpServer().start()
    try:
        with recording_server() as slack:
            yield (
                smtp,
                slack,
                {
                    "DUTYDESK_SMTP_URL": smtp.url,
                    "DUTYDESK_SMTP_FROM": "Dutydesk <dutydesk@example.org>",
                    "DUTYDESK_SLACK_TOKEN": "xoxb-test-token",
                    "DUTYDESK_SLACK_API_URL": slack.url + "/api/",
                },
            )
    finally:
        smtp.stop()


def test_an_alertmanager_alert_appears_in_dutydesk_pages_on_call_and_resolves_with_it(
    tmp_path: Path,
):
    with (
        notification_servers() as (smtp, slack, settings),
        live_dutydesk(tmp_path, team=TEAM, env=settings, worker=True) as dutydesk,
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

        # alice is paged by e-mail and on Slack at once. The two alerts share a group, and the
        # page leads with whichever of them opened it.
        summaries = {webhook[0], events_api[0]}
        assert smtp.mailbox.wait_for(1, timeout=DEADLINE_SECONDS), "".join(dutydesk.log)
        email = smtp.mailbox.messages[0]
        assert smtp.mailbox.recipients[0] == ["alice@example.org"]
        subject = " ".join(str(email["Subject"]).split())  # unfolded
        assert any(summary in subject for summary in summaries), subject
        body = email.get_payload(decode=True).decode()
        assert any(summary in body for summary in summaries), body
        assert f"Acknowledge: {dutydesk.url}/act/" in body
        assert slack.wait_for(1, timeout=DEADLINE_SECONDS), "".join(dutydesk.log)
        posted = slack.requests[0]
        assert posted.path == "/api/chat.postMessage"
        assert posted.headers["authorization"] == "Bearer xoxb-test-token"
        message = posted.params()
        assert message["channel"] == "U01ALICE"
        assert any(summary in message["text"] for summary in summaries), message["text"]

        ended = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        amtool(am, *labels, "--annotation=summary=Disk full on db-1", f"--end={ended}")

        assert wait_until(lambda: {row[3] for row in alerts(dutydesk.database)} == {"resolved"}), (
            alerts(dutydesk.database)
        )
