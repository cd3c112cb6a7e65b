"""How long until a ticket's answer is due, in words for the pages: "in 12 min", "overdue by
5 min", "paused". Pure: the pages give it the ticket's clock columns and the injected clock's
now, so the words are worked out on the server and need no script.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from dutydesk.timeparse import duration_text

# An answer due within this long is "soon": the queue's breaching tab and the colour of its
# countdown.
SOON = timedelta(hours=1)

OVERDUE, DUE_SOON, LATER, PAUSED, STOPPED = "overdue", "soon", "later", "paused", "stopped"


@dataclass(frozen=True, slots=True)
class Countdown:
    """The words for an answer's due time, and its state (`overdue`, `soon`, `later`,
    `paused` or `stopped`), which the pages use for emphasis."""

    text: str
    state: str


def countdown(due_at: datetime | None, *, owed: bool, running: bool, now: datetime) -> Countdown:
    """The countdown of an answer: `owed` False once the ticket is solved or closed, `running`
    False while it waits on the tenant (pending)."""
    if not owed:
        return Countdown("nothing owed", STOPPED)
    if not running:
        return Countdown("paused", PAUSED)
    if due_at is None:
        # Support hours that never open: the clock runs but never falls due.
        return Countdown("no due time", LATER)
    left = (due_at - now).total_seconds()
    if left > 0:
        # Rounded up: "in 1 min" until the minute it falls due, never "in 0 min".
        words = f"in {duration_text(timedelta(minutes=math.ceil(left / 60)))}"
        return Countdown(words, DUE_SOON if left <= SOON.total_seconds() else LATER)
    late = math.floor(-left / 60)
    if late == 0:
        return Countdown("due now", OVERDUE)
    return Countdown(f"overdue by {duration_text(timedelta(minutes=late))}", OVERDUE)
