"""The example team with `handover:`, a week of data on the engineering rota (bob's week, 12 to
19 January 2026, handed to carol on Monday 19 January at 09:30 GMT), and the handover cycle."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dutydesk.alerts.models import Alert, AlertGroup
from dutydesk.db import unit_of_work
from dutydesk.escalation.models import GroupPage
from dutydesk.handover.due import handover_due
from dutydesk.handover.models import Handover
from dutydesk.incidents.models import Incident
from dutydesk.notify.models import OutboxMessage
from dutydesk.overrides.models import Override
from dutydesk.tasks.models import Task
from dutydesk.tickets.models import Ticket
from tests.conftest import EXAMPLE_TEAM

WEEK_START = datetime(2026, 1, 12, 9, 30, tzinfo=UTC)
HANDOFF = datetime(2026, 1, 19, 9, 30, tzinfo=UTC)
# The working day before the handoff, at its time: the invitation goes out.
INVITED = datetime(2026, 1, 16, 9, 30, tzinfo=UTC)
# The example team file's own `handover:`, to the next top-level key or the end.
EXAMPLE_HANDOVER = re.compile(r"^handover:.*?(?=^\S|\Z)", re.M | re.S)
HANDOVER_SECTION = """
handover:
  meeting: 45m
  email: [leads@example.org]
  slack_channel: C0HANDOVR1
"""


def at(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=UTC)


@pytest.fixture
def handover_team(make_team, runtime) -> None:
    """The example team with this `handover:` in place of its own, applied on Wednesday 14
    January 10:00."""
    make_team(EXAMPLE_HANDOVER.sub("", EXAMPLE_TEAM.read_text()) + HANDOVER_SECTION)


@pytest.fixture
def cycle(runtime, clock) -> Callable[[datetime], int]:
    """Move the clock to `when` and run one pass of the handover cycle."""

    def run(when: datetime) -> int:
        clock.set(when)
        return handover_due(runtime, "worker-1")

    return run


@pytest.fixture
def handovers(runtime) -> Callable[[], list[Handover]]:
    def read() -> list[Handover]:
        with unit_of_work(runtime.read_sessions) as session:
            rows = list(session.scalars(select(Handover).order_by(Handover.handoff_at)))
            session.expunge_all()
            return rows

    return read


@pytest.fixture
def outbox(runtime) -> Callable[[str], list[OutboxMessage]]:
    def read(part: str = "") -> list[OutboxMessage]:
        with unit_of_work(runtime.read_sessions) as session:
            rows = session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.idempotency_key.like(f"handover:%{part}%"))
                .order_by(OutboxMessage.idempotency_key)
            ).all()
            session.expunge_all()
            return list(rows)

    return read


def _alert(service_id: str, created_at: datetime, key: str, group_id: int | None = None) -> Alert:
    return Alert(
        service_id=service_id,
        dedup_key=key,
        open_key=None,
        status="resolved",
        summary=f"{key} failing",
        source="monitoring",
        severity="critical",
        created_at=created_at,
        last_event_at=created_at,
        resolved_at=created_at + timedelta(minutes=20),
        group_id=group_id,
    )


@pytest.fixture
def week_of_data(runtime, handover_team) -> None:
    """What bob's week held, and some things just outside it that must not count:

    - alerts: 3 on platform-api, 1 on status-checks (Saturday 03:00: its page is out of
      hours), 1 the Sunday before the week;
    - pages: platform-api's in hours to bob (by e-mail and Slack: one page), status-checks' at
      Saturday 03:00 to carol;
    - tickets: 2 new in the week (one solved, one breached and still open), 1 from before,
      still open and not overdue; one solved before the week;
    - incidents: one resolved in the week with its review due, one still active;
    - a swap and a break cover in the week, an override the week before;
    - tasks: one done in the week, one done before, one open owned by bob.
    """
    with unit_of_work(runtime.sessions) as session:
        storm = AlertGroup(
            service_id="platform-api", opened_at=at(13, 10), join_until=at(13, 10, 5)
        )
        night = AlertGroup(service_id="status-checks", opened_at=at(17, 3), join_until=at(17, 3, 5))
        session.add_all([storm, night])
        session.flush()
        session.add_all(
            [
                _alert("platform-api", at(13, 10), "api-1", storm.id),
                _alert("platform-api", at(13, 10, 2), "api-2", storm.id),
                _alert("platform-api", at(15, 14), "api-3"),
                _alert("status-checks", at(17, 3), "checks-1", night.id),
                _alert("status-checks", at(11, 12), "before-the-week"),
            ]
        )
        for person, via in (("bob", "email"), ("bob", "slack")):
            session.add(_page(storm.id, at(13, 10), person, via))
        session.add(_page(night.id, at(17, 3), "carol", "email"))
        session.add_all(
            [
                _ticket("Cannot push apps", at(13, 11), status="solved", solved_at=at(15, 9)),
                _ticket(
                    "Logs **missing** <b>",
                    at(14, 9),
                    status="open",
                    priority="P2",
                    due=at(14, 10),
                    breached_at=at(14, 10),
                ),
                _ticket("Old question", at(9, 9), status="pending", priority="P4", due=at(21, 9)),
                _ticket("Solved long ago", at(5, 9), status="solved", solved_at=at(6, 9)),
            ]
        )
        session.add_all(
            [
                _incident("Router errors", at(14, 11), "resolved", resolved_at=at(14, 15)),
                _incident("Slow deploys", at(16, 10), "active"),
            ]
        )
        session.add_all(
            [
                _override("engineering", "alice", at(15, 9, 30), at(15, 17, 30), "swap"),
                _override("engineering", "carol", at(16, 12), at(16, 12, 45), "cover"),
                _override("engineering", "alice", at(6, 9, 30), at(6, 17, 30), "override"),
            ]
        )
        session.add_all(
            [
                _task("Rotate the CA", "done", at(16, 15), owner="bob"),
                _task("Upgrade the buildpacks", "done", at(9, 15), owner="alice"),
                _task("Write the runbook", "open", None, owner="bob"),
            ]
        )
        session.commit()


def _page(group_id: int, due_at: datetime, person: str, via: str) -> GroupPage:
    return GroupPage(
        group_id=group_id,
        queued_at=due_at,
        due_at=due_at,
        run=1,
        loop_index=0,
        step_index=0,
        policy_id="24x7",
        person_id=person,
        via=via,
        destination=f"{person}@example.org",
    )


def _ticket(
    subject: str,
    created_at: datetime,
    *,
    status: str,
    priority: str | None = None,
    solved_at: datetime | None = None,
    due: datetime | None = None,
    breached_at: datetime | None = None,
) -> Ticket:
    return Ticket(
        subject=subject,
        status=status,
        priority=priority,
        source="web",
        created_at=created_at,
        updated_at=created_at,
        solved_at=solved_at,
        clock_kind="first_response" if due else None,
        clock_running_since=created_at if due and status != "pending" else None,
        answer_due_at=due,
        breached_at=breached_at,
    )


def _incident(
    title: str, declared_at: datetime, status: str, resolved_at: datetime | None = None
) -> Incident:
    return Incident(
        title=title,
        priority="P2",
        status=status,
        source="web",
        declared_at=declared_at,
        declared_by="alice",
        updated_at=declared_at,
        resolved_at=resolved_at,
        review_due_at=resolved_at + timedelta(days=7) if resolved_at else None,
        document="",
        document_saved_at=declared_at,
        document_saved_by="alice",
    )


def _override(rota: str, person: str, start: datetime, end: datetime, kind: str) -> Override:
    return Override(
        rota_id=rota,
        person_id=person,
        start_at=start,
        end_at=end,
        kind=kind,
        created_at=start - timedelta(days=1),
        created_by="test",
    )


def _task(title: str, status: str, completed_at: datetime | None, owner: str) -> Task:
    return Task(
        title=title,
        status=status,
        owner_id=owner,
        created_by="test",
        created_at=at(1, 9),
        completed_at=completed_at,
    )
