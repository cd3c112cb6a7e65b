"""iCal feeds at secret URLs, read back with independent parsers (icalendar and
recurring_ical_events) and compared with the API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import icalendar
import pytest
import recurring_ical_events
from fastapi.testclient import TestClient

from dutydesk.app import create_app

WINTER_MORNING = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


@pytest.fixture
def team_api(api, example_team):
    """The API client (a responder) with the example team applied."""
    return api


@pytest.fixture
def anonymous(runtime):
    """A client without credentials, like a calendar app subscribing to a feed."""
    with TestClient(create_app(runtime)) as client:
        yield client


def feed_path(api, kind: str, subject: str) -> str:
    answer = api.get(f"/api/v1/{kind}/{subject}/feed")
    assert answer.status_code == 200, answer.text
    url = answer.json()["url"]
    assert url.startswith("http://dutydesk.test/ical/")
    return urlsplit(url).path


def fetch(client, path: str) -> icalendar.Calendar:
    answer = client.get(path)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(answer.content)


def events_between(
    calendar, start: datetime, end: datetime
) -> list[tuple[str, datetime, datetime]]:
    """(person, start, end) of each event in [start, end), clipped to it, in time order."""
    found = []
    for event in recurring_ical_events.of(calendar).between(start, end):
        person = str(event["DESCRIPTION"]).split(" on ", 1)[0]
        begins = max(event["DTSTART"].dt, start)
        ends = min(event["DTEND"].dt, end)
        found.append((person, begins, ends))
    return sorted(found, key=lambda item: item[1])


def shifts_between(api, rota: str, start: datetime, end: datetime, names: dict[str, str]):
    answer = api.get(
        f"/api/v1/rotas/{rota}/shifts", params={"from": start.isoformat(), "to": end.isoformat()}
    )
    assert answer.status_code == 200, answer.text
    return [
        (
            names[s["person"]],
            datetime.fromisoformat(s["from"]).astimezone(UTC),
            datetime.fromisoformat(s["until"]).astimezone(UTC),
        )
        for s in answer.json()
    ]


@pytest.fixture
def names(team_api) -> dict[str, str]:
    return {p["id"]: p["name"] for p in team_api.get("/api/v1/people").json()}


def test_the_feed_url_from_the_api_and_the_cli_agree(team_api, cli):
    for kind, option, subject in [
        ("rotas", "--rota", "engineering"),
        ("people", "--person", "bob"),
    ]:
        from_api = team_api.get(f"/api/v1/{kind}/{subject}/feed").json()["url"]
        from_cli = cli("feed", "url", option, subject)
        assert from_cli.code == 0, from_cli.err
        assert from_cli.out.strip() == from_api


def test_a_rota_feed_needs_no_bearer_token_and_is_a_valid_calendar(team_api, anonymous):
    calendar = fetch(anonymous, feed_path(team_api, "rotas", "engineering"))
    assert calendar["VERSION"] == "2.0"
    assert "PRODID" in calendar
    assert str(calendar["X-WR-CALNAME"]) == "In hours engineering support"
    events = calendar.walk("VEVENT")
    assert events
    for event in events:
        for required in ("UID", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY"):
            assert required in event
        assert event["DTSTART"].dt < event["DTEND"].dt
    uids = [str(e["UID"]) for e in events]
    assert len(uids) == len(set(uids))


def test_the_feed_is_well_formed_rfc_5545_text(team_api, anonymous):
    body = anonymous.get(feed_path(team_api, "rotas", "escalation")).content
    assert body.startswith(b"BEGIN:VCALENDAR\r\n")
    assert body.endswith(b"END:VCALENDAR\r\n")
    lines = body.split(b"\r\n")[:-1]
    assert all(b"\n" not in line and len(line) <= 75 for line in lines)
    assert body.count(b"BEGIN:VEVENT") == body.count(b"END:VEVENT") > 0


@pytest.mark.parametrize(
    ("rota", "start", "end"),
    [
        # Whole weeks of the in-hours rota, including the Easter bank holidays.
        ("engineering", datetime(2026, 1, 12, tzinfo=UTC), datetime(2026, 2, 9, tzinfo=UTC)),
        ("engineering", datetime(2026, 3, 23, tzinfo=UTC), datetime(2026, 4, 13, tzinfo=UTC)),
        # The round-the-clock rota across the clocks going forward; shifts cut at the edges.
        ("escalation", datetime(2026, 3, 20, 7, tzinfo=UTC), datetime(2026, 4, 9, 7, tzinfo=UTC)),
        ("comms", datetime(2026, 12, 14, tzinfo=UTC), datetime(2027, 1, 4, tzinfo=UTC)),
    ],
)
def test_feed_events_match_the_api_shifts(team_api, anonymous, names, rota, start, end):
    calendar = fetch(anonymous, feed_path(team_api, "rotas", rota))
    expected = shifts_between(team_api, rota, start, end, names)
    assert expected
    assert events_between(calendar, start, end) == expected


def test_an_override_is_in_the_feed_and_matches_the_api(team_api, anonymous, names):
    made = team_api.post(
        "/api/v1/rotas/engineering/overrides",
        json={"person": "dan", "from": "2026-01-20T12:00", "until": "2026-01-22T11:00"},
    )
    assert made.status_code == 201, made.text
    start, end = datetime(2026, 1, 19, tzinfo=UTC), datetime(2026, 1, 24, tzinfo=UTC)
    calendar = fetch(anonymous, feed_path(team_api, "rotas", "engineering"))
    found = events_between(calendar, start, end)
    assert found == shifts_between(team_api, "engineering", start, end, names)
    assert (
        "Dan Dorsey",
        datetime(2026, 1, 20, 12, tzinfo=UTC),
        datetime(2026, 1, 22, 11, tzinfo=UTC),
    ) in found
    overridden = [e for e in calendar.walk("VEVENT") if "(override)" in str(e["SUMMARY"])]
    assert [str(e["SUMMARY"]) for e in overridden] == ["Dan Dorsey on call (override)"]


def test_a_person_feed_has_their_shifts_on_every_rota(team_api, anonymous, names):
    start, end = datetime(2026, 1, 12, tzinfo=UTC), datetime(2026, 1, 26, tzinfo=UTC)
    calendar = fetch(anonymous, feed_path(team_api, "people", "bob"))
    expected = sorted(
        shift
        for rota in ("engineering", "comms", "escalation")
        for shift in shifts_between(team_api, rota, start, end, names)
        if shift[0] == "Bob Brown"
    )
    # Bob has the engineering week of 12 January and two escalation weeks.
    assert len(expected) == 5 + 2
    assert sorted(events_between(calendar, start, end)) == expected
    summaries = {str(e["SUMMARY"]) for e in recurring_ical_events.of(calendar).between(start, end)}
    assert summaries == {"On call: In hours engineering support", "On call: Escalation"}


def test_uids_are_the_same_on_every_fetch(team_api, anonymous, clock):
    path = feed_path(team_api, "rotas", "escalation")
    first = {str(e["UID"]): e for e in fetch(anonymous, path).walk("VEVENT")}
    again = {str(e["UID"]): e for e in fetch(anonymous, path).walk("VEVENT")}
    assert first.keys() == again.keys()
    clock.advance(timedelta(days=3, hours=5, minutes=7))
    later = {str(e["UID"]): e for e in fetch(anonymous, path).walk("VEVENT")}
    shared = first.keys() & later.keys()
    # Everything still inside the window keeps its UID and its times.
    assert len(shared) >= len(first) - 1
    for uid in shared:
        assert first[uid]["DTSTART"].dt == later[uid]["DTSTART"].dt
        assert first[uid]["DTEND"].dt == later[uid]["DTEND"].dt


def test_a_shift_cut_by_the_window_is_shown_whole(team_api, anonymous, clock):
    # 90 days before 2026-06-03 10:00Z is 2026-03-05 10:00Z, in the middle of carol's week.
    clock.set(datetime(2026, 6, 3, 10, 0, tzinfo=UTC))
    events = fetch(anonymous, feed_path(team_api, "rotas", "escalation")).walk("VEVENT")
    first = min(events, key=lambda e: e["DTSTART"].dt)
    assert first["DTSTART"].dt == datetime(2026, 3, 4, 10, 0, tzinfo=UTC)
    assert first["DTEND"].dt == datetime(2026, 3, 11, 10, 0, tzinfo=UTC)


def test_the_feed_covers_90_days_back_and_a_year_ahead(team_api, anonymous, clock):
    now = datetime(2026, 6, 1, 10, 0, tzinfo=UTC)
    clock.set(now)
    events = fetch(anonymous, feed_path(team_api, "rotas", "escalation")).walk("VEVENT")
    assert min(e["DTSTART"].dt for e in events) <= now - timedelta(days=90)
    assert max(e["DTEND"].dt for e in events) >= now + timedelta(days=365)
    in_hours = fetch(anonymous, feed_path(team_api, "rotas", "engineering")).walk("VEVENT")
    assert min(e["DTSTART"].dt for e in in_hours) <= now - timedelta(days=89)
    assert max(e["DTEND"].dt for e in in_hours) >= now + timedelta(days=364)


@pytest.mark.parametrize(
    "path",
    [
        "/ical/rotas/engineering/0000000000000000000000000000000000000000.ics",
        "/ical/rotas/engineering/short.ics",
        "/ical/rotas/nope/0000000000000000000000000000000000000000.ics",
        "/ical/people/bob/0000000000000000000000000000000000000000.ics",
        "/ical/people/nobody/0000000000000000000000000000000000000000.ics",
    ],
)
def test_a_wrong_token_is_404_like_an_unknown_rota(team_api, anonymous, path):
    answer = anonymous.get(path)
    assert answer.status_code == 404
    assert answer.json() == {"error": "not_found", "message": "no such calendar feed"}


def test_a_rota_token_does_not_open_another_rota_or_a_person(team_api, anonymous):
    token = feed_path(team_api, "rotas", "engineering").rsplit("/", 1)[1]
    assert anonymous.get(f"/ical/rotas/comms/{token}").status_code == 404
    assert anonymous.get(f"/ical/people/bob/{token}").status_code == 404


@pytest.mark.parametrize(
    ("kind", "option", "subject"),
    [("rotas", "--rota", "engineering"), ("people", "--person", "bob")],
)
def test_resetting_a_feed_changes_its_url_and_the_old_one_stops_working(
    team_api, anonymous, cli, kind, option, subject
):
    old = feed_path(team_api, kind, subject)
    reset = cli("feed", "reset", option, subject)
    assert reset.code == 0, reset.err
    new = feed_path(team_api, kind, subject)
    assert new != old
    assert anonymous.get(old).status_code == 404
    assert anonymous.get(new).status_code == 200
    assert urlsplit(cli("feed", "url", option, subject).out.strip()).path == new


def test_resetting_one_feed_leaves_the_others_alone(team_api, anonymous, cli):
    comms = feed_path(team_api, "rotas", "comms")
    bob = feed_path(team_api, "people", "bob")
    assert cli("feed", "reset", "--rota", "engineering").code == 0
    assert anonymous.get(comms).status_code == 200
    assert anonymous.get(bob).status_code == 200


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["feed", "url"], "exactly one of --rota or --person"),
        (["feed", "url", "--rota", "engineering", "--person", "bob"], "exactly one"),
        (["feed", "url", "--rota", "nope"], "no rota 'nope'"),
        (["feed", "reset", "--person", "nobody"], "no person 'nobody'"),
    ],
)
def test_feed_commands_with_bad_arguments_are_one_line_errors(cli, example_team, args, fragment):
    result = cli(*args)
    assert result.code == 2
    assert result.err.startswith("dutydesk: error: ")
    assert len(result.err.strip().splitlines()) == 1
    assert fragment in result.err
