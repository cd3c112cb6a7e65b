"""An external rota used like any rota and shown as one: its page says where it comes from and
how its refreshes go, overrides, swaps and cover are refused with a clear message, the API and
the commands show it with its URL redacted, `/metrics` counts its failures, admins are told of a
stale copy and confirm a suspect one, and a bad team file changes nothing."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid
from dutydesk.external_rotas.due import refresh_external_rotas
from dutydesk.external_rotas.models import ExternalRota
from dutydesk.notify.models import OutboxMessage
from dutydesk.oncall.service import who
from dutydesk.swaps.service import request_swap
from tests.external_rotas.conftest import PEOPLE
from tests.external_rotas.feed_server import FEEDS, FeedServer, answer, calendar_answer
from tests.web_fixtures import add_user

PAGERDUTY = (FEEDS / "pagerduty.ics").read_bytes()
SECRET = "k3y-0123456789abcdef"
PATH = f"/private/{SECRET}/feed.ics"
NOW = datetime(2026, 3, 20, 12, 0, tzinfo=UTC)  # Alice Archer's week in the feed

TEAM = """
team: platform
timezone: Europe/London
{people}rotas:
  - id: primary
    name: Platform primary
    external:
      url: {url}
      refresh: 30m
      stale_after: 2h
"""


@pytest.fixture
def followed(runtime, clock, make_team, server) -> FeedServer:
    clock.set(NOW)
    server.routes[PATH] = calendar_answer(PAGERDUTY)
    make_team(TEAM.format(people=PEOPLE, url=server.url(PATH)))
    refresh_external_rotas(runtime)
    return server


def text_of(markup: str) -> str:
    words = " ".join(re.sub(r"<[^>]+>", " ", markup).split())
    return re.sub(r" ([,;:.)])", r"\1", words)


def fail_next_refresh(runtime, clock, server, route=None) -> None:
    server.routes[PATH] = route or answer(500, b"oops")
    clock.advance(timedelta(minutes=30))
    refresh_external_rotas(runtime)


# The rota's page and the list


def test_the_rotas_page_says_it_is_external_where_from_and_when_refreshed(followed, browser):
    page = browser("vic", role="viewer").get("/rotas/primary")
    assert page.status_code == 200
    box = text_of(re.search(r'<section class="external-feed.*?</section>', page.text, re.S)[0])
    assert "External rota external" in box
    assert f"followed from http://127.0.0.1:{followed.port}/….ics, fetched every 30 min" in box
    assert "Last refreshed Fri 20 Mar 12:00" in box
    assert SECRET not in page.text
    assert "Alice Archer" in page.text
    assert "Covered hours: as its feed gives." in text_of(page.text)


def test_the_page_offers_no_overrides_swaps_or_cover_on_an_external_rota(followed, browser):
    page = browser("rhea").get("/rotas/primary")
    assert "/rotas/primary/overrides" not in page.text
    assert "/cover/new" not in page.text
    assert "/swaps/new?rota=primary" not in page.text


def test_a_failure_is_shown_on_the_page_with_the_copy_still_in_use(
    runtime, clock, followed, browser
):
    fail_next_refresh(runtime, clock, followed)
    page = browser("vic", role="viewer").get("/rotas/primary")
    failure = text_of(re.search(r'id="external-failure".*?</p>', page.text, re.S)[0])
    assert "The last refresh failed (failing since Fri 20 Mar 12:30)" in failure
    assert "answered HTTP 500 Internal Server Error" in failure
    assert "The copy fetched Fri 20 Mar 12:00 is still in use." in failure
    assert SECRET not in page.text
    listing = browser("val", role="viewer").get("/rotas")
    assert "feed trouble" in listing.text


def test_the_list_marks_the_rota_external(followed, browser):
    page = browser("vic", role="viewer").get("/rotas")
    row = text_of(re.search(r'<tr data-rota="primary">(.*?)</tr>', page.text, re.S)[1])
    assert row.startswith("Platform primary: calendar external as its feed gives Alice Archer")
    assert "until Wed 25 Mar 10:00 Bob Brown from Wed 25 Mar 10:00" in row


# A suspect copy, confirmed by an admin


EMPTY = b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//x//EN\r\nEND:VCALENDAR\r\n"


def test_an_admin_confirms_a_suspect_copy_and_nobody_is_on_call_then(
    runtime, clock, followed, browser
):
    add_user(runtime, "ada-account", "viewer", None)
    fail_next_refresh(runtime, clock, followed, calendar_answer(EMPTY))
    responder = browser("rhea")
    page = responder.get("/rotas/primary")
    assert "The feed now puts nobody on call in the coming week" in text_of(page.text)
    assert "/rotas/primary/external/confirm" not in page.text
    assert responder.post("/rotas/primary/external/confirm", {}).status_code == 403

    admin = browser("ada", role="admin")
    assert admin.post("/rotas/primary/external/confirm", {}, token="0" * 64).status_code == 403
    with unit_of_work(runtime.read_sessions) as session:
        assert who(session, ["primary"], clock.now())[0].now.person == "alice"
    answer_ = admin.post("/rotas/primary/external/confirm", {})
    assert answer_.status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        assert who(session, ["primary"], clock.now())[0].now.person is None
        row = session.get(ExternalRota, "primary")
        assert row is not None and row.suspect_since is None
    again = admin.post("/rotas/primary/external/confirm", {})
    assert again.status_code == 303  # nothing waits now: said on the page, nothing changed
    assert "nothing waiting to be confirmed" in admin.get("/rotas/primary").text


def test_refresh_now_makes_the_feed_due_at_once(runtime, clock, followed, browser):
    admin = browser("ada", role="admin")
    assert admin.post("/rotas/primary/external/refresh", {}).status_code == 303
    with unit_of_work(runtime.read_sessions) as session:
        row = session.get(ExternalRota, "primary")
        assert row is not None and row.next_fetch_at == clock.now()
    assert browser("rhea").post("/rotas/primary/external/refresh", {}).status_code == 403


# Overrides, swaps and cover are the other tool's


def test_overrides_and_cover_are_refused_with_a_message_naming_where_it_comes_from(followed, api):
    override = api.post(
        "/api/v1/rotas/primary/overrides",
        json={"person": "bob", "from": "2026-03-21T09:00", "until": "2026-03-21T17:00"},
    )
    assert override.status_code == 409
    message = override.json()["message"]
    assert message.startswith("'primary' follows the schedule published at http://127.0.0.1:")
    assert "an override belongs to the tool that owns it, so make the change there" in message
    assert SECRET not in message
    cover = api.post("/api/v1/rotas/primary/cover", json={"by": "bob", "for": "30m"})
    assert cover.status_code == 409
    assert "break cover belongs to the tool that owns it" in cover.json()["message"]
    assert api.get("/api/v1/rotas/primary/overrides").json() == []


def test_a_swap_is_refused_on_an_external_rota(runtime, followed):
    with unit_of_work(runtime.sessions) as session, pytest.raises(Conflict, match="a swap belongs"):
        request_swap(
            session,
            rota_id="primary",
            requester_id="alice",
            start=NOW,
            end=NOW + timedelta(hours=4),
            offered_to=[],
            note=None,
            actor="cli",
            now=NOW,
        )


def test_the_override_command_exits_2_with_the_message(cli, followed):
    result = cli(
        "override",
        "add",
        "primary",
        "--person",
        "bob",
        "--from",
        "2026-03-21T09:00",
        "--until",
        "2026-03-21T17:00",
    )
    assert result.code == 2, result
    assert "follows the schedule published at" in result.err
    assert SECRET not in result.err


# The API and the commands


def test_the_api_shows_the_rota_with_its_url_redacted_and_who_is_on_it(followed, api):
    rota = api.get("/api/v1/rotas/primary").json()
    assert rota["layers"] == []
    status = rota["external"].pop("status")
    assert rota["external"] == {
        "url": f"http://127.0.0.1:{followed.port}/….ics",
        "refresh": "30m",
        "stale_after": "2h",
        "match": {"by": "email", "pattern": None, "people": {}},
    }
    assert status["last_success_at"] == "2026-03-20T12:00:00Z"
    assert (status["failure_reason"], status["stale"], status["suspect_since"]) == (
        None,
        False,
        None,
    )
    assert status["events_read"] == 7
    listed = {r["id"]: r for r in api.get("/api/v1/rotas").json()}
    assert listed["primary"]["external"]["status"] == status
    on_call = api.get("/api/v1/rotas/primary/oncall").json()
    assert (on_call["person"], on_call["source"]) == ("alice", "external")


def test_who_feeds_refresh_and_confirm_commands(runtime, clock, cli, followed):
    shown = cli("who", "primary")
    assert shown.code == 0
    assert "alice" in shown.out and "external" in shown.out
    feeds = cli("rota", "feeds")
    assert f"http://127.0.0.1:{followed.port}/….ics" in feeds.out
    assert SECRET not in feeds.out
    [listed] = json.loads(cli("rota", "feeds", "--json").out)
    assert (listed["rota"], listed["source"], listed["refresh_seconds"]) == (
        "primary",
        f"http://127.0.0.1:{followed.port}/….ics",
        1800,
    )
    assert (listed["last_success_at"], listed["failure_reason"]) == ("2026-03-20T12:00:00Z", None)

    followed.routes[PATH] = answer(404, b"gone")
    refreshed = cli("rota", "refresh", "primary")
    assert refreshed.code == 1
    assert "answered HTTP 404 Not Found (the last good copy stays)" in refreshed.err
    assert SECRET not in refreshed.err

    followed.routes[PATH] = calendar_answer(EMPTY)
    waiting = cli("rota", "refresh", "primary")
    assert "until someone confirms the new one (dutydesk rota confirm primary)" in waiting.out
    assert cli("rota", "confirm", "primary").code == 0
    assert cli("rota", "confirm", "primary").code == 2
    assert cli("rota", "refresh", "nope").code == 2


# /metrics and the admins


def test_metrics_show_the_failure_and_the_copys_age(runtime, clock, followed, api):
    fail_next_refresh(runtime, clock, followed)
    scraped = api.get("/metrics")
    assert scraped.status_code == 200
    samples = {
        (sample.name, tuple(sorted(sample.labels.items()))): sample.value
        for family in text_string_to_metric_families(scraped.text)
        for sample in family.samples
    }
    assert (
        samples[
            ("dutydesk_external_rota_failing", (("reason", "http_status"), ("rota", "primary")))
        ]
        == 1
    )
    assert samples[("dutydesk_external_rota_copy_age_seconds", (("rota", "primary"),))] == 1800
    assert samples[("dutydesk_external_rota_suspect", (("rota", "primary"),))] == 0


def test_admins_are_told_once_when_the_copy_turns_stale(runtime, clock, followed):
    add_user(runtime, "ada", "admin", "carol")
    add_user(runtime, "rhea", "responder", "bob")
    for _ in range(6):  # three hours of failing refreshes, every 30 minutes
        fail_next_refresh(runtime, clock, followed)
    with unit_of_work(runtime.read_sessions) as session:
        told = session.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("external-rota-%"))
        ).all()
    assert [(m.channel, m.destination) for m in told] == [("email", "carol@example.org")]
    assert told[0].subject == "[Dutydesk] External rota Platform primary: no fresh copy for 2 hours"
    assert SECRET not in told[0].text
    assert "http://dutydesk.test/rotas/primary" in told[0].text


# The team file


@pytest.mark.parametrize(
    ("external", "message"),
    [
        ("{url: 'webcal://example.org/feed.ics'}", "uses webcal://"),
        ("{url: 'http://example.org/feed.ics'}", "must use https"),
        ("{url: 'https://example.org/f.ics', refresh: 10s}", "is not a duration"),
        ("{url: 'https://example.org/f.ics', refresh: 2d}", "must be between 1m and 1d"),
        ("{url: 'https://example.org/f.ics', stale_after: 10m}", "must be longer than refresh"),
        ("{url: 'https://example.org/f.ics', match: {by: summary}}", "needs a pattern"),
        (
            "{url: 'https://example.org/f.ics', match: {by: summary, pattern: '(x'}}",
            "not a regular expression",
        ),
        ("{url: 'https://example.org/f.ics', match: {by: people, people: {Zed: zed}}}", "'zed'"),
    ],
)
def test_a_bad_external_rota_is_refused_and_changes_nothing(
    runtime, make_team, followed, external, message
):
    team = TEAM.format(people=PEOPLE, url=followed.url(PATH)).split("    external:")[0]
    with pytest.raises(Invalid, match=re.escape(message)):
        make_team(team + f"    external: {external}\n")
    with unit_of_work(runtime.read_sessions) as session:
        row = session.get(ExternalRota, "primary")
        assert row is not None and row.url == followed.url(PATH)


def test_an_external_rota_with_layers_is_refused(make_team, server):
    with pytest.raises(
        Invalid, match="an external rota's schedule is its feed's: it has no layers"
    ):
        make_team(
            TEAM.format(people=PEOPLE, url=server.url(PATH))
            + "    layers: [{members: [alice], shift: 1w, handoff: 'Mon 09:00', start: 2026-01-05}]\n"
        )


def test_a_new_person_with_the_contacts_email_turns_their_shifts_into_theirs(
    runtime, clock, make_team, followed
):
    later = datetime(2026, 4, 2, tzinfo=UTC)
    with unit_of_work(runtime.read_sessions) as session:
        assert who(session, ["primary"], later)[0].now.person == "ext:pat@partner.example"
    make_team(
        TEAM.format(people=PEOPLE, url=followed.url(PATH)).replace(
            "rotas:", "  - {id: pat, name: Pat Partner, email: pat@partner.example}\nrotas:"
        )
    )
    fetched = len(followed.seen)
    assert refresh_external_rotas(runtime) == 1  # read again from the kept copy
    assert len(followed.seen) == fetched  # without fetching it
    with unit_of_work(runtime.read_sessions) as session:
        assert who(session, ["primary"], later)[0].now.person == "pat"


def test_turning_it_into_a_rota_of_our_own_drops_the_followed_shifts(runtime, make_team, followed):
    make_team(
        TEAM.format(people=PEOPLE, url=followed.url(PATH)).split("    external:")[0]
        + "    layers: [{members: [bob], shift: 1w, handoff: 'Mon 09:00', start: 2026-01-05}]\n"
    )
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalar(select(ExternalRota)) is None
        assert who(session, ["primary"], NOW)[0].now.person == "bob"


@pytest.mark.parametrize(
    "external",
    [
        "{url: 'http://example.org/secret-key-123456/feed.ics'}",
        "{url: 'https://example.org/secret-key-123456/feed.ics', refresh: 2d}",
        "{url: 'https://example.org/secret-key-123456/feed.ics', match: {by: summary}}",
    ],
)
def test_a_refused_team_file_never_shows_the_whole_url(make_team, external):
    with pytest.raises(Invalid) as refused:
        make_team(
            "team: p\ntimezone: Europe/London\nrotas:\n  - id: r\n    name: R\n"
            f"    external: {external}\n"
        )
    assert "secret-key-123456" not in refused.value.message
    assert "rotas[0].external" in refused.value.message


def test_a_fairer_order_is_not_suggested_for_an_external_rota(cli, followed):
    refused = cli("rota", "suggest", "primary")
    assert refused.code == 2
    assert "'primary' is an external rota: its order is set in the tool that owns it" in (
        refused.err
    )
    load = cli("rota", "load", "--rota", "primary", "--from", "2026-03-18", "--to", "2026-03-25")
    assert load.code == 0 and "alice" in load.out
