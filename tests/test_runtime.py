"""The runtime's own duties: closing waits for the reads it started in the background."""

from __future__ import annotations

import threading

from sqlalchemy import text

from dutydesk.db import unit_of_work


def test_close_waits_for_a_background_read_before_closing_connections(runtime):
    started, release, finished = threading.Event(), threading.Event(), []

    def read() -> None:
        started.set()
        release.wait(10)
        with unit_of_work(runtime.read_sessions) as session:
            finished.append(session.execute(text("SELECT 1")).scalar_one())

    runtime.in_background(read, "test-read")
    assert started.wait(10)
    closer = threading.Thread(target=runtime.close)
    closer.start()
    closer.join(0.2)
    assert closer.is_alive(), "close returned while a background read was still running"
    release.set()
    closer.join(10)
    assert not closer.is_alive()
    assert finished == [1]
    assert runtime.engine.pool.checkedout() == 0
