"""An update reaching 2,000 e-mail subscribers, delivered by two real `dutydesk worker`
processes on one PostgreSQL database to a real SMTP server, one worker killed with SIGKILL while
it delivers and another started in its place: every subscriber gets the update.

What the outbox promises (docs/adr/0006-at-least-once-delivery.md) is asserted exactly: the
delivery log shows each message sent once (a send the killed worker finished was journaled, and
whoever claimed the message next settled it from the log instead of sending it again); only a
message on the wire when the worker died can reach the SMTP server twice, at most one per
sending thread of the killed worker, and a repeat carries the first one's idempotency key and
Message-ID, so a receiver can drop it.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, select

from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.notify.delivery import SEND_THREADS
from dutydesk.notify.models import DeliveryAttempt, OutboxMessage
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.statuspage import components, publishing
from dutydesk.statuspage.components import ComponentFields
from dutydesk.statuspage.models import EMAIL, StatusSubscriber
from dutydesk.statuspage.publishing import UpdateDraft
from dutydesk.statuspage.site import Site
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from tests.conftest import POSTGRES_URL
from tests.notify.servers import SmtpServer
from tests.worker_processes import DEADLINE_SECONDS, WorkerProcess, wait_until

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="needs PostgreSQL: set DUTYDESK_TEST_DATABASE_URL (CI does); two workers on SQLite"
    " take turns on its one write lock, so there is no race to test",
)

SUBSCRIBERS = 2000
SECRET_KEY = "s" * 32
SENDER = "PaaS status <status@example.org>"
INTERVAL_SECONDS = 0.05
# Killed once the SMTP server has this many: well into the fan-out, well before its end.
KILL_AFTER = 300
TEAM = """\
team: paas
timezone: UTC
"""


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def smtp() -> Iterator[SmtpServer]:
    server = SmtpServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_runtime(database_url: str, smtp: SmtpServer) -> Iterator[Runtime]:
    runtime = bootstrap(
        Settings(
            database_url=database_url,
            secret_key=SECRET_KEY,
            smtp_url=smtp.url,
            smtp_from=SENDER,
            base_url="https://desk.example.org",
        )
    )
    yield runtime
    runtime.close()


@pytest.fixture
def start_worker(pg_runtime: Runtime, smtp: SmtpServer) -> Iterator[object]:
    started: list[WorkerProcess] = []

    def start() -> WorkerProcess:
        worker = WorkerProcess(
            str(pg_runtime.settings.database_url),
            secret_key=SECRET_KEY,
            interval_seconds=INTERVAL_SECONDS,
            env={
                "DUTYDESK_SMTP_URL": smtp.url,
                "DUTYDESK_SMTP_FROM": SENDER,
                "DUTYDESK_BASE_URL": "https://desk.example.org",
            },
        )
        started.append(worker)
        assert worker.started.wait(DEADLINE_SECONDS), "".join(worker.output)
        return worker

    yield start
    for worker in started:
        worker.stop()


def subscribe_in_bulk(runtime: Runtime, count: int) -> set[str]:
    """`count` confirmed e-mail subscribers of every component, in one statement."""
    at = now()
    rows = [
        {
            "id": f"sub{n:05d}",
            "kind": EMAIL,
            "address": f"tenant{n:05d}@tenants.example",
            "address_digest": hashlib.sha256(
                f"{EMAIL}:tenant{n:05d}@tenants.example".encode()
            ).hexdigest(),
            "all_components": True,
            "created_at": at,
            "confirmed_at": at,
        }
        for n in range(count)
    ]
    with unit_of_work(runtime.sessions) as session:
        session.execute(insert(StatusSubscriber), rows)
        session.commit()
    return {row["address"] for row in rows}


def publish(runtime: Runtime) -> str:
    """An incident on the platform API, told to every subscriber; returns its update's id."""
    with unit_of_work(runtime.sessions) as session:
        apply(session, read_team_file(TEAM, "team.yaml"), now(), actor="cli")
        components.create_component(
            session, ComponentFields(name="Platform API"), now=now(), component_id="api"
        )
        session.commit()
    subscribers = subscribe_in_bulk(runtime, SUBSCRIBERS)
    with unit_of_work(runtime.sessions) as session:
        made = publishing.create_incident(
            session,
            name="API errors",
            draft=UpdateDraft("investigating", "Deploys fail.", {"api": "major_outage"}),
            actor="erin",
            now=now(),
            site=Site.of(runtime),
        )
        session.commit()
        [update] = publishing.updates_of(session, made.id)
        assert update.notified == len(subscribers)
        return update.id


def update_messages(runtime: Runtime, update_id: str) -> Counter[str]:
    """The update's outbox messages by status."""
    with unit_of_work(runtime.read_sessions) as session:
        return Counter(
            session.scalars(
                select(OutboxMessage.status).where(
                    OutboxMessage.idempotency_key.like(f"status-update-{update_id}-%")
                )
            )
        )


def sent_attempts(runtime: Runtime) -> tuple[Counter[int], Counter[str]]:
    """Successful attempts per message, and per worker, from the delivery log."""
    with unit_of_work(runtime.read_sessions) as session:
        rows = session.execute(
            select(DeliveryAttempt.message_id, DeliveryAttempt.worker_id).where(
                DeliveryAttempt.outcome == "sent"
            )
        ).all()
    return Counter(m for m, _ in rows), Counter(w for _, w in rows)


def worker_pid(worker_id: str) -> int:
    return int(worker_id.split(":")[1])


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_killed_mid_fan_out_leaves_every_subscriber_told_once_by_the_log(
    pg_runtime, smtp, start_worker
):
    first, second = start_worker(), start_worker()
    update_id = publish(pg_runtime)

    assert smtp.mailbox.wait_for(KILL_AFTER, timeout=DEADLINE_SECONDS)
    # Kill the worker that has sent the most so far: it is delivering, not idle.
    _per_message, per_worker = sent_attempts(pg_runtime)
    busiest = max((first, second), key=lambda w: _sent_by(per_worker, w.process.pid))
    assert _sent_by(per_worker, busiest.process.pid) > 0
    busiest.kill()
    left_at_kill = update_messages(pg_runtime, update_id)
    assert left_at_kill["sent"] < SUBSCRIBERS, "the fan-out ended before the kill"
    start_worker()

    assert wait_until(
        lambda: update_messages(pg_runtime, update_id)["sent"] == SUBSCRIBERS,
        timeout=DEADLINE_SECONDS * 2,
    ), update_messages(pg_runtime, update_id)
    assert update_messages(pg_runtime, update_id) == {"sent": SUBSCRIBERS}
    survivor = second if busiest is first else first
    assert survivor.process.poll() is None, "".join(survivor.output)

    # The delivery log: each message sent exactly once, whoever sent it.
    per_message, per_worker = sent_attempts(pg_runtime)
    assert len(per_message) == SUBSCRIBERS
    assert set(per_message.values()) == {1}
    assert _sent_by(per_worker, busiest.process.pid) > 0

    # The SMTP server: every subscriber, once; a repeat only for what was on the wire.
    assert smtp.mailbox.wait_for(SUBSCRIBERS)
    received = list(smtp.mailbox.messages)
    keys = Counter(m["Dutydesk-Idempotency-Key"] for m in received)
    update_keys = {k for k in keys if k.startswith(f"status-update-{update_id}-")}
    assert len(update_keys) == SUBSCRIBERS
    assert {r[0] for r in smtp.mailbox.recipients} == {
        f"tenant{n:05d}@tenants.example" for n in range(SUBSCRIBERS)
    }
    duplicates = sum(count - 1 for count in keys.values())
    assert duplicates <= SEND_THREADS, keys.most_common(3)
    message_ids: dict[str, set[str]] = {}
    for message in received:
        message_ids.setdefault(message["Dutydesk-Idempotency-Key"], set()).add(
            message["Message-ID"]
        )
    assert all(len(ids) == 1 for ids in message_ids.values())
    _report(
        f"killed with {left_at_kill['sent']} of {SUBSCRIBERS} recorded sent,"
        f" {len(received) - duplicates} received; {_sent_by(per_worker, busiest.process.pid)}"
        f" sent by the killed worker; {duplicates} duplicate(s) at the SMTP server"
    )


def _sent_by(per_worker: Counter[str], pid: int) -> int:
    return sum(count for worker_id, count in per_worker.items() if worker_pid(worker_id) == pid)


_printed = threading.Lock()


def _report(line: str) -> None:
    with _printed:
        print(f"\n[fan-out] {line}")
