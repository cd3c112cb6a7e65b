"""Two real `dutydesk worker` processes send incident reminders from one PostgreSQL database,
and one is killed with SIGKILL while queueing them: every reminder due still goes out once.

Real workers read the system clock, so the test makes reminders fall due by moving their due
times into the past, a round at a time: in round r every reminder row is due at BASE + r
minutes, and the next round starts once the workers have moved every row on. In the end each
incident has had one update reminder and one check reminder for every round, none twice.
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.incidents import service
from dutydesk.incidents.models import IncidentReminder
from dutydesk.incidents.policy import incident_policy
from dutydesk.notify.models import OutboxMessage
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from tests.conftest import POSTGRES_URL
from tests.worker_processes import WorkerProcess, wait_until, writing_to

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="needs PostgreSQL: set DUTYDESK_TEST_DATABASE_URL (CI does); two workers on SQLite"
    " take turns on its one write lock, so there is no race to test",
)

INCIDENTS = 30
ROUNDS = 4
SECRET_KEY = "t" * 32
INTERVAL_SECONDS = 0.2
DEADLINE_SECONDS = 90.0
WORKER_NAMES = ("incidents-worker-a", "incidents-worker-b")

# A working day that never ends: no 09:00 or 17:00 edges, no pause; P1 incidents owe an update
# reminder and a check on the engineer, each once per round.
TEAM = """\
team: paas
timezone: UTC
people:
  - {id: bob, name: Bob Brown, email: bob@example.org}
  - {id: erin, name: Erin Evans, email: erin@example.org}
rotas:
  - id: engineering
    name: Engineering
    layers:
      - {members: [bob], shift: 1w, handoff: "Mon 09:00", start: 2020-01-06}
  - id: comms
    name: Comms
    layers:
      - {members: [erin], shift: 1w, handoff: "Mon 09:00", start: 2020-01-06}
support:
  rota: engineering
incidents:
  comms_rota: comms
  working_hours: []
"""
BASE = datetime(2026, 1, 1, tzinfo=UTC)


def now() -> datetime:
    return datetime.now(UTC)


@pytest.fixture
def pg_runtime(database_url: str) -> Iterator[Runtime]:
    runtime = bootstrap(Settings(database_url=database_url, secret_key=SECRET_KEY))
    yield runtime
    runtime.close()


@pytest.fixture
def workers(pg_runtime: Runtime) -> Iterator[list[WorkerProcess]]:
    url = str(pg_runtime.settings.database_url)
    started = [
        WorkerProcess(url, secret_key=SECRET_KEY, interval_seconds=INTERVAL_SECONDS, name=name)
        for name in WORKER_NAMES
    ]
    for worker in started:
        assert worker.started.wait(DEADLINE_SECONDS), "".join(worker.output)
    yield started
    for worker in started:
        worker.stop()


def declare_incidents(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as session:
        apply(session, read_team_file(TEAM, "team.yaml"), now(), actor="cli")
        policy = incident_policy(session)
        for n in range(INCIDENTS):
            service.declare(
                session,
                policy,
                service.Declaration(title=f"Incident {n}", priority="P1", source="api"),
                actor="test",
                person_id=None,
                now=now(),
                base_url="https://desk.example.org",
            )
        session.commit()


def start_round(runtime: Runtime, number: int) -> None:
    with unit_of_work(runtime.sessions) as session:
        session.execute(update(IncidentReminder).values(due_at=BASE + timedelta(minutes=number)))
        session.commit()


def due_now(runtime: Runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return (
            session.scalar(
                select(func.count())
                .select_from(IncidentReminder)
                .where(IncidentReminder.due_at <= now())
            )
            or 0
        )


def queueing_a_reminder(runtime: Runtime) -> str | None:
    """The worker caught with a reminder written to the outbox and not yet committed."""
    return writing_to(runtime, "outbox_messages", WORKER_NAMES)


def reminder_keys(runtime: Runtime) -> list[str]:
    with unit_of_work(runtime.read_sessions) as session:
        return list(
            session.scalars(
                select(OutboxMessage.idempotency_key).where(
                    OutboxMessage.idempotency_key.like(f"incident-%-{BASE.date().isoformat()}T%")
                )
            )
        )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_killed_while_reminding_leaves_every_reminder_sent_once(pg_runtime, workers):
    declare_incidents(pg_runtime)
    killed: WorkerProcess | None = None
    pause = threading.Event()
    for number in range(ROUNDS):
        start_round(pg_runtime, number)
        deadline = now() + timedelta(seconds=DEADLINE_SECONDS)
        while now() < deadline and due_now(pg_runtime):
            if killed is None:
                caught = queueing_a_reminder(pg_runtime)
                if caught is not None:
                    killed = next(w for w in workers if w.name == caught)
                    killed.kill()
            pause.wait(0.005 if killed is None else 0.05)
        assert due_now(pg_runtime) == 0, f"round {number} was not finished"
    assert killed is not None, "no worker was ever caught queueing a reminder"
    [survivor] = [w for w in workers if w is not killed]
    assert survivor.process.poll() is None, "".join(survivor.output)
    assert wait_until(lambda: len(reminder_keys(pg_runtime)) >= INCIDENTS * 2 * ROUNDS)

    # Per incident, kind and round: one reminder to erin, the comms lead.
    keys = reminder_keys(pg_runtime)
    assert len(keys) == len(set(keys)) == INCIDENTS * 2 * ROUNDS
    per_reminder = Counter(key.rsplit("-erin-", 1)[0] for key in keys)
    assert set(per_reminder.values()) == {1}
    kinds = Counter(key.split("-")[2] for key in keys)
    assert kinds == {"update": INCIDENTS * ROUNDS, "check": INCIDENTS * ROUNDS}
