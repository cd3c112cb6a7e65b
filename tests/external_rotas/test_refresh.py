"""External rotas end to end on both databases: a team file with `external:`, its feed served by
a real local HTTP server, refreshed by the worker's refresh, and read by `who` and `schedule`;
the last good copy kept through every kind of failure, and a suspect reading kept aside."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import yaml
from sqlalchemy import func, select

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.external_rotas.due import refresh_external_rotas, wait_for_refresh
from dutydesk.external_rotas.feed import TeamPerson, default_window, read_feed
from dutydesk.external_rotas.models import ExternalContact, ExternalRota, ExternalShift
from dutydesk.external_rotas.refresh import match_rule
from dutydesk.oncall.service import shifts, who
from dutydesk.team.teamfile import dump_team_yaml
from dutydesk.team_as_code.service import export_spec, plan
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.worker.cycles import default_cycles
from dutydesk.worker.loop import Worker
from tests.external_rotas.conftest import PEOPLE
from tests.external_rotas.feed_server import (
    FEEDS,
    answer,
    calendar_answer,
    redirect,
)

PAGERDUTY = (FEEDS / "pagerduty.ics").read_bytes()
MANY_EXCEPTIONS = (
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:daily\r\n"
    "DTSTART:20260101T090000Z\r\nDTEND:20260101T170000Z\r\nRRULE:FREQ=HOURLY\r\n"
    "SUMMARY:On call\r\nATTENDEE:mailto:alice@example.org\r\n"
    + "".join(
        f"EXDATE:{datetime(2026, 1, 2, tzinfo=UTC) + timedelta(hours=n):%Y%m%dT%H%M%SZ}\r\n"
        for n in range(5_001)
    )
    + "END:VEVENT\r\nEND:VCALENDAR\r\n"
).encode()
SECRET_PATH = "/private/k3y-0123456789abcdef/feed.ics"
# A Friday in March 2026: Alice Archer's week in the PagerDuty-shaped feed.
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)

TEAM = """
team: platform
timezone: Europe/London
{people}rotas:
  - id: primary
    name: Primary
    external:
      url: {url}
      match: {{by: email}}
"""


@pytest.fixture
def followed(runtime, clock, make_team, server):
    clock.set(NOW)
    server.routes[SECRET_PATH] = calendar_answer(PAGERDUTY, {"ETag": '"v1"'})
    make_team(TEAM.format(people=PEOPLE, url=server.url(SECRET_PATH)))
    return server


def on_call(runtime, at, rota="primary"):
    with unit_of_work(runtime.read_sessions) as session:
        return who(session, [rota], at)[0].now


def feed_row(runtime) -> ExternalRota:
    with unit_of_work(runtime.read_sessions) as session:
        row = session.get(ExternalRota, "primary")
        assert row is not None
        session.expunge(row)
        return row


def stored_shifts(runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return session.scalar(select(func.count()).select_from(ExternalShift)) or 0


def test_an_external_rota_has_nobody_until_its_feed_is_read_then_the_feeds_people(
    runtime, followed
):
    assert on_call(runtime, NOW).person is None
    assert refresh_external_rotas(runtime) == 1

    now = on_call(runtime, NOW)
    assert (now.person, now.source) == ("alice", "external")
    assert now.start == datetime(2026, 3, 18, 10, 0, tzinfo=UTC)
    assert now.end == datetime(2026, 3, 25, 10, 0, tzinfo=UTC)
    # The override inside a week is on top; someone not in the team is an external contact.
    assert on_call(runtime, datetime(2026, 4, 10, 13, tzinfo=UTC)).person == "carol"
    assert on_call(runtime, datetime(2026, 4, 2, tzinfo=UTC)).person == "ext:pat@partner.example"
    with unit_of_work(runtime.read_sessions) as session:
        contacts = session.scalars(select(ExternalContact)).all()
        assert [(c.id, c.name, c.email) for c in contacts] == [
            ("ext:pat@partner.example", "Pat Partner", "pat@partner.example")
        ]
        week = shifts(session, "primary", NOW, NOW + timedelta(days=7))
    assert [(s.person, s.source) for s in week] == [("alice", "external"), ("bob", "external")]
    row = feed_row(runtime)
    assert (row.etag, row.last_success_at, row.failure_reason) == ('"v1"', NOW, None)


def test_a_304_keeps_the_copy_and_sends_the_etag_back(runtime, clock, followed):
    refresh_external_rotas(runtime)
    followed.routes[SECRET_PATH] = answer(304, headers={"ETag": '"v1"'})
    clock.advance(timedelta(minutes=15))
    assert refresh_external_rotas(runtime) == 1
    assert followed.seen[-1].headers["if-none-match"] == '"v1"'
    assert on_call(runtime, clock.now()).person == "alice"
    assert feed_row(runtime).last_success_at == clock.now()


def test_nothing_is_fetched_before_the_refresh_interval(runtime, clock, followed):
    refresh_external_rotas(runtime)
    clock.advance(timedelta(minutes=14))
    assert refresh_external_rotas(runtime) == 0
    assert len(followed.seen) == 1


@pytest.mark.parametrize(
    ("route", "reason"),
    [
        (answer(500, b"oops"), "http_status"),
        (calendar_answer(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"), "malformed"),
        (answer(200, b"<html>sign in</html>", {"Content-Type": "text/html"}), "not_a_calendar"),
        (
            calendar_answer(
                PAGERDUTY.replace(
                    b"DTSTART:20260318T100000Z", b"DTSTART;TZID=Mars/Olympus:20260318T100000"
                )
            ),
            "unknown_time_zone",
        ),
        (redirect("https://evil.example/feed.ics"), "redirect_refused"),
        (calendar_answer(b"BEGIN:VCALENDAR\r\n" + b"X-PAD:" + b"x" * 6_000_000), "too_large"),
        (calendar_answer(MANY_EXCEPTIONS), "too_many_exceptions"),
    ],
    ids=[
        "server error",
        "malformed",
        "a sign-in page",
        "an unknown zone",
        "a redirect to another host",
        "too large",
        "thousands of exceptions",
    ],
)
def test_a_failure_keeps_the_last_good_copy_and_says_why(runtime, clock, followed, route, reason):
    refresh_external_rotas(runtime)
    before = stored_shifts(runtime)
    followed.routes[SECRET_PATH] = route
    clock.advance(timedelta(minutes=15))
    refresh_external_rotas(runtime)

    row = feed_row(runtime)
    assert row.failure_reason == reason
    assert row.failing_since == clock.now()
    assert row.failure_message and SECRET_PATH not in row.failure_message
    assert row.last_success_at == NOW
    assert stored_shifts(runtime) == before
    assert on_call(runtime, clock.now()).person == "alice"


@pytest.mark.parametrize(
    ("name", "rule", "at", "expected"),
    [
        ("pagerduty.ics", "{by: email}", datetime(2026, 3, 20, 12, tzinfo=UTC), "alice"),
        # Someone outside the team: an external contact by their e-mail.
        (
            "opsgenie.ics",
            "{by: email}",
            datetime(2025, 10, 24, 12, tzinfo=UTC),
            "ext:dan@example.org",
        ),
        (
            "google.ics",
            "{by: summary, pattern: '^On call: (?P<name>.+)$'}",
            datetime(2026, 3, 28, 12, tzinfo=UTC),
            "alice",
        ),
    ],
)
def test_feeds_shaped_like_the_tools_are_served_refreshed_and_read(
    runtime, clock, make_team, server, name, rule, at, expected
):
    body = (FEEDS / name).read_bytes()
    clock.set(at)
    server.routes[SECRET_PATH] = calendar_answer(body)
    make_team(TEAM.format(people=PEOPLE, url=server.url(SECRET_PATH)).replace("{by: email}", rule))
    assert refresh_external_rotas(runtime) == 1
    assert feed_row(runtime).failure_reason is None
    window_start, window_end = default_window(at)
    people = [
        TeamPerson(p, n, (f"{p}@example.org",))
        for p, n in (("alice", "Alice Archer"), ("bob", "Bob Brown"), ("carol", "Carol Chen"))
    ]
    reading = read_feed(
        body,
        window_start=window_start,
        window_end=window_end,
        zone=ZoneInfo("Europe/London"),
        rule=match_rule(yaml.safe_load(rule)),
        people=people,
    )
    assert reading.shifts
    assert stored_shifts(runtime) == len(reading.shifts)
    assert on_call(runtime, at).person == expected


def test_a_feed_that_suddenly_has_nobody_next_week_is_kept_aside_until_confirmed(
    runtime, clock, followed
):
    refresh_external_rotas(runtime)
    empty = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nEND:VCALENDAR\r\n"
    followed.routes[SECRET_PATH] = calendar_answer(empty, {"ETag": '"v2"'})
    clock.advance(timedelta(minutes=15))
    refresh_external_rotas(runtime)

    row = feed_row(runtime)
    assert row.suspect_since == clock.now()
    assert row.etag == '"v1"'  # the kept copy's validators: the suspect one is fetched again
    assert on_call(runtime, clock.now()).person == "alice"


def test_the_url_is_exported_redacted_and_the_export_applies_with_no_change(
    runtime, make_team, followed
):
    with unit_of_work(runtime.read_sessions) as session:
        exported = export_spec(session)
    assert exported is not None
    external = exported.rotas[0].external
    assert external is not None
    dumped = exported.model_dump(mode="json")
    text = repr(dumped)
    assert "k3y-0123456789abcdef" not in text
    assert dumped["rotas"][0]["external"]["url"] == f"http://127.0.0.1:{followed.port}/….ics"
    written = dump_team_yaml(exported.model_dump(mode="python", exclude_none=True))
    with unit_of_work(runtime.read_sessions) as session:
        assert plan(session, read_team_file(written, "team.yaml")) == []
    # Applied, it keeps the stored URL: the feed is still fetched from its whole address.
    make_team(written)
    assert feed_row(runtime).url == followed.url(SECRET_PATH)


def test_a_redacted_url_that_is_not_the_stored_ones_is_refused(runtime, make_team, followed):
    with pytest.raises(Invalid, match="write the feed's whole URL"):
        make_team(TEAM.format(people=PEOPLE, url=f"http://127.0.0.1:{followed.port}/…nope"))
    assert feed_row(runtime).url == followed.url(SECRET_PATH)


def test_the_worker_refreshes_in_the_background_and_one_refresh_at_a_time(runtime, clock, followed):
    worker = Worker(runtime, default_cycles(), worker_id="test")
    handled = worker.run_once()
    assert handled["external_rotas"] == 0  # started, not waited for: paging goes on
    wait_for_refresh(runtime)
    assert on_call(runtime, NOW).person == "alice"
    assert len(followed.seen) == 1
    worker.run_once()  # nothing due: nothing started
    wait_for_refresh(runtime)
    assert len(followed.seen) == 1
    clock.advance(timedelta(minutes=15))
    worker.run_once()
    wait_for_refresh(runtime)
    assert len(followed.seen) == 2
