"""Two workers on one PostgreSQL database: a missed heartbeat is claimed by one of them only.

Collected only when DUTYDESK_TEST_DATABASE_URL names a PostgreSQL database: SQLite has one
writer at a time, so there the second worker simply runs after the first (test_misses.py).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from dutydesk.heartbeats.due import declare_missed, heartbeats_due
from tests.conftest import POSTGRES_URL

if POSTGRES_URL:

    @pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
    def test_a_heartbeat_one_worker_holds_is_skipped_by_the_other(
        database_url, runtime, backups, clock, alerts
    ):
        clock.advance(timedelta(minutes=15))
        first = runtime.sessions()
        try:
            # The first worker has claimed and triggered, and not yet committed.
            assert declare_missed(first, clock.now()) == 1
            assert heartbeats_due(runtime, "second-worker") == 0
            first.commit()
        finally:
            first.close()
        assert heartbeats_due(runtime, "second-worker") == 0
        [alert] = alerts()
        assert (alert.dedup_key, alert.event_count) == ("heartbeat-1", 1)
