"""Which task sizes fit the time someone has left, as pure maths.

A size says roughly how long a task takes: S up to an hour, M up to half a day (4 hours), L
longer. A size fits when the time left is at least that long: S needs an hour, M four, and L
more than four (a morning or more). A task nobody has sized fits any time left: it was not
judged big, and asking someone to size it is the engineer's first minute of it.
"""

from __future__ import annotations

from datetime import timedelta

from dutydesk.tasks.models import SIZES

# The longest each size takes; L has no bound, so it needs more than M's.
LONGEST = {"S": timedelta(hours=1), "M": timedelta(hours=4)}


def size_fits(size: str | None, time_left: timedelta) -> bool:
    """Whether a task of `size` (None: unsized) fits in `time_left`; nothing fits in no time."""
    if time_left <= timedelta(0):
        return False
    if size is None:
        return True
    if size == "L":
        return time_left > LONGEST["M"]
    return time_left >= LONGEST[size]


def sizes_that_fit(time_left: timedelta) -> tuple[str, ...]:
    """The sizes (of S, M, L) that fit in `time_left`, smallest first."""
    return tuple(size for size in SIZES if size_fits(size, time_left))
