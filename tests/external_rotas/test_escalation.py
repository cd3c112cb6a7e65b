"""Escalation through an external rota, with the clock fast-forwarded: the second step of the
policy pages whoever the followed feed names; when the feed becomes unreachable the last good
copy is still used; a step that reaches an external rota with nobody on it falls through at
once and says so in the alert's log; someone outside the team is paged by their e-mail."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from dutydesk.db import unit_of_work
from dutydesk.external_rotas.due import refresh_external_rotas
from dutydesk.incidents.policy import incident_policy
from dutydesk.incidents.roles import fill_roles
from tests.external_rotas.conftest import PEOPLE
from tests.external_rotas.feed_server import answer, calendar_answer

MINUTE = timedelta(minutes=1)
# Monday 9 March 2026, 10:00 UTC.
NOW = datetime(2026, 3, 9, 10, 0, tzinfo=UTC)
FEED_PATH = "/feeds/k3y-escalation-7f9a2c41/escalation.ics"

TEAM = """
team: platform
timezone: Europe/London
{people}rotas:
  - id: engineering
    name: Engineering
    layers:
      - {{members: [bob], shift: 1w, handoff: "Mon 09:00", start: 2026-01-05}}
  - id: escalation
    name: Escalation
    external:
      url: {url}
      match: {{by: email}}
escalation_policies:
  - id: standard
    name: Standard
    steps:
      - notify: [{{rota: engineering}}]
        escalate_after: 15m
      - notify: [{{rota: escalation}}]
        escalate_after: 15m
      - notify: [{{person: alice}}]
services:
  - id: platform-api
    name: Platform API
    escalation_policy: standard
"""


def feed(*events: tuple[str, str, str]) -> bytes:
    """A PagerDuty-shaped feed: one VEVENT per shift (start, end in UTC, attendee e-mail)."""
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//PagerDuty-shaped//EN"]
    for index, (start, end, email) in enumerate(events):
        lines += [
            "BEGIN:VEVENT",
            f"UID:escalation-{index}",
            "DTSTAMP:20260301T000000Z",
            f"DTSTART:{start}",
            f"DTEND:{end}",
            f"SUMMARY:On Call - {email} - Escalation",
            f"ATTENDEE;CN={email.split('@')[0].title()}:mailto:{email}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


CAROL_THIS_WEEK = feed(("20260309T090000Z", "20260316T090000Z", "carol@example.org"))


@pytest.fixture
def team(runtime, make_team, server):
    runtime.clock.set(NOW)
    server.routes[FEED_PATH] = calendar_answer(CAROL_THIS_WEEK)
    make_team(TEAM.format(people=PEOPLE, url=server.url(FEED_PATH)))
    assert refresh_external_rotas(runtime) == 1
    return server


def destinations(pages):
    return [page.destination for page in pages()]


def test_the_second_step_pages_the_person_the_feed_names(
    runtime, team, raise_alert, run_cycle, pages
):
    raise_alert()
    run_cycle()
    assert destinations(pages) == ["bob@example.org"]
    runtime.clock.advance(15 * MINUTE)
    run_cycle()
    assert destinations(pages) == ["bob@example.org", "carol@example.org"]


def test_with_the_feed_unreachable_the_last_good_copy_still_pages(
    runtime, team, raise_alert, run_cycle, pages
):
    team.routes.clear()  # every path answers 404 now
    team.routes[FEED_PATH] = answer(503, b"down for maintenance")
    runtime.clock.advance(15 * MINUTE)
    refresh_external_rotas(runtime)
    raise_alert()
    run_cycle()
    runtime.clock.advance(15 * MINUTE)
    run_cycle()
    assert destinations(pages) == ["bob@example.org", "carol@example.org"]


def test_an_empty_external_step_falls_through_at_once_and_says_so(
    runtime, make_team, server, raise_alert, run_cycle, pages, log_of
):
    runtime.clock.set(NOW)
    server.routes[FEED_PATH] = calendar_answer(
        feed(("20260401T090000Z", "20260408T090000Z", "carol@example.org"))
    )
    make_team(TEAM.format(people=PEOPLE, url=server.url(FEED_PATH)))
    refresh_external_rotas(runtime)
    alert_id = raise_alert()
    run_cycle()
    runtime.clock.advance(15 * MINUTE)
    run_cycle()  # step 2 finds nobody on the external rota: step 3 is due now
    run_cycle()
    assert destinations(pages) == ["bob@example.org", "alice@example.org"]
    assert log_of(alert_id) == [
        "trigger",
        "page",
        "nobody-on-call",
        "fell-through",
        "page",
        "escalation-ended",
    ]


def test_someone_outside_the_team_is_paged_by_the_feeds_email(
    runtime, make_team, server, raise_alert, run_cycle, pages
):
    runtime.clock.set(NOW)
    server.routes[FEED_PATH] = calendar_answer(
        feed(("20260309T090000Z", "20260316T090000Z", "pat@partner.example"))
    )
    make_team(TEAM.format(people=PEOPLE, url=server.url(FEED_PATH)))
    refresh_external_rotas(runtime)
    raise_alert()
    run_cycle()
    runtime.clock.advance(15 * MINUTE)
    run_cycle()
    assert destinations(pages) == ["bob@example.org", "pat@partner.example"]


def test_the_incidents_escalation_contact_is_whoever_the_feed_names(runtime, make_team, server):
    runtime.clock.set(NOW)
    server.routes[FEED_PATH] = calendar_answer(CAROL_THIS_WEEK)
    make_team(
        TEAM.format(people=PEOPLE, url=server.url(FEED_PATH))
        + "incidents: {escalation_rota: escalation}\n"
    )
    refresh_external_rotas(runtime)
    with unit_of_work(runtime.read_sessions) as session:
        roles = {
            fill.role: (fill.person_id, fill.reason)
            for fill in fill_roles(session, incident_policy(session), NOW, "bob")
        }
    assert roles["escalation"] == ("carol", "escalation rota (escalation)")
    assert roles["comms"] == ("carol", "escalation rota (escalation): comms rota none is set")


def test_a_contact_outside_the_team_fills_no_incident_role(runtime, make_team, server):
    runtime.clock.set(NOW)
    server.routes[FEED_PATH] = calendar_answer(
        feed(("20260309T090000Z", "20260316T090000Z", "pat@partner.example"))
    )
    make_team(
        TEAM.format(people=PEOPLE, url=server.url(FEED_PATH))
        + "incidents: {escalation_rota: escalation}\n"
    )
    refresh_external_rotas(runtime)
    with unit_of_work(runtime.read_sessions) as session:
        roles = {
            fill.role: fill.person_id
            for fill in fill_roles(session, incident_policy(session), NOW, "bob")
        }
    assert roles["escalation"] is None
