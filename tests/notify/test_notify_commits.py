"""SQLite's delivery cycle commits once per batch: a batch's outcomes go to disk in the same
transaction that leases the lane's next batch, not in one of their own (each commit is a disk
flush with synchronous=full, the most expensive thing a batch does)."""

from __future__ import annotations

import math

import pytest
from bench.outbox import Receiver
from sqlalchemy import event, func, select

from dutydesk.db import unit_of_work
from dutydesk.notify import service
from dutydesk.notify.delivery import LANES_PER_KIND, LEASED_BATCH_SIZE, deliver_due
from dutydesk.notify.models import DeliveryAttempt, OutboxMessage

MESSAGES = 100


@pytest.fixture
def receiver():
    receiving = Receiver()
    yield receiving
    receiving.close()


# SQLite only: it leases messages and records outcomes with the next lease, where PostgreSQL
# holds row locks for one transaction per batch (docs/adr/0006-at-least-once-delivery.md).
@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_sqlite_records_each_batch_in_the_commit_that_leases_the_next(runtime, receiver):
    with unit_of_work(runtime.sessions) as session:
        for n in range(MESSAGES):
            service.enqueue(
                session,
                channel="webhook",
                destination=receiver.url,
                subject="",
                text="",
                payload={"n": n},
                idempotency_key=f"commit-{n}",
                now=runtime.clock.now(),
            )
        session.commit()
    commits: list[None] = []
    event.listen(runtime.engine, "commit", lambda _connection: commits.append(None))

    assert deliver_due(runtime, "worker-1") == MESSAGES

    assert len(receiver.keys) == MESSAGES
    assert set(receiver.keys.values()) == {1}
    with unit_of_work(runtime.read_sessions) as session:
        statuses = dict(
            session.execute(
                select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)
            ).all()
        )
        attempts = session.scalar(select(func.count()).select_from(DeliveryAttempt))
    assert statuses == {"sent": MESSAGES}
    assert attempts == MESSAGES
    # One commit per batch, and each lane's last one records its last batch (finding nothing
    # more to lease); two per batch before.
    batches = math.ceil(MESSAGES / LEASED_BATCH_SIZE)
    assert len(commits) <= batches + LANES_PER_KIND
