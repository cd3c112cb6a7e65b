"""The light reader of plain one-off events (external_rotas/lines.py) gives exactly the readings
icalendar gives: on every fixture, on the refusals, on the benchmark's feed, and on feeds made
up by hypothesis of every kind of time, parameter, escape and fold a plain event may have."""

from __future__ import annotations

import warnings
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from bench.external_feed import feed as bench_feed
from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk.external_rotas.feed import (
    FeedReading,
    FeedRefused,
    MatchBy,
    MatchRule,
    TeamPerson,
    _Matcher,
    _read,
    default_window,
)
from dutydesk.external_rotas.lines import split_feed

FEEDS = Path(__file__).parent / "feeds"
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
WINDOW = default_window(NOW)
PEOPLE = (
    TeamPerson("alice", "Alice Archer", ("alice@example.org",)),
    TeamPerson("bob", "Bob Brown", ("bob@example.org",)),
    TeamPerson("carol", "Carol Chen", ("carol@example.org",)),
)
RULES = (
    MatchRule(MatchBy.EMAIL),
    MatchRule(MatchBy.SUMMARY, r"On [Cc]all(?: -|:) (?P<name>[^-]+?)(?: - |$)"),
    MatchRule(MatchBy.PEOPLE, None, {"Alice Archer": "alice", "bob@example.org": "bob"}),
)


def both_ways(feed: bytes, rule: MatchRule, now: datetime = NOW) -> tuple[object, object]:
    """The reading (or refusal message) with the light reader and with icalendar alone."""
    start, end = default_window(now)
    answers = []
    for plain_lines in (True, False):
        try:
            with warnings.catch_warnings():
                # As read_feed does: a vendor-prefixed tz name means the zone it names.
                warnings.filterwarnings("ignore", message=".*globally unique TZID.*")
                reading: FeedReading | str = _read(
                    feed, start, end, LONDON, _Matcher(rule, PEOPLE), plain_lines=plain_lines
                )
        except FeedRefused as refused:
            reading = f"{refused.reason}: {refused.message}"
        answers.append(reading)
    return answers[0], answers[1]


@pytest.mark.parametrize("rule", RULES, ids=["email", "summary", "people"])
@pytest.mark.parametrize("name", ["pagerduty.ics", "opsgenie.ics", "google.ics"])
def test_the_fixtures_read_the_same_both_ways(name, rule):
    feed = (FEEDS / name).read_bytes()
    for now in (NOW, datetime(2026, 4, 1, tzinfo=UTC), datetime(2025, 11, 1, tzinfo=UTC)):
        light, full = both_ways(feed, rule, now)
        assert light == full


def test_the_pagerduty_shape_is_read_without_icalendar():
    split = split_feed((FEEDS / "pagerduty.ics").read_bytes())
    assert split is not None
    assert len(split.plain) == split.events  # every event plain, icalendar left nothing
    assert split.rest is None


def test_the_benchmark_feed_reads_the_same_both_ways():
    light, full = both_ways(bench_feed(), RULES[2])
    assert light == full


@pytest.mark.parametrize(
    "feed",
    [
        b"",
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n",
        b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:2026013\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260231T100000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nSUMMARY:x\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART;TZID=Mars/Olympus:20260120T100000\r\n"
        b"END:VEVENT\r\nEND:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260120T100000Z\r\nEND:VTODO\r\n"
        b"END:VCALENDAR\r\n",
        b"BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:a\r\nDTSTART:20260120T100000Z\r\n"
        b'DTEND:20260120T120000Z\r\nATTENDEE;CN="Alice; Archer":mailto:alice@example.org\r\n'
        b"END:VEVENT\r\nEND:VCALENDAR\r\n",
        "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:é\r\nDTSTART:20260120T100000Z\r\n"
        "DTEND:20260120T120000Z\r\nSUMMARY:On call: Alice Archer\r\nEND:VEVENT\r\n"
        "END:VCALENDAR\r\n".encode("latin-1"),
    ],
    ids=[
        "empty",
        "cut short",
        "two calendars",
        "a broken date",
        "31 February",
        "no DTSTART",
        "an unknown zone",
        "an END that does not match",
        "a quoted CN with a semicolon",
        "not UTF-8",
    ],
)
def test_refusals_and_odd_feeds_read_the_same_both_ways(feed):
    for rule in RULES:
        light, full = both_ways(feed, rule)
        assert light == full


ZONES = ["Europe/London", "America/New_York", "UTC", "Asia/Kolkata", "GMT Standard Time"]
NAMES = [("Alice Archer", "alice@example.org"), ("Bob Brown", "BOB@example.org"),
         ("Pat Partner", "pat@partner.example"), ("Zoë; \"Quoted\"", "zoe@example.org")]  # fmt: skip


@st.composite
def events(draw: st.DrawFn, index: int) -> list[str]:
    """One VEVENT's lines, folded or not: a time of any kind, people, escapes, a status."""
    start = NOW + timedelta(minutes=draw(st.integers(-150 * 24 * 60, 200 * 24 * 60)))
    length = timedelta(minutes=draw(st.sampled_from([0, 30, 12 * 60, 7 * 24 * 60, -60])))
    kind = draw(st.sampled_from(["utc", "zone", "floating", "date", "date-no-end", "no-end"]))
    zone = draw(st.sampled_from(ZONES))
    lines = ["BEGIN:VEVENT", f"UID:event-{index}@example"]

    def stamp(at: datetime) -> str:
        return f"{at:%Y%m%dT%H%M%S}"

    local = start.astimezone(LONDON).replace(tzinfo=None)
    if kind == "utc":
        lines += [f"DTSTART:{stamp(start)}Z", f"DTEND:{stamp(start + length)}Z"]
    elif kind == "zone":
        quoted = f'"{zone}"' if draw(st.booleans()) else zone
        lines += [
            f"DTSTART;TZID={quoted}:{stamp(local)}",
            f"DTEND;TZID={quoted}:{stamp(local + length)}",
        ]
    elif kind == "floating":
        lines += [f"DTSTART:{stamp(local)}", f"DTEND:{stamp(local + length)}"]
    elif kind == "date":
        days = max(1, length.days)
        lines += [
            f"DTSTART;VALUE=DATE:{local:%Y%m%d}",
            f"DTEND;VALUE=DATE:{local + timedelta(days=days):%Y%m%d}",
        ]
    elif kind == "date-no-end":
        lines.append(f"DTSTART;VALUE=DATE:{local:%Y%m%d}")
    else:
        lines.append(f"DTSTART:{stamp(start)}Z")
    name, email = draw(st.sampled_from(NAMES))
    summary = draw(st.sampled_from([f"On call: {name}", f"On Call - {name} - Primary", "Holiday"]))
    escaped = summary.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
    lines.append(f"SUMMARY:{escaped}")
    if draw(st.booleans()):
        cn = f'"{name}"' if ";" in name or '"' in name or draw(st.booleans()) else name
        if '"' in name:
            cn = "Zoe Quoted"
        lines.append(f"ATTENDEE;ROLE=REQ-PARTICIPANT;CN={cn}:mailto:{email}")
    if draw(st.booleans()):
        lines.append(f"ORGANIZER;CN=Scheduler:mailto:{draw(st.sampled_from(NAMES))[1]}")
    if draw(st.booleans()):
        lines.append(f"STATUS:{draw(st.sampled_from(['CONFIRMED', 'CANCELLED', 'tentative']))}")
    if draw(st.booleans()):
        lines.append('X-VENDOR-NOTE;X-PARAM="a:b;c":kept: out of the way')
    lines.append("END:VEVENT")
    if draw(st.booleans()):
        lines = [_fold(line) for line in lines]
    return lines


def _fold(line: str) -> str:
    return "\r\n ".join(line[i : i + 20] for i in range(0, len(line), 20))


@st.composite
def feeds(draw: st.DrawFn) -> bytes:
    count = draw(st.integers(0, 12))
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//made up//EN"]
    if draw(st.booleans()):
        lines += [
            "BEGIN:VTIMEZONE",
            "TZID:America/New_York",
            "BEGIN:STANDARD",
            "DTSTART:19701101T020000",
            "TZOFFSETFROM:-0400",
            "TZOFFSETTO:-0500",
            "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
            "END:STANDARD",
            "BEGIN:DAYLIGHT",
            "DTSTART:19700308T020000",
            "TZOFFSETFROM:-0500",
            "TZOFFSETTO:-0400",
            "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU",
            "END:DAYLIGHT",
            "END:VTIMEZONE",
        ]
    for index in range(count):
        lines += draw(events(index))
    if draw(st.booleans()) and count:
        # A recurring event among them, and a second event with the same UID (a moved one).
        lines += [
            "BEGIN:VEVENT",
            "UID:weekly@example",
            "DTSTART;TZID=Europe/London:20251103T090000",
            "DTEND;TZID=Europe/London:20251110T090000",
            "RRULE:FREQ=WEEKLY",
            "SUMMARY:On call: Bob Brown",
            "END:VEVENT",
            "BEGIN:VEVENT",
            "UID:event-0@example",
            "DTSTART:20260301T000000Z",
            "DTEND:20260302T000000Z",
            "SUMMARY:On call: Carol Chen",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return ("\r\n".join(lines) + "\r\n").encode()


@settings(max_examples=300, deadline=None)
@given(feed=feeds(), rule=st.sampled_from(RULES))
def test_made_up_feeds_read_the_same_both_ways(feed, rule):
    light, full = both_ways(feed, rule)
    assert light == full


def test_every_kind_of_plain_time_is_read_without_icalendar():
    feed = (
        b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n"
        b"BEGIN:VEVENT\r\nUID:utc\r\nDTSTART:20260120T100000Z\r\nDTEND:20260120T120000Z\r\n"
        b"SUMMARY:On call: Alice Archer\r\nEND:VEVENT\r\n"
        b'BEGIN:VEVENT\r\nUID:zone\r\nDTSTART;TZID="Europe/London":20260329T003000\r\n'
        b"DTEND;TZID=Europe/London:20260329T033000\r\nSUMMARY:On call: Bob\r\n "
        b" Brown\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:floating\r\nDTSTART:20260121T090000\r\nDTEND:20260121T170000\r\n"
        b"SUMMARY:On call: Carol Chen\\, again\r\nEND:VEVENT\r\n"
        b"BEGIN:VEVENT\r\nUID:day\r\nDTSTART;VALUE=DATE:20260125\r\n"
        b"SUMMARY:On call: Alice Archer\r\nEND:VEVENT\r\n"
        b"END:VCALENDAR\r\n"
    )
    split = split_feed(feed)
    assert split is not None and split.rest is None
    assert [event.uid for event in split.plain] == ["utc", "zone", "floating", "day"]
    assert split.plain[1].summary == "On call: Bob Brown"
    assert split.plain[2].summary == "On call: Carol Chen, again"
    for rule in RULES:
        light, full = both_ways(feed, rule)
        assert light == full
