"""The rota calendar's days: pieces clipped to local days, kinds, gaps, holidays, DST, ranges."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta

import pytest

from dutydesk.errors import Invalid
from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.oncall.calendar_view import (
    MONTH,
    ON_HOLIDAY,
    OUTSIDE_HOURS,
    SHIFT,
    UNCOVERED,
    WEEK,
    DayView,
    calendar_days,
    calendar_range,
    covered_hours_text,
    local_midnight,
    month_weeks,
)
from dutydesk.oncall.marks import OverrideMark
from dutydesk.rotas.oncall import OverridePlan, RotaPlan, schedule
from tests.rotas.plans import LONDON, london, make_layer, make_rota

ENGLAND = HolidayCalendar("GB-ENG")
NO_HOLIDAYS = HolidayCalendar(None)
# The example team's rotas: in hours (skipping bank holidays), and 24x7 with a Wednesday handoff.
IN_HOURS = make_rota(
    make_layer(("alice", "bob", "carol"), "1w", "Mon 09:30", date(2026, 1, 5)),
    hours=["Mon-Fri 09:30-17:30"],
    holidays=ENGLAND,
)
ALWAYS = make_rota(make_layer(("bob", "carol"), "1w", "Wed 10:00", date(2026, 1, 7)))

# (start, end, kind, person, reason) as local "HH:MM" texts, as the page shows them.
Row = tuple[str, str, str, str | None, str | None]


def days_of(
    rota: RotaPlan,
    first: date,
    last: date,
    overrides: Sequence[OverrideMark] = (),
    holidays: HolidayCalendar = ENGLAND,
) -> list[DayView]:
    """The calendar's days from `first` to `last`, from the real schedule maths."""
    start, end = local_midnight(first, LONDON), local_midnight(last + timedelta(days=1), LONDON)
    plans = [OverridePlan(o.person, o.start, o.end) for o in overrides]
    segments = schedule(rota, plans, start - timedelta(days=1), end + timedelta(days=1))
    return calendar_days(
        segments, overrides, holidays, LONDON, first, last, skip_holidays=rota.skip_holidays
    )


def rows(day: DayView) -> list[Row]:
    return [(p.start_text, p.end_text, p.kind, p.person, p.reason) for p in day.pieces]


NIGHT_BEFORE: Row = ("00:00", "09:30", UNCOVERED, None, OUTSIDE_HOURS)
NIGHT_AFTER: Row = ("17:30", "24:00", UNCOVERED, None, OUTSIDE_HOURS)
ALL_DAY_NOBODY: Row = ("00:00", "24:00", UNCOVERED, None, OUTSIDE_HOURS)


@pytest.mark.parametrize(
    ("rota", "day", "overrides", "expected"),
    [
        pytest.param(
            IN_HOURS,
            date(2026, 1, 14),
            [],
            [NIGHT_BEFORE, ("09:30", "17:30", SHIFT, "bob", None), NIGHT_AFTER],
            id="in-hours-weekday-nights-uncovered",
        ),
        pytest.param(
            IN_HOURS, date(2026, 1, 17), [], [ALL_DAY_NOBODY], id="in-hours-saturday-nobody"
        ),
        pytest.param(
            IN_HOURS,
            date(2026, 1, 7),
            [],
            [NIGHT_BEFORE, ("09:30", "17:30", SHIFT, "alice", None), NIGHT_AFTER],
            id="in-hours-first-week-alice",
        ),
        pytest.param(
            IN_HOURS,
            date(2026, 1, 14),
            [
                OverrideMark(
                    "dan", london(2026, 1, 14, 12, 30), london(2026, 1, 14, 13, 15), "cover"
                )
            ],
            [
                NIGHT_BEFORE,
                ("09:30", "12:30", SHIFT, "bob", None),
                ("12:30", "13:15", "cover", "dan", None),
                ("13:15", "17:30", SHIFT, "bob", None),
                NIGHT_AFTER,
            ],
            id="break-cover-cuts-the-shift",
        ),
        pytest.param(
            IN_HOURS,
            date(2026, 1, 14),
            [
                OverrideMark("carol", london(2026, 1, 14, 9, 30), london(2026, 1, 14, 12), "swap"),
                OverrideMark("carol", london(2026, 1, 14, 12), london(2026, 1, 14, 14), "override"),
            ],
            [
                NIGHT_BEFORE,
                ("09:30", "12:00", "swap", "carol", None),
                ("12:00", "14:00", "override", "carol", None),
                ("14:00", "17:30", SHIFT, "bob", None),
                NIGHT_AFTER,
            ],
            id="one-persons-joined-overrides-keep-their-kinds",
        ),
        pytest.param(
            IN_HOURS,
            date(2026, 1, 14),
            [
                OverrideMark("carol", london(2026, 1, 14, 10), london(2026, 1, 14, 14), "cover"),
                OverrideMark("carol", london(2026, 1, 14, 11), london(2026, 1, 14, 12), "override"),
            ],
            [
                NIGHT_BEFORE,
                ("09:30", "10:00", SHIFT, "bob", None),
                ("10:00", "11:00", "cover", "carol", None),
                ("11:00", "12:00", "override", "carol", None),
                ("12:00", "14:00", "cover", "carol", None),
                ("14:00", "17:30", SHIFT, "bob", None),
                NIGHT_AFTER,
            ],
            id="the-later-of-overlapping-overrides-names-the-kind",
        ),
        pytest.param(
            IN_HOURS,
            date(2026, 1, 14),
            [OverrideMark("erin", london(2026, 1, 14, 20), london(2026, 1, 15, 8), "override")],
            [
                NIGHT_BEFORE,
                ("09:30", "17:30", SHIFT, "bob", None),
                ("17:30", "20:00", UNCOVERED, None, OUTSIDE_HOURS),
                ("20:00", "24:00", "override", "erin", None),
            ],
            id="an-override-at-night-fills-part-of-the-gap",
        ),
        pytest.param(
            ALWAYS,
            date(2026, 1, 14),
            [],
            [("00:00", "10:00", SHIFT, "bob", None), ("10:00", "24:00", SHIFT, "carol", None)],
            id="24x7-handoff-mid-day",
        ),
        pytest.param(
            IN_HOURS,
            date(2026, 4, 3),
            [],
            [("00:00", "24:00", UNCOVERED, None, ON_HOLIDAY)],
            id="good-friday-nobody-for-the-bank-holiday",
        ),
        pytest.param(
            IN_HOURS,
            date(2026, 3, 29),
            [],
            [ALL_DAY_NOBODY],
            id="spring-forward-sunday-one-piece",
        ),
    ],
)
def test_a_day_shows_its_pieces_with_their_kinds(rota, day, overrides, expected):
    [shown] = days_of(rota, day, day, overrides)
    assert rows(shown) == expected


def test_pieces_cover_each_day_exactly_without_gaps_or_overlaps():
    days = days_of(IN_HOURS, date(2026, 3, 23), date(2026, 4, 5))
    for day in days:
        assert day.pieces[0].start == day.start
        assert day.pieces[-1].end == day.end
        for before, after in zip(day.pieces, day.pieces[1:], strict=False):
            assert before.end == after.start


def test_the_spring_forward_day_has_23_hours_and_the_autumn_one_25():
    week = days_of(ALWAYS, date(2026, 3, 23), date(2026, 3, 29))
    assert [d.length for d in week] == [timedelta(hours=24)] * 6 + [timedelta(hours=23)]
    assert [d.clocks_change for d in week] == [False] * 6 + [True]
    sunday = week[-1]
    [piece] = sunday.pieces
    assert (piece.start_text, piece.end_text, piece.person) == ("00:00", "24:00", "carol")
    assert piece.end - piece.start == timedelta(hours=23)
    [autumn] = days_of(ALWAYS, date(2026, 10, 25), date(2026, 10, 25))
    assert autumn.length == timedelta(hours=25)


def test_a_weekday_shift_keeps_its_local_hours_across_the_clock_change():
    monday_before, monday_after = (
        days_of(IN_HOURS, day, day)[0] for day in (date(2026, 3, 23), date(2026, 3, 30))
    )
    assert rows(monday_before)[1][:2] == rows(monday_after)[1][:2] == ("09:30", "17:30")
    # The same local hours are an hour earlier in UTC once summer time starts.
    assert monday_before.pieces[1].start.hour == 9
    assert monday_after.pieces[1].start.hour == 8


@pytest.mark.parametrize(
    ("day", "holiday"),
    [
        (date(2026, 4, 2), None),
        (date(2026, 4, 3), "Good Friday"),
        (date(2026, 4, 6), "Easter Monday"),
        (date(2026, 12, 26), None),  # a Saturday: the day off moves to Monday
        (date(2026, 12, 28), "Boxing Day (observed)"),
    ],
)
def test_bank_holidays_are_named(day, holiday):
    [shown] = days_of(IN_HOURS, day, day)
    assert shown.holiday == holiday


def test_days_off_the_team_adds_are_holidays_too():
    team_days = HolidayCalendar("GB-ENG", [date(2026, 1, 16)])
    [friday] = days_of(IN_HOURS, date(2026, 1, 16), date(2026, 1, 16), holidays=team_days)
    assert friday.holiday == "Team holiday"


def test_on_a_rota_that_works_holidays_the_gaps_stay_outside_covered_hours():
    works_holidays = make_rota(*IN_HOURS.layers, hours=["Mon-Fri 09:30-17:30"])
    [friday] = days_of(works_holidays, date(2026, 4, 3), date(2026, 4, 3))
    assert friday.holiday == "Good Friday"
    assert rows(friday)[0] == NIGHT_BEFORE
    assert rows(friday)[1][2:4] == (SHIFT, "alice")


def test_pieces_say_whether_their_stretch_goes_on_past_the_day():
    wednesday, thursday = days_of(ALWAYS, date(2026, 1, 14), date(2026, 1, 15))
    bob, carol = wednesday.pieces
    assert bob.from_before and not bob.goes_on
    assert not carol.from_before and carol.goes_on
    [carol_all_day] = thursday.pieces
    assert carol_all_day.from_before and carol_all_day.goes_on


def test_an_override_without_its_row_is_still_an_override():
    plans = [OverridePlan("dan", london(2026, 1, 14, 12), london(2026, 1, 14, 13))]
    start = local_midnight(date(2026, 1, 14), LONDON)
    segments = schedule(IN_HOURS, plans, start, start + timedelta(days=1))
    [day] = calendar_days(segments, [], NO_HOLIDAYS, LONDON, date(2026, 1, 14), date(2026, 1, 14))
    assert ("12:00", "13:00", "override", "dan", None) in rows(day)


# --- which days a view shows ------------------------------------------------------------------

TODAY = date(2026, 1, 14)


@pytest.mark.parametrize(
    ("view", "date_text", "expected"),
    [
        (None, None, (WEEK, date(2026, 1, 12), date(2026, 1, 18), date(2026, 1, 5), date(2026, 1, 19))),
        ("", "", (WEEK, date(2026, 1, 12), date(2026, 1, 18), date(2026, 1, 5), date(2026, 1, 19))),
        ("week", "2026-03-29", (WEEK, date(2026, 3, 23), date(2026, 3, 29), date(2026, 3, 16), date(2026, 3, 30))),
        ("Week", "2026-03-30", (WEEK, date(2026, 3, 30), date(2026, 4, 5), date(2026, 3, 23), date(2026, 4, 6))),
        ("month", None, (MONTH, date(2026, 1, 1), date(2026, 1, 31), date(2025, 12, 1), date(2026, 2, 1))),
        ("month", "2026-02-14", (MONTH, date(2026, 2, 1), date(2026, 2, 28), date(2026, 1, 1), date(2026, 3, 1))),
        ("month", "2026-12-31", (MONTH, date(2026, 12, 1), date(2026, 12, 31), date(2026, 11, 1), date(2027, 1, 1))),
    ],
)  # fmt: skip
def test_a_view_shows_a_week_from_monday_or_a_whole_month(view, date_text, expected):
    shown = calendar_range(view, date_text, TODAY)
    assert (shown.view, shown.first, shown.last, shown.previous, shown.following) == expected


def test_the_titles_name_the_week_or_month():
    assert calendar_range("week", "2026-01-14", TODAY).title == "Mon 12 Jan – Sun 18 Jan 2026"
    assert calendar_range("month", "2026-01-14", TODAY).title == "January 2026"
    assert calendar_range("week", "2025-12-31", TODAY).title == "Mon 29 Dec – Sun 4 Jan 2026"


def test_a_weeks_window_is_shorter_when_the_clocks_go_forward():
    start, end = calendar_range("week", "2026-03-29", TODAY).window(LONDON)
    assert end - start == timedelta(days=7, hours=-1)


@pytest.mark.parametrize(
    ("view", "date_text", "message"),
    [
        ("year", None, "view: 'year' is not a calendar view; use week or month"),
        ("<script>", None, "view: '<script>' is not a calendar view"),
        (None, "2026-02-30", "date: '2026-02-30' is not a date; use YYYY-MM-DD"),
        (None, "tomorrow", "date: 'tomorrow' is not a date"),
        (None, "20260114", "date: '20260114' is not a date"),
        (None, "2026-W03-3", "date: '2026-W03-3' is not a date"),
        (None, "0001-01-01", "date: '0001-01-01' is out of range (years 1900 to 2999)"),
        (None, "9999-12-31", "date: '9999-12-31' is out of range"),
        (None, "x" * 500, "date: '" + "x" * 40 + "…' is not a date"),
    ],
)
def test_bad_query_values_are_refused_naming_the_value(view, date_text, message):
    with pytest.raises(Invalid) as refused:
        calendar_range(view, date_text, TODAY)
    assert refused.value.message.startswith(message)


# --- the month grid ---------------------------------------------------------------------------


def test_a_month_grid_starts_on_monday_and_pads_both_ends():
    days = days_of(IN_HOURS, date(2026, 1, 1), date(2026, 1, 31))
    weeks = month_weeks(days)
    assert len(weeks) == 5
    assert all(len(week) == 7 for week in weeks)
    assert weeks[0][:3] == [None, None, None]  # 1 January 2026 is a Thursday
    first = weeks[0][3]
    assert first is not None and first.day == date(2026, 1, 1)
    last = weeks[-1][5]
    assert last is not None and last.day == date(2026, 1, 31)
    assert weeks[-1][6] is None


def test_a_month_starting_on_monday_has_no_leading_padding():
    weeks = month_weeks(days_of(ALWAYS, date(2026, 6, 1), date(2026, 6, 30)))
    assert weeks[0][0] is not None and weeks[0][0].day == date(2026, 6, 1)
    assert month_weeks([]) == []


# --- covered hours in words -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "skip_holidays", "text"),
    [
        ([], False, "24 hours a day, every day"),
        (["Mon-Fri 09:30-17:30"], True, "Monday to Friday, 09:30 to 17:30, not on bank holidays"),
        (["Mon-Fri 17:30-09:30"], False, "Monday to Friday, 17:30 to 09:30 the next day"),
        (["Sat,Sun 00:00-24:00"], False, "Saturday and Sunday, all day"),
        (["Fri-Mon 18:00-24:00"], False, "Friday to Monday, 18:00 to midnight"),
        (["09:00-17:00"], False, "every day, 09:00 to 17:00"),
        (["Wed 10:00-12:00", "Mon,Fri 08:00-09:00"], False,
         "Wednesday, 10:00 to 12:00; Monday and Friday, 08:00 to 09:00"),
        (["Sun,Mon 08:00-09:00"], False, "Sunday and Monday, 08:00 to 09:00"),
    ],
)  # fmt: skip
def test_covered_hours_read_as_words(hours, skip_holidays, text):
    assert covered_hours_text(hours, skip_holidays=skip_holidays) == text
