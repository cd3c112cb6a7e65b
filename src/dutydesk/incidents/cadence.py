"""When an incident's reminders fall due: pure maths over its state, no database.

Each kind of reminder has a schedule worked out from what the incident's row says, so the
worker needs no memory of its own beyond the next due time of each kind (`incident_reminders`):

- `update`: the comms lead owes tenants an update at the priority's interval since the last
  one published (the declaration, before the first), and again at each interval after while
  none is published. An interval in hours counts every hour (incidents do not wait for office
  hours); one in support days counts working days.
- `check`: during a P1 or P2, every 30 minutes since the last answered check, the comms lead
  checks on the engineer.
- `boundary`: at each start and end of the working day while the incident is open, the comms
  lead posts an update; at an end, everyone is prompted to pause and document, and at the next
  start to continue.
- `pause`: 6 hours into out-of-hours work (from the declaration, or from the end of the working
  day), everyone is prompted to pause and document, unless the working day starts first.
- `review`: a resolved incident owes its review 10 support days later; its lead is reminded 2
  support days before, on the day, and each support day after until it is held.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from dutydesk.hours.support import SupportHours
from dutydesk.tickets.targets import Target, due_at, support_day

UPDATE, CHECK, BOUNDARY, PAUSE, REVIEW = "update", "check", "boundary", "pause", "review"
KINDS = (UPDATE, CHECK, BOUNDARY, PAUSE, REVIEW)
CHECK_EVERY = timedelta(minutes=30)
CHECKED_PRIORITIES = ("P1", "P2")
OUT_OF_HOURS_STRETCH = timedelta(hours=6)
REVIEW_WITHIN = Target(support_days=10)
REVIEW_FIRST_REMINDER = Target(support_days=8)
# How far ahead to look for the working day's next edge: past a long bank-holiday break.
_EDGE_REACH = timedelta(days=21)
OPEN = ("active", "mitigated")


@dataclass(frozen=True, slots=True)
class CadenceState:
    """What the schedules read of an incident."""

    priority: str
    status: str
    declared_at: datetime
    last_update_at: datetime | None = None
    last_check_at: datetime | None = None
    resolved_at: datetime | None = None
    review_due_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class CadenceRules:
    """The update interval of each priority, and the working day (team zone, holidays)."""

    update_every: dict[str, Target]
    working: SupportHours


def next_due(
    kind: str, state: CadenceState, rules: CadenceRules, after: datetime
) -> datetime | None:
    """The first reminder of `kind` the incident owes strictly after `after`; None: none."""
    if kind == REVIEW:
        return _review(state, rules, after)
    if state.status not in OPEN:
        return None
    if kind == UPDATE:
        base = state.last_update_at or state.declared_at
        return _repeating(base, rules.update_every[state.priority], rules.working, after)
    if kind == CHECK:
        if state.priority not in CHECKED_PRIORITIES:
            return None
        base = state.last_check_at or state.declared_at
        return _repeating(base, Target(amount=CHECK_EVERY, calendar=True), rules.working, after)
    if kind == BOUNDARY:
        edge = next_edge(rules.working, max(after, state.declared_at))
        return None if edge is None else edge[0]
    if kind == PAUSE:
        return _pause(state, rules.working, after)
    raise ValueError(f"no reminder kind {kind!r}")


def schedule(state: CadenceState, rules: CadenceRules, after: datetime) -> dict[str, datetime]:
    """Every kind's next reminder after `after`, leaving out the kinds that owe none."""
    found = {kind: next_due(kind, state, rules, after) for kind in KINDS}
    return {kind: due for kind, due in found.items() if due is not None}


def next_edge(working: SupportHours, after: datetime) -> tuple[datetime, bool] | None:
    """The working day's next start or end strictly after `after`, and whether it is a start."""
    reach = after + _EDGE_REACH
    for opens, closes in working.open_intervals(after, reach):
        if opens > after:
            return opens, True
        if closes < reach:
            return closes, False
    return None


def review_due(resolved_at: datetime, working: SupportHours) -> datetime | None:
    """When a review of an incident resolved at `resolved_at` is owed: 10 support days on."""
    return due_at(REVIEW_WITHIN, working, resolved_at)


def _repeating(
    base: datetime, every: Target, working: SupportHours, after: datetime
) -> datetime | None:
    """The first of base + every, base + 2 × every … strictly after `after`."""
    if every.calendar or not every.support_days:
        step = every.amount
        if base + step > after:
            return base + step
        missed = (after - base) // step
        return base + (missed + 1) * step
    due: datetime | None = base
    length = every.support_days * support_day(working)
    while due is not None and due <= after:
        due = working.add(due, length)
    return due


def _pause(state: CadenceState, working: SupportHours, after: datetime) -> datetime | None:
    """6 hours into the stretch of out-of-hours work going on at `after` (or the next one),
    unless the working day starts first. A stretch starts at the declaration, when that is out
    of hours, or at the end of a working day."""
    moment = max(after, state.declared_at)
    for _ in range(32):
        if working.is_open(moment):
            edge = next_edge(working, moment)
            while edge is not None and edge[1]:
                edge = next_edge(working, edge[0])
            if edge is None:
                return None
            moment = stretch_start = edge[0]
        else:
            stretch_start = max(
                state.declared_at, _last_close(working, moment) or state.declared_at
            )
        prompt = stretch_start + OUT_OF_HOURS_STRETCH
        day_starts = working.next_open_at(moment)
        if prompt > after and (day_starts is None or prompt < day_starts):
            return prompt
        if day_starts is None:
            return None
        moment = day_starts
    return None


def _last_close(working: SupportHours, at: datetime) -> datetime | None:
    """When the last working day before `at` ended (None: none in reach)."""
    intervals = working.open_intervals(at - _EDGE_REACH, at)
    return intervals[-1][1] if intervals else None


def _review(state: CadenceState, rules: CadenceRules, after: datetime) -> datetime | None:
    if state.status != "resolved" or state.resolved_at is None or state.review_due_at is None:
        return None
    first = due_at(REVIEW_FIRST_REMINDER, rules.working, state.resolved_at)
    if first is not None and first > after:
        return first
    if state.review_due_at > after:
        return state.review_due_at
    return _repeating(state.review_due_at, Target(support_days=1), rules.working, after)
