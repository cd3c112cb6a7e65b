"""A heartbeat's status at an instant, and the summary of a miss: tables of cases, no database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from dutydesk.heartbeats.due import miss_summary
from dutydesk.heartbeats.models import Heartbeat
from dutydesk.heartbeats.service import dedup_key, heartbeat_status, ping_url

CREATED = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
MINUTE = timedelta(minutes=1)


def heartbeat(
    *,
    last_ping: timedelta | None = None,
    missed: bool = False,
    revoked: bool = False,
) -> Heartbeat:
    """Every 10 minutes, 5 minutes' grace, created at CREATED; pinged `last_ping` after it."""
    last_ping_at = None if last_ping is None else CREATED + last_ping
    return Heartbeat(
        id=7,
        service_id="platform-api",
        name="backups",
        interval_seconds=600,
        grace_seconds=300,
        token_digest="0" * 64,
        created_at=CREATED,
        last_ping_at=last_ping_at,
        due_at=(last_ping_at or CREATED) + 15 * MINUTE,
        missed=missed,
        revoked_at=CREATED if revoked else None,
    )


@pytest.mark.parametrize(
    ("case", "minutes_after_creation", "status"),
    [
        (heartbeat(), 0, "never pinged"),
        (heartbeat(), 14, "never pinged"),
        (heartbeat(), 15, "missed"),  # due, and the worker not yet round
        (heartbeat(last_ping=MINUTE), 5, "ok"),
        (heartbeat(last_ping=MINUTE), 11, "late"),
        (heartbeat(last_ping=MINUTE), 15, "late"),
        (heartbeat(last_ping=MINUTE), 16, "missed"),
        (heartbeat(last_ping=MINUTE, missed=True), 2, "missed"),
        (heartbeat(last_ping=MINUTE, revoked=True), 60, "revoked"),
        (heartbeat(missed=True, revoked=True), 60, "revoked"),
    ],
)
def test_status_at_an_instant(case, minutes_after_creation, status):
    assert heartbeat_status(case, CREATED + minutes_after_creation * MINUTE) == status


@pytest.mark.parametrize(
    ("case", "zone", "summary"),
    [
        (heartbeat(), "Europe/London", "Heartbeat backups missed: no ping since it was created"),
        (
            heartbeat(last_ping=MINUTE),
            "Europe/London",
            "Heartbeat backups missed: no ping since Wed 14 Jan 2026 10:01",
        ),
        (
            heartbeat(last_ping=MINUTE),
            "Asia/Tokyo",
            "Heartbeat backups missed: no ping since Wed 14 Jan 2026 19:01",
        ),
    ],
)
def test_the_summary_of_a_miss_names_the_last_ping_in_team_time(case, zone, summary):
    assert miss_summary(case, ZoneInfo(zone)) == summary


def test_the_alert_key_and_the_url_are_made_from_the_id_and_the_token():
    assert dedup_key(heartbeat()) == "heartbeat-7"
    assert ping_url("https://duty.example/", "abc") == "https://duty.example/hooks/heartbeat/abc"
