"""On PostgreSQL, the worker firing a step and a person acknowledging never deadlock.

The worker holds the group and writes log rows on its alerts; an acknowledgement holds an
alert and then wants its group. Log rows take a KEY SHARE lock on their alert, which the
acknowledgement's FOR NO KEY UPDATE lets through (a FOR UPDATE lock would not: a deadlock).
"""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from dutydesk.alerts.models import Alert, AlertGroup
from dutydesk.alerts.service import acknowledge_one, get_alert
from dutydesk.db import unit_of_work
from dutydesk.escalation.service import log_group
from tests.conftest import POSTGRES_URL

pytestmark = [
    pytest.mark.skipif(not POSTGRES_URL, reason="row locks: needs DUTYDESK_TEST_DATABASE_URL"),
    pytest.mark.usefixtures("example_team"),
]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_the_worker_and_an_acknowledgement_do_not_deadlock(runtime, raise_alert, run_cycle):
    alert_id = raise_alert()
    run_cycle()
    runtime.clock.advance(timedelta(minutes=15))
    now = runtime.clock.now()
    problems: list[BaseException] = []
    with unit_of_work(runtime.sessions) as worker:
        group = worker.scalar(select(AlertGroup).with_for_update(skip_locked=True, key_share=True))
        assert group is not None
        with unit_of_work(runtime.sessions) as person:
            alert = get_alert(person, alert_id, for_update=True)

            def acknowledge() -> None:
                try:
                    acknowledge_one(person, alert, now, "rhea")  # waits for the group
                    person.commit()
                except BaseException as error:  # reported below, in the test's thread
                    problems.append(error)

            thread = threading.Thread(target=acknowledge)
            thread.start()
            # The worker logs on the alert the person holds: it must not have to wait.
            log_group(worker, group, "page", "worker", now, {"step": 2})
            worker.commit()
            thread.join(timeout=30)
    assert not thread.is_alive()
    assert problems == []
    with unit_of_work(runtime.read_sessions) as session:
        assert session.get(Alert, alert_id).status == "acknowledged"
