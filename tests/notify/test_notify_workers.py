"""Real `dutydesk worker` processes on one PostgreSQL database: each message is delivered once,
and a worker killed with SIGKILL loses nothing.

Collected only when DUTYDESK_TEST_DATABASE_URL names a PostgreSQL database.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import create_engine, func, select, text

from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.models import Base
from dutydesk.notify import service
from dutydesk.notify.delivery import SEND_THREADS, deliver_due
from dutydesk.notify.models import DeliveryAttempt, OutboxMessage
from dutydesk.notify.signing import IDEMPOTENCY_HEADER
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from tests.conftest import POSTGRES_URL
from tests.notify.servers import RecordingServer, recording_server
from tests.worker_processes import DEADLINE_SECONDS, WorkerProcess, wait_until

MESSAGES = 300
SECRET_KEY = "w" * 32


@pytest.fixture
def pg_runtime(request: pytest.FixtureRequest) -> Iterator[Runtime]:
    url = request.getfixturevalue("postgres_migrated")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()
    runtime = bootstrap(Settings(database_url=url, secret_key=SECRET_KEY))
    yield runtime
    runtime.close()


@pytest.fixture
def receiver() -> Iterator[RecordingServer]:
    with recording_server() as server:
        server.delay_seconds = 0.002  # a receiver that takes a moment, so work overlaps
        yield server


@pytest.fixture
def workers(pg_runtime: Runtime) -> Iterator[Callable[[], WorkerProcess]]:
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(
            str(pg_runtime.settings.database_url), secret_key=SECRET_KEY, interval_seconds=0.05
        )
        started.append(worker)
        assert worker.started.wait(DEADLINE_SECONDS), "".join(worker.output)
        return worker

    yield start
    for worker in started:
        worker.stop()


def enqueue_webhooks(runtime: Runtime, url: str, count: int) -> None:
    with unit_of_work(runtime.sessions) as session:
        now = datetime.now(UTC)
        for n in range(count):
            service.enqueue(
                session,
                channel="webhook",
                destination=url,
                subject="",
                text="",
                payload={"n": n},
                idempotency_key=f"msg-{n}",
                now=now,
            )
        session.commit()


def sent_count(runtime: Runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(OutboxMessage)
                .where(OutboxMessage.status == "sent")
            )
            or 0
        )


def received_keys(receiver: RecordingServer) -> Counter[str]:
    return Counter(r.headers[IDEMPOTENCY_HEADER.lower()] for r in list(receiver.requests))


def sent_attempts_per_message(runtime: Runtime) -> Counter[int]:
    with unit_of_work(runtime.read_sessions) as session:
        rows = session.scalars(
            select(DeliveryAttempt.message_id).where(DeliveryAttempt.outcome == "sent")
        )
        return Counter(rows)


def workers_that_sent(runtime: Runtime) -> set[str]:
    with unit_of_work(runtime.read_sessions) as session:
        return set(session.scalars(select(DeliveryAttempt.worker_id).distinct()))


if POSTGRES_URL:

    def test_two_workers_deliver_each_message_exactly_once(pg_runtime, receiver, workers):
        workers()
        workers()

        enqueue_webhooks(pg_runtime, receiver.url + "/hook", MESSAGES)

        assert receiver.wait_for(MESSAGES)
        assert wait_until(lambda: sent_count(pg_runtime) == MESSAGES)
        keys = received_keys(receiver)
        assert len(keys) == MESSAGES
        assert max(keys.values()) == 1, keys.most_common(3)
        assert set(sent_attempts_per_message(pg_runtime).values()) == {1}
        assert len(workers_that_sent(pg_runtime)) == 2

    def test_a_worker_killed_mid_cycle_loses_nothing(pg_runtime, receiver, workers):
        doomed = workers()
        enqueue_webhooks(pg_runtime, receiver.url + "/hook", MESSAGES)

        assert receiver.wait_for(MESSAGES // 4)
        doomed.kill()
        doomed.process.wait(timeout=30)
        before_restart = sent_count(pg_runtime)
        assert before_restart < MESSAGES  # killed mid-run: some work was left

        workers()

        assert wait_until(lambda: sent_count(pg_runtime) == MESSAGES)
        keys = received_keys(receiver)
        assert len(keys) == MESSAGES  # nothing lost
        # The documented at-least-once window: only a message on the wire when the worker died
        # (at most SEND_THREADS of them) can reach the receiver twice, with the same key. Every
        # send that had finished was journaled, and the log shows each message sent once: the
        # restarted worker settled those from the log instead of sending them again.
        duplicates = sum(count - 1 for count in keys.values())
        assert duplicates <= SEND_THREADS, keys.most_common(3)
        assert set(sent_attempts_per_message(pg_runtime).values()) == {1}

    def test_a_send_journaled_by_a_worker_that_died_is_settled_not_repeated(pg_runtime, receiver):
        # What a worker killed after a send but before its batch committed leaves behind: the
        # message still due, its attempt in the delivery log.
        url = receiver.url + "/hook"
        enqueue_webhooks(pg_runtime, url, 2)
        with unit_of_work(pg_runtime.sessions) as session:
            first = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)).first()
            assert first is not None
            session.add(
                DeliveryAttempt(
                    message_id=first.id,
                    attempt=1,
                    attempted_at=datetime.now(UTC),
                    outcome="sent",
                    duration_ms=3,
                    worker_id="worker-that-died",
                )
            )
            session.commit()
            first_key = first.idempotency_key

        assert deliver_due(pg_runtime, "worker-after") == 2

        assert list(received_keys(receiver)) == ["msg-1"]
        assert first_key == "msg-0"
        assert sent_count(pg_runtime) == 2
        assert set(sent_attempts_per_message(pg_runtime).values()) == {1}

    def test_the_journals_asynchronous_commit_does_not_outlive_the_cycle(pg_runtime, receiver):
        # The journal commits asynchronously on a connection of its own; that connection goes
        # back to the pool, where anyone else's commits must be durable again.
        enqueue_webhooks(pg_runtime, receiver.url + "/hook", 40)

        assert deliver_due(pg_runtime, "worker-1") == 40

        pooled = pg_runtime.engine.pool.checkedin()
        assert pooled > 0
        connections = [pg_runtime.engine.connect() for _ in range(pooled)]
        try:
            settings = {c.execute(text("SHOW synchronous_commit")).scalar() for c in connections}
        finally:
            for connection in connections:
                connection.close()
        assert settings == {"on"}
