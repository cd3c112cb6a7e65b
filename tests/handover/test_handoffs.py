"""When the worker reports: a weekly 24x7 support rota in Europe/London handing over on Mondays
at 09:00, across the clocks going forward (Sunday 29 March 2026) and Easter (Good Friday 3 April,
Easter Monday 6 April), and a worker down for two handoffs."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from dutydesk.alerts.models import AlertGroup
from dutydesk.db import unit_of_work
from dutydesk.handover.due import handover_due
from tests.handover.conftest import _page

SMALL = """
team: paas
timezone: Europe/London
holidays: GB-ENG
people:
  - {id: ann, name: Ann Archer, email: ann@example.org}
  - {id: ben, name: Ben Brown, email: ben@example.org}
rotas:
  - id: ops
    name: Support
    layers:
      - {members: [ann, ben], shift: 1w, handoff: "Mon 09:00", start: 2026-03-16}
escalation_policies:
  - {id: ops, name: Ops, steps: [{notify: [{rota: ops}]}]}
services:
  - {id: api, name: API, escalation_policy: ops}
support:
  hours: ["Mon-Fri 09:00-17:00"]
  rota: ops
handover:
  email: [LEADS_ADDRESS]
"""


def _team(make_team, clock, leads: str = "leads@example.org", *, on: int = 24) -> None:
    """The team applied on `on` March 2026 at noon."""
    clock.set(datetime(2026, 3, on, 12, 0, tzinfo=UTC))
    make_team(SMALL.replace("LEADS_ADDRESS", leads))


def test_the_handoff_after_the_clocks_go_forward_is_at_nine_local(
    make_team, clock, runtime, handovers, outbox
):
    _team(make_team, clock)
    # Friday 27 March 09:00 GMT: the working day before Monday 30 March, at 09:00 local.
    clock.set(datetime(2026, 3, 27, 8, 59, tzinfo=UTC))
    assert handover_due(runtime, "w") == 0
    clock.set(datetime(2026, 3, 27, 9, 0, tzinfo=UTC))
    assert handover_due(runtime, "w") == 1
    [row] = handovers()
    # 09:00 BST is 08:00 UTC; the week began at 09:00 GMT.
    assert row.handoff_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)
    assert row.period_start_at == datetime(2026, 3, 23, 9, 0, tzinfo=UTC)
    calendar = outbox(":invite:")[0].payload["email"]["calendar"]
    assert "DTSTART:20260330T080000Z" in calendar
    clock.set(datetime(2026, 3, 30, 8, 0, tzinfo=UTC))
    assert handover_due(runtime, "w") == 1
    assert handovers()[0].made_at == datetime(2026, 3, 30, 8, 0, tzinfo=UTC)


def test_the_invitation_before_easter_monday_goes_out_on_the_thursday(
    make_team, clock, runtime, handovers
):
    _team(make_team, clock)
    # The handoff of Monday 6 April: Good Friday is no working day, so Thursday 2 April.
    clock.set(datetime(2026, 4, 2, 7, 59, tzinfo=UTC))
    handover_due(runtime, "w")
    assert [r.handoff_at for r in handovers()] == [datetime(2026, 3, 30, 8, 0, tzinfo=UTC)]
    clock.set(datetime(2026, 4, 2, 8, 0, tzinfo=UTC))
    handover_due(runtime, "w")
    assert handovers()[-1].handoff_at == datetime(2026, 4, 6, 8, 0, tzinfo=UTC)


def test_a_worker_down_for_two_handoffs_reports_each_once(
    make_team, clock, runtime, handovers, outbox
):
    _team(make_team, clock, on=18)
    clock.set(datetime(2026, 4, 7, 12, 0, tzinfo=UTC))
    handover_due(runtime, "w")
    made = [
        (r.handoff_at, r.period_start_at, r.outgoing_id, r.incoming_id)
        for r in handovers()
        if r.made_at is not None
    ]
    assert made == [
        (
            datetime(2026, 3, 23, 9, 0, tzinfo=UTC),
            datetime(2026, 3, 16, 9, 0, tzinfo=UTC),
            "ann",
            "ben",
        ),
        (
            datetime(2026, 3, 30, 8, 0, tzinfo=UTC),
            datetime(2026, 3, 23, 9, 0, tzinfo=UTC),
            "ben",
            "ann",
        ),
        (
            datetime(2026, 4, 6, 8, 0, tzinfo=UTC),
            datetime(2026, 3, 30, 8, 0, tzinfo=UTC),
            "ann",
            "ben",
        ),
    ]
    queued = len(outbox())
    assert len(outbox(":report:")) == 9
    clock.set(datetime(2026, 4, 7, 12, 5, tzinfo=UTC))
    handover_due(runtime, "w")
    assert len(outbox()) == queued


def test_an_address_outside_ascii_does_not_stop_the_reports(
    make_team, clock, runtime, handovers, outbox
):
    _team(make_team, clock, leads="zoë@example.org", on=18)
    clock.set(datetime(2026, 3, 23, 9, 0, tzinfo=UTC))
    assert handover_due(runtime, "w") == 2
    assert sorted(m.destination for m in outbox(":report:")) == [
        "ann@example.org",
        "ben@example.org",
        "zoë@example.org",
    ]


@pytest.mark.parametrize(
    "support",
    [
        # No support hours: tickets count every hour, but nights and weekends are still out of
        # working hours (the fairness report's Monday to Friday 09:00-17:00).
        '  hours: ["Mon-Fri 09:00-17:00"]\n',
        # Holidays not skipped for tickets: a bank holiday is still out of hours.
        '  hours: ["Mon-Fri 09:00-17:00"]\n  skip_holidays: false\n',
    ],
)
def test_pages_out_of_hours_are_the_fairness_reports_out_of_hours(
    make_team, clock, runtime, handovers, support
):
    """A page on a Saturday night and one on Good Friday morning are out of hours, one on a
    Tuesday morning is not, whatever the tickets' `support:` says of hours and holidays."""
    clock.set(datetime(2026, 3, 31, 12, 0, tzinfo=UTC))
    hours = support if "skip" in support else ""
    make_team(
        SMALL.replace("LEADS_ADDRESS", "leads@example.org").replace(
            '  hours: ["Mon-Fri 09:00-17:00"]\n', hours
        )
    )
    paged = (
        datetime(2026, 4, 4, 2, 0, tzinfo=UTC),  # Saturday 03:00 BST
        datetime(2026, 4, 3, 10, 0, tzinfo=UTC),  # Good Friday 11:00 BST
        datetime(2026, 3, 31, 13, 0, tzinfo=UTC),  # Tuesday 14:00 BST
    )
    with unit_of_work(runtime.sessions) as session:
        for at in paged:
            group = AlertGroup(service_id="api", opened_at=at, join_until=at)
            session.add(group)
            session.flush()
            session.add(_page(group.id, at, "ann", "email"))
        session.commit()
    clock.set(datetime(2026, 4, 6, 8, 0, tzinfo=UTC))
    handover_due(runtime, "w")
    [row] = [r for r in handovers() if r.made_at is not None]
    alerts = row.report["sections"]["alerts"]
    assert (alerts["pages"], alerts["pages_out_of_hours"]) == (3, 2)
