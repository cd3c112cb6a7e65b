"""Pages on channels this instance has not set up read "not configured" on the alerts page,
not "failed, retrying" (no SMTP server and no Slack token here).

The example team at Wednesday 14 January 2026, 10:00: on the 24x7 policy, carol (escalation
rota) is paged first; 15 minutes later alice (e-mail and Slack) and bob (e-mail).
"""

from __future__ import annotations

from datetime import timedelta

from dutydesk.notify.delivery import deliver_due


def test_the_alert_page_says_not_configured_rather_than_retrying(
    runtime, example_team, browser, raise_alert, run_cycle, pages
):
    raise_alert("heartbeat", service="status-checks", summary="Backups missed")
    run_cycle()
    runtime.clock.advance(timedelta(minutes=16))
    run_cycle()
    deliver_due(runtime, "test-worker")

    assert {(p.destination, p.channel, p.status) for p in pages()} == {
        ("carol@example.org", "email", "dead"),
        ("alice@example.org", "email", "dead"),
        ("U01ALICE", "slack", "dead"),
        ("bob@example.org", "email", "dead"),
    }
    shown = browser("ada", "admin", "alice").get("/alerts").text
    # The list shows an alert's last three pages.
    assert shown.count('page-state--not-configured">not configured') == 3
    assert "retrying" not in shown
    assert "given up" not in shown
