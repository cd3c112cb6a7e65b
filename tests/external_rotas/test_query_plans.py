"""Paging through an external rota, refusing an override on one and asking who is on it find
their rows through an index, however many shifts and contacts the feeds stored (see
tests/query_plans.py for how plans are read)."""

from __future__ import annotations

import contextlib
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert, text

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict
from dutydesk.external_rotas.models import ExternalContact, ExternalShift
from dutydesk.external_rotas.service import refuse_if_external
from dutydesk.oncall.service import who
from tests.query_plans import captured_statements, explain

NOW = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
_TABLES = "external_shifts|external_contacts|external_rotas"
_SQLITE_SCAN = re.compile(rf"^SCAN ({_TABLES})\b")
_POSTGRES_SCAN = re.compile(rf"Seq Scan on ({_TABLES})\b")
COMPILING = re.compile(r"FROM external_(shifts|rotas)\s*$")
TEAM = (
    """
team: platform
timezone: Europe/London
people:
  - {id: bob, name: Bob Brown, email: bob@example.org}
rotas:
  - id: engineering
    name: Engineering
    layers: [{members: [bob], shift: 1w, handoff: "Mon 09:00", start: 2026-01-05}]
"""
    + "".join(
        f"""  - id: feed{n}
    name: Feed {n}
    external: {{url: "http://127.0.0.1:9/feed{n}.ics"}}
"""
        for n in range(20)
    )
    + """escalation_policies:
  - id: standard
    name: Standard
    steps:
      - notify: [{rota: feed3}]
        escalate_after: 15m
      - notify: [{rota: engineering}]
services:
  - {id: platform-api, name: Platform API, escalation_policy: standard}
"""
)


def seed(runtime):
    """20 followed rotas with 2,000 shifts each, half of them with contacts outside the team."""
    with runtime.engine.begin() as connection:
        for n in range(20):
            rota = f"feed{n}"
            connection.execute(
                insert(ExternalContact),
                [
                    {"rota_id": rota, "id": f"ext:c{c}@partner.example", "name": f"C {c}",
                     "email": f"c{c}@partner.example"}
                    for c in range(50)
                ],
            )  # fmt: skip
            connection.execute(
                insert(ExternalShift),
                [
                    {
                        "rota_id": rota,
                        "start_at": NOW + timedelta(hours=6 * (s - 1000)),
                        "end_at": NOW + timedelta(hours=6 * (s - 999)),
                        "person_id": f"ext:c{s % 50}@partner.example" if s % 2 else "bob",
                        "event_uid": f"{rota}-{s}",
                    }
                    for s in range(2000)
                ],
            )
    if runtime.engine.dialect.name == "postgresql":
        with runtime.engine.connect() as connection:
            connection.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))


def full_scans(runtime, statements):
    scan = _POSTGRES_SCAN if runtime.engine.dialect.name == "postgresql" else _SQLITE_SCAN
    return {
        statement: plan
        for statement, plan in explain(runtime, statements).items()
        if any(scan.search(step) for step in plan)
    }


def test_paging_refusing_and_who_read_external_rotas_through_indexes(
    runtime, clock, make_team, raise_alert, run_cycle, pages
):
    clock.set(NOW)
    make_team(TEAM)
    seed(runtime)
    clock.advance(timedelta(hours=6, minutes=1))  # c1 of the partner team is on feed3
    raise_alert()
    with captured_statements(runtime) as statements:
        with unit_of_work(runtime.read_sessions) as session:
            assert who(session, ["feed3"], clock.now())[0].now.person == "ext:c1@partner.example"
        run_cycle()
        with (
            unit_of_work(runtime.read_sessions) as session,
            contextlib.suppress(Conflict),
        ):
            refuse_if_external(session, "feed3", "an override")
    assert [page.destination for page in pages()] == ["c1@partner.example"]
    assert any("external_contacts" in statement for statement, _ in statements)
    # Compiling the plans reads every stored shift once per change (rotas/plans.py): by design.
    asked = [s for s in statements if not COMPILING.search(s[0])]
    assert len(asked) < len(statements)
    assert full_scans(runtime, asked) == {}
