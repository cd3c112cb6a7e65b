"""Properties of the on-call maths over random rotas, overrides and windows.

Each property is checked against a direct reading of the rota at one instant (`expected_at`),
written independently of the interval sweep that `schedule` uses.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.weekly import DAY_NAMES, WeeklyHours, parse_hours
from dutydesk.rotas.oncall import (
    LAYER,
    OVERRIDE,
    LayerPlan,
    OnCallNow,
    OverridePlan,
    RotaPlan,
    Segment,
    on_call_at,
    schedule,
)
from tests.rotas.plans import make_layer

PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)
ZONES = ("Europe/London", "America/New_York", "Australia/Sydney", "UTC")
PEOPLE = ("ann", "bo", "cy", "di")
HOURS_CHOICES = (
    (),
    ("Mon-Fri 09:30-17:30",),
    ("Mon-Fri 17:30-09:30", "Sat-Sun 00:00-24:00"),
    ("Daily 22:00-06:00",),
    ("Sat 00:00-24:00", "Sun 01:30-03:00"),  # meets the clock changes, all on Sundays
)
CALENDARS = ("GB-ENG", "GB-SCT", "US")
EPOCH = datetime(2025, 1, 1, tzinfo=UTC)
QUARTER = timedelta(minutes=15)
HORIZON = timedelta(days=400)  # how far on_call_at looks for the bounds of a stretch
ALL_OF_2025_TO_2027 = 3 * 365 * 24 * 4  # in quarter hours


@st.composite
def layers(draw: st.DrawFn, *, with_end: bool = True, empty_ok: bool = True) -> LayerPlan:
    start = date(2025, 1, 1) + timedelta(days=draw(st.integers(0, 3 * 365 - 1)))
    shift = draw(st.sampled_from(["12h", "1d", "1w", "2w"]))
    clock = draw(st.integers(0, 24 * 4 - 1)) * 15
    clock_text = f"{clock // 60:02d}:{clock % 60:02d}"
    # The team file insists a weekly handoff's day is the start date's day.
    handoff = f"{DAY_NAMES[start.weekday()]} {clock_text}" if shift.endswith("w") else clock_text
    members = draw(st.lists(st.sampled_from(PEOPLE), min_size=0 if empty_ok else 1, max_size=4))
    end = None
    if with_end and draw(st.booleans()):
        end = start + timedelta(days=draw(st.integers(1, 120)))
    hours = draw(st.sampled_from(HOURS_CHOICES))
    return make_layer(members, shift, handoff, start, end, hours)


@st.composite
def rotas(draw: st.DrawFn, *, fully_staffed: bool = False) -> RotaPlan:
    """A random rota; `fully_staffed` means no holidays, no end dates and no empty layers."""
    some_layers = layers(with_end=not fully_staffed, empty_ok=not fully_staffed)
    drawn = draw(st.lists(some_layers, min_size=1, max_size=3))
    calendar = None if fully_staffed else draw(st.none() | st.sampled_from(CALENDARS))
    return RotaPlan(
        timezone=ZoneInfo(draw(st.sampled_from(ZONES))),
        layers=tuple(drawn),
        hours=tuple(parse_hours(h) for h in draw(st.sampled_from(HOURS_CHOICES))),
        skip_holidays=calendar is not None,
        holidays=None if calendar is None else HolidayCalendar(calendar),
    )


instants = st.integers(0, ALL_OF_2025_TO_2027).map(lambda q: EPOCH + q * QUARTER)
windows = st.tuples(instants, st.integers(1, 60 * 24 * 4).map(lambda q: q * QUARTER)).map(
    lambda pair: (pair[0], pair[0] + pair[1])
)


@st.composite
def overrides_near(draw: st.DrawFn, start: datetime, end: datetime) -> list[OverridePlan]:
    found = []
    for _ in range(draw(st.integers(0, 3))):
        span_quarters = int((end - start + timedelta(days=2)) / QUARTER)
        begins = start - timedelta(days=1) + draw(st.integers(0, span_quarters)) * QUARTER
        length = draw(st.integers(1, 5 * 24 * 4)) * QUARTER
        person = draw(st.sampled_from((*PEOPLE, "ovr")))
        found.append(OverridePlan(person, begins, begins + length))
    return found


@st.composite
def scenarios(draw: st.DrawFn, *, fully_staffed: bool = False):
    start, end = draw(windows)
    overrides = [] if fully_staffed else draw(overrides_near(start, end))
    return draw(rotas(fully_staffed=fully_staffed)), overrides, start, end


def instant_within(start: datetime, end: datetime, fraction: float) -> datetime:
    """An instant in [start, end), to the microsecond."""
    offset = (end - start) * fraction
    return min(start + offset, end - timedelta(microseconds=1))


# --- a direct reading of the rota at one instant --------------------------------------------


def _local_to_utc(naive: datetime, zone: ZoneInfo) -> datetime:
    return naive.replace(tzinfo=zone).astimezone(UTC)


def _in_hours(hours: tuple[WeeklyHours, ...], zone: ZoneInfo, at: datetime) -> bool:
    if not hours:
        return True
    today = at.astimezone(zone).date()
    for day in (today - timedelta(days=1), today):
        midnight = datetime(day.year, day.month, day.day)
        for window in hours:
            if day.weekday() not in window.days:
                continue
            opens = _local_to_utc(midnight + timedelta(minutes=window.start_minute), zone)
            closes = _local_to_utc(
                midnight + timedelta(minutes=window.start_minute + window.length_minutes), zone
            )
            if opens <= at < closes:
                return True
    return False


def _member_at(layer: LayerPlan, zone: ZoneInfo, at: datetime) -> str | None:
    if not layer.members:
        return None
    anchor = datetime.combine(layer.start, layer.handoff.time_of_day)
    if layer.end and at >= _local_to_utc(
        datetime.combine(layer.end, layer.handoff.time_of_day), zone
    ):
        return None
    step = layer.shift.wall_clock
    guess = (at.astimezone(zone).replace(tzinfo=None) - anchor) // step
    for index in range(max(0, guess - 2), guess + 3):
        begins = _local_to_utc(anchor + index * step, zone)
        ends = _local_to_utc(anchor + (index + 1) * step, zone)
        if begins <= at < ends:
            return layer.members[index % len(layer.members)]
    return None


def expected_at(rota: RotaPlan, overrides: list[OverridePlan], at: datetime):
    """(person, source) at `at`, read straight from the contract."""
    for override in reversed(overrides):
        if override.start <= at < override.end:
            return override.person, OVERRIDE
    zone = rota.timezone
    if not _in_hours(rota.hours, zone, at):
        return None, None
    calendar = rota.holidays if rota.skip_holidays else None
    if calendar and calendar.is_holiday(at.astimezone(zone).date()):
        return None, None
    for layer in reversed(rota.layers):
        if _in_hours(layer.hours, zone, at):
            member = _member_at(layer, zone, at)
            if member is not None:
                return member, LAYER
    return None, None


def segment_at(segments: list[Segment], at: datetime) -> Segment | None:
    return next((s for s in segments if s.start <= at < s.end), None)


# --- properties --------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(scenarios())
def test_schedule_segments_are_ordered_disjoint_merged_and_inside_the_window(scenario):
    rota, overrides, start, end = scenario
    segments = schedule(rota, overrides, start, end)
    for segment in segments:
        assert start <= segment.start < segment.end <= end
    for earlier, later in pairwise(segments):
        assert earlier.end <= later.start
        if earlier.end == later.start:
            assert (earlier.person, earlier.source) != (later.person, later.source)


@PROPERTY_SETTINGS
@given(scenarios(), st.lists(st.floats(0, 1), min_size=1, max_size=8))
def test_schedule_names_whoever_a_direct_reading_of_the_rota_names(scenario, fractions):
    rota, overrides, start, end = scenario
    segments = schedule(rota, overrides, start, end)
    for fraction in fractions:
        at = instant_within(start, end, fraction)
        segment = segment_at(segments, at)
        found = (None, None) if segment is None else (segment.person, segment.source)
        assert found == expected_at(rota, overrides, at), at


@PROPERTY_SETTINGS
@given(scenarios(fully_staffed=True), st.lists(st.floats(0, 1), min_size=1, max_size=8))
def test_inside_covered_hours_after_every_layer_starts_someone_is_on_call(scenario, fractions):
    rota, _, start, end = scenario
    segments = schedule(rota, [], start, end)
    zone = rota.timezone
    for fraction in fractions:
        at = instant_within(start, end, fraction)
        started = all(
            at >= _local_to_utc(datetime.combine(layer.start, layer.handoff.time_of_day), zone)
            for layer in rota.layers
        )
        covered = _in_hours(rota.hours, zone, at) and any(
            _in_hours(layer.hours, zone, at) for layer in rota.layers
        )
        if started and covered:
            assert segment_at(segments, at) is not None, at


@PROPERTY_SETTINGS
@given(scenarios(), st.floats(0, 1))
def test_the_most_recent_override_always_wins(scenario, fraction):
    rota, overrides, start, end = scenario
    chosen = OverridePlan("ovr", start, end)
    if overrides:
        chosen = replace(overrides[-1], person="ovr")
    at = instant_within(chosen.start, chosen.end, fraction)
    now = on_call_at(rota, [*overrides[:-1], chosen], at)
    assert (now.person, now.source) == ("ovr", OVERRIDE)


@PROPERTY_SETTINGS
@given(scenarios())
def test_on_call_at_agrees_with_the_schedule_as_far_as_its_horizon(scenario):
    rota, overrides, at, _ = scenario
    horizon_start, horizon_end = at - HORIZON, at + HORIZON
    segments = schedule(rota, overrides, horizon_start, horizon_end)
    segment = segment_at(segments, at)
    if segment is not None:
        expected = OnCallNow(
            segment.person,
            segment.start if segment.start > horizon_start else None,
            segment.end if segment.end < horizon_end else None,
            segment.source,
        )
    else:
        earlier = [s for s in segments if s.end <= at]
        later = [s for s in segments if s.start > at]
        expected = OnCallNow(
            None, earlier[-1].end if earlier else None, later[0].start if later else None, None
        )
    assert on_call_at(rota, overrides, at) == expected
