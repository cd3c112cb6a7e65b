"""Two real `dutydesk worker` processes remind on one PostgreSQL database, and one is killed
with SIGKILL while queueing a reminder: every reminder of every ticket still goes out once.

Real workers read the system clock, so time passes for them in the database: the test moves
each ticket's next reminder to now as soon as it is set, and the workers act on nothing else.
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
from dutydesk.notify.models import OutboxMessage
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.tickets import service as tickets
from dutydesk.tickets.clocks import BREACH
from dutydesk.tickets.models import Ticket
from dutydesk.tickets.support import support_policy
from tests.conftest import POSTGRES_URL
from tests.worker_processes import WorkerProcess, writing_to

pytestmark = pytest.mark.skipif(
    not POSTGRES_URL,
    reason="needs PostgreSQL: set DUTYDESK_TEST_DATABASE_URL (CI does); two workers on SQLite"
    " take turns on its one write lock, so there is no race to test",
)

TICKETS = 40
SECRET_KEY = "t" * 32
INTERVAL_SECONDS = 0.2
DEADLINE_SECONDS = 90.0
WORKER_NAMES = ("tickets-worker-a", "tickets-worker-b")

# Always open, so the reminders fall in calendar time whatever the hour the test runs.
TEAM = """\
team: paas
timezone: UTC
people:
  - {id: bob, name: Bob Brown, email: bob@example.org}
rotas:
  - id: engineering
    name: Engineering
    layers:
      - {members: [bob], shift: 1w, handoff: "Mon 09:00", start: 2020-01-06}
support:
  rota: engineering
"""


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


def open_tickets(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as session:
        apply(session, read_team_file(TEAM, "team.yaml"), now(), actor="cli")
        policy = support_policy(session)
        for n in range(TICKETS):
            tickets.open_ticket(
                session,
                policy,
                subject=f"Ticket {n}",
                first=tickets.Incoming("Help", author_email=f"ops{n}@acme.com"),
                source="api",
                actor="test",
                now=now(),
                priority="P2",
            )
        session.commit()


def fast_forward(runtime: Runtime) -> None:
    """Every reminder still to come is due now (waiting for a worker that holds a ticket)."""
    with unit_of_work(runtime.sessions) as session:
        session.execute(
            update(Ticket).where(Ticket.next_reminder_at > now()).values(next_reminder_at=now())
        )
        session.commit()


def reminders_to_come(runtime: Runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return (
            session.scalar(
                select(func.count()).select_from(Ticket).where(Ticket.next_reminder_at.is_not(None))
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
                    OutboxMessage.idempotency_key.like("ticket-%")
                )
            )
        )


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_worker_killed_while_reminding_leaves_every_reminder_sent_once(pg_runtime, workers):
    open_tickets(pg_runtime)
    killed: WorkerProcess | None = None
    deadline = now() + timedelta(seconds=DEADLINE_SECONDS)
    pause = threading.Event()
    while now() < deadline and (reminders_to_come(pg_runtime) or killed is None):
        if killed is None:
            caught = queueing_a_reminder(pg_runtime)
            if caught is not None:
                killed = next(w for w in workers if w.name == caught)
                killed.kill()
        fast_forward(pg_runtime)
        pause.wait(0.01 if killed is None else 0.05)
    assert killed is not None, "no worker was ever caught queueing a reminder"
    assert reminders_to_come(pg_runtime) == 0, "the survivor did not finish the reminders"
    [survivor] = [w for w in workers if w is not killed]
    assert survivor.process.poll() is None, "".join(survivor.output)

    # Per ticket: the reminder at half, at three quarters and at the breach, once each.
    keys = reminder_keys(pg_runtime)
    assert len(keys) == len(set(keys)) == TICKETS * BREACH
    per_ticket = Counter(key.split("-")[1] for key in keys)
    assert set(per_ticket.values()) == {BREACH}, per_ticket.most_common(3)
    stages = Counter(key.split("-")[-3] for key in keys)
    assert stages == {str(stage): TICKETS for stage in range(1, BREACH + 1)}
    with unit_of_work(pg_runtime.read_sessions) as session:
        breached = session.scalar(
            select(func.count()).select_from(Ticket).where(Ticket.breached_at.is_not(None))
        )
    assert breached == TICKETS
