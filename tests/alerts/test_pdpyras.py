"""PagerDuty's own Python client, unmodified, talks to a real `dutydesk serve`."""

from __future__ import annotations

import sqlite3
import warnings
from pathlib import Path

from tests.alerts.live import live_dutydesk

with warnings.catch_warnings():
    # pdpyras warns on import that it is superseded; it is still what many scripts use.
    warnings.simplefilter("ignore", UserWarning)
    import pdpyras


def test_pdpyras_triggers_acknowledges_and_resolves(tmp_path: Path):
    with live_dutydesk(tmp_path) as dutydesk:
        session = pdpyras.EventsAPISession(dutydesk.key)
        session.url = dutydesk.url
        made_up = session.trigger("Disk full on db-1", "db-1")
        assert len(made_up) == 32
        assert session.trigger("Disk full", "db-1", dedup_key="db-1/disk") == "db-1/disk"
        assert session.trigger("Disk full", "db-1", dedup_key="db-1/disk") == "db-1/disk"
        assert session.acknowledge("db-1/disk") == "db-1/disk"
        assert session.resolve("db-1/disk") == "db-1/disk"
        wrong = pdpyras.EventsAPISession("0" * 32)
        wrong.url = session.url
        try:
            wrong.trigger("x", "y")
        except pdpyras.PDClientError as error:
            assert error.response is not None
            assert error.response.status_code == 404
        else:
            raise AssertionError("a wrong key was accepted")
    with sqlite3.connect(dutydesk.database) as connection:
        rows = connection.execute(
            "SELECT dedup_key, status, event_count FROM alerts ORDER BY id"
        ).fetchall()
    assert rows == [(made_up, "triggered", 1), ("db-1/disk", "resolved", 2)]
