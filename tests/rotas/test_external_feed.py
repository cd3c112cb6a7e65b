"""Reading external rotas' iCal feeds into shifts: fixtures shaped like PagerDuty's, Opsgenie's
and Google Calendar's feeds, Dutydesk's own feed read back, refusals, and properties."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from dutydesk.calendars.service import feed_token, rota_feed
from dutydesk.clock import FrozenClock
from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.external_rotas.feed import (
    MAX_FEED_BYTES,
    MAX_OCCURRENCES_PER_EVENT,
    MAX_RECURRENCE_EXCEPTIONS,
    ExternalContact,
    FeedRefused,
    MatchBy,
    MatchRule,
    RefusalReason,
    SkipReason,
    TeamPerson,
    check_match_rule,
    default_window,
    read_feed,
)
from dutydesk.people.models import Person
from dutydesk.rotas.models import Rota
from dutydesk.rotas.oncall import schedule
from dutydesk.rotas.plans import compiled_rotas
from dutydesk.runtime import Runtime
from dutydesk.team.service import get_team

FEEDS = Path(__file__).parent / "feeds"
EXAMPLE_TEAM = Path(__file__).parents[2] / "examples" / "team.yaml"
LONDON = ZoneInfo("Europe/London")
NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
WINDOW_START, WINDOW_END = default_window(NOW)
PEOPLE = (
    TeamPerson("alice", "Alice Archer", ("alice@example.org",)),
    TeamPerson("bob", "Bob Brown", ("bob@example.org", "bob.brown@example.net")),
    TeamPerson("carol", "Carol Chen", ("carol@example.org",)),
    TeamPerson("dan", "Dan Dorsey", ("dan@example.org",)),
    TeamPerson("erin", "Erin Evans", ("erin@example.org",)),
)
BY_EMAIL = MatchRule(MatchBy.EMAIL)
ON_CALL_SUMMARY = MatchRule(MatchBy.SUMMARY, r"^On call: (?P<name>.+)$")


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC)  # type: ignore[misc]


def read(feed: bytes, rule: MatchRule = BY_EMAIL, **window: datetime):
    return read_feed(
        feed,
        window_start=window.get("start", WINDOW_START),
        window_end=window.get("end", WINDOW_END),
        zone=LONDON,
        rule=rule,
        people=PEOPLE,
    )


def who(reading) -> list[tuple[datetime, datetime, str]]:
    return [
        (s.start_at, s.end_at, s.person_id or f"{s.contact.name} <{s.contact.email}>")
        for s in reading.shifts
    ]


def calendar(*events: str, head: str = "") -> bytes:
    """A VCALENDAR of VEVENT bodies, each given UID and DTSTAMP."""
    body = "".join(
        f"BEGIN:VEVENT\r\nUID:e{n}@test\r\nDTSTAMP:20260101T000000Z\r\n{event}END:VEVENT\r\n"
        for n, event in enumerate(events)
    )
    return f"BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//t//t//EN\r\n{head}{body}END:VCALENDAR\r\n".encode()


def event(start: str, end: str, summary: str = "", who: str = "alice@example.org") -> str:
    attendee = f"ATTENDEE:mailto:{who}\r\n" if who else ""
    return f"DTSTART{start}\r\nDTEND{end}\r\nSUMMARY:{summary}\r\n{attendee}"


# --- Feeds shaped like real sources ---------------------------------------------------------


def test_a_pagerduty_feed_gives_one_shift_per_event_matched_by_attendee_email():
    reading = read((FEEDS / "pagerduty.ics").read_bytes())
    assert who(reading) == [
        (utc(2026, 3, 18, 10), utc(2026, 3, 25, 10), "alice"),
        # Wednesday 10:00 in London is 09:00 UTC once the clocks go forward on 29 March.
        (utc(2026, 3, 25, 10), utc(2026, 4, 1, 9), "bob"),
        (utc(2026, 4, 1, 9), utc(2026, 4, 8, 9), "Pat Partner <pat@partner.example>"),
        # MAILTO:ALICE@Example.ORG is Alice: e-mails match without case.
        (utc(2026, 4, 8, 9), utc(2026, 4, 15, 9), "alice"),
        # An override inside Alice's week is a second person at once: both are kept.
        (utc(2026, 4, 10, 12), utc(2026, 4, 10, 18), "carol"),
    ]
    assert reading.events_read == 7
    assert reading.skipped == {SkipReason.ZERO_LENGTH: 1, SkipReason.OUTSIDE_WINDOW: 1}


def test_an_opsgenie_feed_with_tzids_across_the_autumn_change():
    reading = read((FEEDS / "opsgenie.ics").read_bytes())
    assert who(reading) == [
        (utc(2025, 10, 24, 7), utc(2025, 10, 24, 19), "dan"),  # 08:00-20:00 BST
        # 20:00 BST to 08:00 GMT: thirteen hours, the night the clocks go back.
        (utc(2025, 10, 25, 19), utc(2025, 10, 26, 8), "erin"),
        # TZID "GMT Standard Time", Outlook's name for Europe/London.
        (utc(2025, 10, 26, 8), utc(2025, 10, 26, 20), "dan"),
        # TZID "/mozilla.org/20050126_1/Europe/London", a vendor-prefixed name.
        (utc(2025, 10, 26, 20), utc(2025, 10, 27, 8), "erin"),
        # At the same time, a shadow outside the team is an external contact named by the attendee's CN.
        (utc(2025, 10, 26, 20), utc(2025, 10, 27, 8), "Sam Shadow <sam@vendor.example>"),
    ]


def test_a_google_calendar_feed_with_weekly_rules_exceptions_and_all_day_events():
    reading = read((FEEDS / "google.ics").read_bytes(), ON_CALL_SUMMARY)
    assert who(reading) == [
        (utc(2026, 3, 2, 9), utc(2026, 3, 9, 9), "dan"),
        (utc(2026, 3, 9, 9), utc(2026, 3, 16, 9), "erin"),
        (utc(2026, 3, 16, 9), utc(2026, 3, 23, 9), "dan"),
        # Monday 09:00 to Monday 09:00 across the spring change: 167 hours.
        (utc(2026, 3, 23, 9), utc(2026, 3, 30, 8), "erin"),
        # All-day Saturday and Sunday: local midnight to local midnight, a 47-hour weekend.
        (utc(2026, 3, 28, 0), utc(2026, 3, 29, 23), "alice"),
        (utc(2026, 3, 30, 8), utc(2026, 4, 6, 8), "dan"),
        # The 6 April instance moved to the 7th (RECURRENCE-ID), its summary "Erin  evans".
        (utc(2026, 4, 7, 8), utc(2026, 4, 13, 8), "erin"),
        # Dan's 13 April week is an EXDATE: nobody.
        (utc(2026, 4, 20, 8), utc(2026, 4, 27, 8), "erin"),
        (utc(2026, 4, 27, 8), utc(2026, 5, 4, 8), "dan"),
        # An all-day event without DTEND is that one day.
        (utc(2026, 4, 30, 23), utc(2026, 5, 1, 23), "bob"),
        # A floating time is the team's wall clock; the name is nobody in the team.
        (utc(2026, 5, 2, 8), utc(2026, 5, 2, 16), "Quinn Quayle <None>"),
        (utc(2026, 5, 4, 8), utc(2026, 5, 11, 8), "erin"),
        (utc(2026, 5, 11, 8), utc(2026, 5, 18, 8), "dan"),
        (utc(2026, 5, 18, 8), utc(2026, 5, 25, 8), "erin"),
        (utc(2026, 5, 25, 8), utc(2026, 6, 1, 8), "dan"),
    ]
    assert reading.skipped == {SkipReason.NO_PERSON: 1, SkipReason.CANCELLED: 1}
    assert reading.events_read == 8


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        # The same instant written four ways.
        (":20260301T090000Z", ":20260301T170000Z", (utc(2026, 3, 1, 9), utc(2026, 3, 1, 17))),
        (
            ";TZID=America/New_York:20260301T040000",
            ";TZID=America/New_York:20260301T120000",
            (utc(2026, 3, 1, 9), utc(2026, 3, 1, 17)),
        ),
        (
            ";TZID=Eastern Standard Time:20260301T040000",
            ";TZID=Eastern Standard Time:20260301T120000",
            (utc(2026, 3, 1, 9), utc(2026, 3, 1, 17)),
        ),
        (":20260301T090000", ":20260301T170000", (utc(2026, 3, 1, 9), utc(2026, 3, 1, 17))),
        # Floating in summer is British Summer Time.
        (":20260701T090000", ":20260701T170000", (utc(2026, 7, 1, 8), utc(2026, 7, 1, 16))),
        # A whole day in the team's zone.
        (
            ";VALUE=DATE:20260701",
            ";VALUE=DATE:20260702",
            (utc(2026, 6, 30, 23), utc(2026, 7, 1, 23)),
        ),
        # A floating 01:30 the spring change skips lands just after the jump.
        (":20260329T013000", ":20260329T030000", (utc(2026, 3, 29, 1, 30), utc(2026, 3, 29, 2))),
    ],
)
def test_the_forms_of_a_time(start, end, expected):
    reading = read(calendar(event(start, end)))
    assert [(s.start_at, s.end_at) for s in reading.shifts] == [expected]


# --- Matching -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "expected"),
    [
        # One-off events are read without the recurrence library: the same ends as RFC 5545's.
        (
            "DTSTART:20260316T090000Z\r\nDURATION:PT8H\r\n",
            [(utc(2026, 3, 16, 9), utc(2026, 3, 16, 17), "alice")],
        ),
        (
            "DTSTART;VALUE=DATE:20260316\r\n",
            [(utc(2026, 3, 16, 0), utc(2026, 3, 17, 0), "alice")],
        ),
        (
            "DTSTART;VALUE=DATE:20260316\r\nDURATION:P2D\r\n",
            [(utc(2026, 3, 16, 0), utc(2026, 3, 18, 0), "alice")],
        ),
        # A time with neither end nor duration lasts no time: nobody is on call for it.
        ("DTSTART:20260316T090000Z\r\n", []),
    ],
)
def test_a_one_off_event_ends_as_rfc_5545_says(timing, expected):
    reading = read(calendar(f"{timing}SUMMARY:x\r\nATTENDEE:mailto:alice@example.org\r\n"))
    assert who(reading) == expected
    assert reading.skipped.get(SkipReason.ZERO_LENGTH, 0) == (0 if expected else 1)


@pytest.mark.parametrize(
    ("rule", "summary", "attendees", "expected"),
    [
        (BY_EMAIL, "", ["ALICE@EXAMPLE.ORG"], [("alice", None)]),
        (BY_EMAIL, "", ["bob.brown@example.net"], [("bob", None)]),
        (
            BY_EMAIL,
            "",
            ["alice@example.org", "zed@else.example"],
            [("alice", None), (None, ExternalContact("zed@else.example", "zed@else.example"))],
        ),
        (BY_EMAIL, "On call: Alice Archer", [], []),
        (ON_CALL_SUMMARY, "On call: alice   ARCHER ", [], [("alice", None)]),
        (ON_CALL_SUMMARY, "On call: Zed Zimmer", [], [(None, ExternalContact("Zed Zimmer"))]),
        (ON_CALL_SUMMARY, "Standup", [], []),
        # The people: mapping is read first, whatever the rule.
        (
            MatchRule(MatchBy.SUMMARY, r"On call: (?P<name>.+)", {"A. Archer": "alice"}),
            "On call: a. archer",
            [],
            [("alice", None)],
        ),
        (
            MatchRule(MatchBy.EMAIL, people={"aa@corp.example": "alice"}),
            "",
            ["AA@corp.example"],
            [("alice", None)],
        ),
        # By people: only the names listed count.
        (
            MatchRule(MatchBy.PEOPLE, people={"Primary (DD)": "dan"}),
            "Primary (DD)",
            [],
            [("dan", None)],
        ),
        (
            MatchRule(MatchBy.PEOPLE, people={"Primary (DD)": "dan"}),
            "Secondary",
            ["x@y.example"],
            [],
        ),
        (
            MatchRule(MatchBy.PEOPLE, r"^(?P<name>\w+) on call", {"dd": "dan"}),
            "DD on call",
            [],
            [("dan", None)],
        ),
        (
            MatchRule(MatchBy.SUMMARY, r"On call: (?P<name>[^<]+) <(?P<email>[^>]+)>"),
            "On call: Bobby <Bob.Brown@example.net>",
            [],
            [("bob", None)],
        ),
    ],
)
def test_matching_an_event_to_people(rule, summary, attendees, expected):
    lines = "".join(f"ATTENDEE:mailto:{a}\r\n" for a in attendees)
    feed = calendar(
        f"DTSTART:20260301T090000Z\r\nDTEND:20260301T170000Z\r\nSUMMARY:{summary}\r\n{lines}"
    )
    reading = read(feed, rule)
    assert [(s.person_id, s.contact) for s in reading.shifts] == expected
    assert reading.skipped == ({} if expected else {SkipReason.NO_PERSON: 1})


def test_the_organiser_is_read_when_no_attendee_has_an_email():
    feed = calendar(
        "DTSTART:20260301T090000Z\r\nDTEND:20260301T170000Z\r\n"
        "ORGANIZER;CN=Carol Chen:mailto:carol@example.org\r\n"
    )
    assert [s.person_id for s in read(feed).shifts] == ["carol"]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (MatchRule(MatchBy.SUMMARY, "On call: (.+)"), "has no (?P<name>…) group"),
        (MatchRule(MatchBy.SUMMARY, "On call: (?P<name>.+"), "is not a regular expression"),
        (MatchRule(MatchBy.SUMMARY), "needs a pattern"),
        (MatchRule(MatchBy.EMAIL, "(?P<name>.+)"), "only read when matching by summary"),
        (MatchRule(MatchBy.PEOPLE), "needs a people: mapping"),
        (
            MatchRule(MatchBy.EMAIL, people={"Z": "zed"}),
            "'Z' maps to 'zed', who is not in the team",
        ),
    ],
)
def test_a_match_rule_that_cannot_work_is_refused(rule, message):
    with pytest.raises(Invalid) as refused:
        check_match_rule(rule, [p.id for p in PEOPLE])
    assert message in refused.value.message
    with pytest.raises(Invalid):
        read(calendar(), rule)


# --- Refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("feed", "reason", "message"),
    [
        (b"<html>Sign in</html>", RefusalReason.MALFORMED, "not an iCalendar"),
        (b"", RefusalReason.MALFORMED, "not an iCalendar"),
        (b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n", RefusalReason.MALFORMED, "no complete VCALENDAR"),
        (calendar() + calendar(), RefusalReason.MALFORMED, "exactly one VCALENDAR"),
        (calendar("DTEND:20260301T170000Z\r\n"), RefusalReason.MALFORMED, "has no DTSTART"),
        (
            calendar("DTSTART:tomorrow\r\nDTEND:20260301T170000Z\r\n"),
            RefusalReason.MALFORMED,
            "event 'e0@test': DTSTART cannot be read",
        ),
        (
            calendar(event(";TZID=Mars/Olympus:20260301T090000", ":20260301T170000Z")),
            RefusalReason.UNKNOWN_TIME_ZONE,
            "event 'e0@test': DTSTART has TZID 'Mars/Olympus', which is not a tz database zone",
        ),
        (
            calendar(
                "DTSTART:20260301T090000Z\r\nDURATION:PT1S\r\nRRULE:FREQ=SECONDLY\r\n"
                "ATTENDEE:mailto:alice@example.org\r\n"
            ),
            RefusalReason.TOO_MANY_OCCURRENCES,
            "event 'e0@test' repeats every second (FREQ=SECONDLY): an on-call feed's shifts"
            " repeat hourly at most",
        ),
        (
            calendar(
                "DTSTART:20260301T090000Z\r\nDURATION:PT1M\r\nRRULE:FREQ=MINUTELY;INTERVAL=30\r\n"
                "ATTENDEE:mailto:alice@example.org\r\n"
            ),
            RefusalReason.TOO_MANY_OCCURRENCES,
            "event 'e0@test' repeats every minute (FREQ=MINUTELY)",
        ),
        (
            calendar(
                "DTSTART:20251020T090000Z\r\nDURATION:PT1M\r\n"
                "RRULE:FREQ=HOURLY;BYMINUTE=0,30\r\nATTENDEE:mailto:alice@example.org\r\n"
            ),
            RefusalReason.TOO_MANY_OCCURRENCES,
            f"event 'e0@test' repeats more than {MAX_OCCURRENCES_PER_EVENT:,} times",
        ),
        (
            calendar("DTSTART:20260301T090000Z\r\nDTEND:20260301T100000Z\r\nRRULE:FREQ=OFTEN\r\n"),
            RefusalReason.MALFORMED,
            "event 'e0@test' cannot be expanded",
        ),
    ],
)
def test_an_unusable_feed_is_refused_with_what_and_where(feed, reason, message):
    with pytest.raises(FeedRefused) as refused:
        read(feed)
    assert refused.value.reason is reason
    assert message in refused.value.message
    assert isinstance(refused.value, Invalid)


def test_a_feed_over_the_size_limit_is_refused_before_it_is_parsed():
    padding = "X-PADDING:" + "x" * 60 + "\r\n"
    feed = calendar(head=padding * (MAX_FEED_BYTES // len(padding) + 1))
    with pytest.raises(FeedRefused) as refused:
        read(feed)
    assert refused.value.reason is RefusalReason.TOO_LARGE
    assert f"more than the limit of {MAX_FEED_BYTES:,}" in refused.value.message


def test_too_many_recurrence_exceptions_are_refused():
    exdates = "".join(
        f"EXDATE:{(datetime(2026, 1, 1, 9) + timedelta(days=n)):%Y%m%dT%H%M%SZ}\r\n"
        for n in range(MAX_RECURRENCE_EXCEPTIONS + 1)
    )
    feed = calendar(
        f"DTSTART:20260101T090000Z\r\nDTEND:20260101T100000Z\r\nRRULE:FREQ=DAILY\r\n{exdates}"
    )
    with pytest.raises(FeedRefused) as refused:
        read(feed)
    assert refused.value.reason is RefusalReason.TOO_MANY_EXCEPTIONS
    assert "found at event 'e0@test'" in refused.value.message


def test_a_windows_zone_name_and_a_feeds_own_vtimezone_are_both_read():
    vtimezone = (
        "BEGIN:VTIMEZONE\r\nTZID:Our Office\r\nBEGIN:STANDARD\r\nDTSTART:19700101T000000\r\n"
        "TZOFFSETFROM:+0530\r\nTZOFFSETTO:+0530\r\nEND:STANDARD\r\nEND:VTIMEZONE\r\n"
    )
    feed = calendar(
        event(";TZID=Our Office:20260301T100000", ";TZID=Our Office:20260301T120000"),
        event(
            ";TZID=W. Europe Standard Time:20260301T100000",
            ";TZID=W. Europe Standard Time:20260301T120000",
        ),
        head=vtimezone,
    )
    assert [(s.start_at, s.end_at) for s in read(feed).shifts] == [
        (utc(2026, 3, 1, 4, 30), utc(2026, 3, 1, 6, 30)),
        (utc(2026, 3, 1, 9), utc(2026, 3, 1, 11)),
    ]


def test_a_shift_overlapping_the_windows_edge_is_kept_whole():
    feed = calendar(event(":20251010T090000Z", ":20251020T090000Z"))
    reading = read(feed)
    assert [(s.start_at, s.end_at) for s in reading.shifts] == [
        (utc(2025, 10, 10, 9), utc(2025, 10, 20, 9))
    ]
    assert utc(2025, 10, 16, 10) == WINDOW_START


# --- Properties -----------------------------------------------------------------------------

_TIME_FORMS = ("utc", "london", "floating", "date")
_BASE = datetime(2026, 1, 1)


@st.composite
def feeds(draw):
    """A feed of one-off and weekly events in every time form, and a window."""
    events = []
    for _ in range(draw(st.integers(0, 6))):
        form = draw(st.sampled_from(_TIME_FORMS))
        start = _BASE + timedelta(hours=draw(st.integers(-24 * 400, 24 * 400)))
        length = timedelta(hours=draw(st.integers(-2, 24 * 9)))
        email = draw(st.sampled_from(["alice@example.org", "Alice@Example.Org", "BOB@EXAMPLE.ORG"]))
        if form == "date":
            text = (
                f"DTSTART;VALUE=DATE:{start:%Y%m%d}\r\n"
                f"DTEND;VALUE=DATE:{start + timedelta(days=length.days):%Y%m%d}\r\n"
            )
        else:
            prefix, suffix = {
                "utc": ("", "Z"),
                "london": (";TZID=Europe/London", ""),
                "floating": ("", ""),
            }[form]
            text = (
                f"DTSTART{prefix}:{start:%Y%m%dT%H%M%S}{suffix}\r\n"
                f"DTEND{prefix}:{start + length:%Y%m%dT%H%M%S}{suffix}\r\n"
            )
        if draw(st.booleans()):
            text += f"RRULE:FREQ=WEEKLY;COUNT={draw(st.integers(1, 60))}\r\n"
        events.append(text + f"ATTENDEE:mailto:{email}\r\n")
    window_start = utc(2026, 1, 1) + timedelta(hours=draw(st.integers(-24 * 300, 24 * 300)))
    window_end = window_start + timedelta(hours=draw(st.integers(1, 24 * 270)))
    return calendar(*events), window_start, window_end


@settings(max_examples=150, deadline=None)
@given(feeds())
def test_shifts_overlap_the_window_have_length_and_are_sorted(drawn):
    feed, window_start, window_end = drawn
    reading = read(feed, start=window_start, end=window_end)
    for shift in reading.shifts:
        assert shift.start_at.tzinfo is UTC and shift.end_at.tzinfo is UTC
        assert shift.start_at < shift.end_at
        assert shift.start_at < window_end and shift.end_at > window_start
        # E-mails match without case: everyone here is in the team.
        assert shift.person_id in {"alice", "bob"} and shift.contact is None
    assert list(reading.shifts) == sorted(reading.shifts, key=lambda s: s.sort_key)
    assert (
        len(reading.shifts)
        + sum(reading.skipped.get(r, 0) for r in (SkipReason.NO_PERSON, SkipReason.ZERO_LENGTH))
        <= reading.occurrences
    )


@settings(max_examples=60, deadline=None)
@given(feeds(), st.integers(1, 24 * 30))
def test_a_wider_window_keeps_every_shift_of_a_narrower_one(drawn, widen_hours):
    feed, window_start, window_end = drawn
    narrow = read(feed, start=window_start, end=window_end).shifts
    wide = read(feed, start=window_start - timedelta(hours=widen_hours), end=window_end).shifts
    assert set(narrow) <= set(wide)


# --- Dutydesk's own feed, read back ---------------------------------------------------------


@pytest.mark.parametrize("rota_id", ["engineering", "escalation"])
def test_dutydesks_own_feed_reads_back_as_the_rotas_schedule(
    runtime: Runtime, make_team: Callable[[str], None], clock: FrozenClock, rota_id: str
):
    make_team(EXAMPLE_TEAM.read_text())
    now = clock.now()
    secret = runtime.secret_key()
    with unit_of_work(runtime.sessions) as session:
        rota = session.get(Rota, rota_id)
        assert rota is not None
        token = feed_token(secret, "rota", rota.id, rota.feed_salt)
        feed = rota_feed(session, secret, rota.id, token, now, days_back=90, days_ahead=180)
        plan = compiled_rotas(session, get_team(session))[rota.id].plan
        people = [
            TeamPerson(p.id, p.name, (p.email,) if p.email else ())
            for p in session.scalars(select(Person))
        ]
    start, end = default_window(now)
    reading = read_feed(
        feed,
        window_start=start,
        window_end=end,
        zone=LONDON,
        rule=MatchRule(MatchBy.SUMMARY, r"^(?P<name>.+) on call(?: \(override\))?$"),
        people=people,
    )
    read_back = [(max(s.start_at, start), min(s.end_at, end), s.person_id) for s in reading.shifts]
    expected = [(s.start, s.end, s.person) for s in schedule(plan, [], start, end)]
    assert read_back == expected
    assert len(expected) > 20  # a quarter and more of weekly shifts, across both DST changes
    assert reading.skipped == {}
