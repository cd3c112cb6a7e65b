"""A ticket's clock: which answer it owes, since when the clock has run, what it has used, when
the answer falls due and which reminder comes next. Pure: the service keeps it in columns.

- A new ticket owes its first response; the first public reply makes it owe updates, and each
  later public reply starts the update clock again.
- Pending (waiting on the tenant) pauses the clock, keeping the time used; open again resumes it.
- Solved or closed stops it.
- A new priority gives the owed answer that priority's target, keeping the time used.
- Reminders: at each of REMINDER_FRACTIONS of the target, then at the breach; a stage whose
  time has passed by the time the clock is set is not sent late (the next one is).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from dutydesk.tickets.policy import FIRST_RESPONSE, REMINDER_FRACTIONS, UPDATE, SupportPolicy
from dutydesk.tickets.targets import Target, due_at, time_used

_NOTHING = timedelta(0)
# Reminder stages: 1 and 2 at the fractions, BREACH at the due time.
BREACH = len(REMINDER_FRACTIONS) + 1


@dataclass(frozen=True, slots=True)
class Clock:
    """The clock of one ticket. `running_since` None: paused or stopped (then `due` is None)."""

    kind: str | None = None
    priority: str | None = None
    running_since: datetime | None = None
    used: timedelta = _NOTHING
    due: datetime | None = None
    next_reminder_at: datetime | None = None
    next_stage: int | None = None

    @property
    def stopped(self) -> bool:
        return self.kind is None


def started(policy: SupportPolicy, kind: str, priority: str | None, now: datetime) -> Clock:
    """A clock owing `kind` from `now`, nothing used."""
    return _set_due(policy, Clock(kind, priority, now, _NOTHING), now)


def on_public_reply(policy: SupportPolicy, clock: Clock, now: datetime) -> Clock:
    """The team answered: the tenant is owed the next update, counted from now."""
    return started(policy, UPDATE, clock.priority, now)


def paused(policy: SupportPolicy, clock: Clock, now: datetime) -> Clock:
    """Pending: keep what the clock used; no due time, no reminder until it runs again."""
    if clock.running_since is None or clock.kind is None:
        return clock
    target = policy.target(clock.kind, clock.priority)
    used = clock.used + time_used(target, policy.hours, clock.running_since, now)
    return Clock(clock.kind, clock.priority, None, used)


def resumed(policy: SupportPolicy, clock: Clock, now: datetime) -> Clock:
    """Open again: the clock runs from now with what it had used."""
    if clock.kind is None or clock.running_since is not None:
        return clock
    return _set_due(policy, replace(clock, running_since=now), now)


def stopped(clock: Clock) -> Clock:
    """Solved or closed: nothing is owed."""
    return Clock(priority=clock.priority)


def reprioritised(
    policy: SupportPolicy, clock: Clock, priority: str | None, now: datetime
) -> Clock:
    """The owed answer by the new priority's target, keeping the time used so far."""
    if clock.kind is None:
        return replace(clock, priority=priority)
    if clock.running_since is None:
        return replace(clock, priority=priority)
    target = policy.target(clock.kind, clock.priority)
    used = clock.used + time_used(target, policy.hours, clock.running_since, now)
    return _set_due(policy, Clock(clock.kind, priority, now, used), now)


def after_reminder(policy: SupportPolicy, clock: Clock, now: datetime) -> Clock:
    """The clock once its next reminder has been sent: the following stage, or none (a paused
    or stopped clock has none)."""
    if clock.next_stage is None or clock.next_stage >= BREACH or clock.running_since is None:
        return replace(clock, next_reminder_at=None, next_stage=None)
    return _next_reminder(policy, clock, now, after=clock.next_stage)


def _set_due(policy: SupportPolicy, clock: Clock, now: datetime) -> Clock:
    assert clock.kind is not None and clock.running_since is not None
    target = policy.target(clock.kind, clock.priority)
    due = due_at(target, policy.hours, clock.running_since, used=clock.used)
    return _next_reminder(policy, replace(clock, due=due), now, after=0)


def _next_reminder(policy: SupportPolicy, clock: Clock, now: datetime, *, after: int) -> Clock:
    """The first stage after `after` whose time is still to come (the breach always counts:
    an answer already overdue is reminded of at once)."""
    assert clock.kind is not None and clock.running_since is not None
    target: Target = policy.target(clock.kind, clock.priority)
    for stage, fraction in enumerate(REMINDER_FRACTIONS, start=1):
        if stage <= after:
            continue
        at = due_at(target, policy.hours, clock.running_since, used=clock.used, fraction=fraction)
        if at is not None and at > now:
            return replace(clock, next_reminder_at=at, next_stage=stage)
    if clock.due is None:
        return replace(clock, next_reminder_at=None, next_stage=None)
    return replace(clock, next_reminder_at=clock.due, next_stage=BREACH)


__all__ = ["BREACH", "FIRST_RESPONSE", "UPDATE", "Clock"]
