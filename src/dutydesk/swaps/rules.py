"""The pure rules of swaps: who holds a window, and how long a window is. No database here."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from dutydesk.rotas.oncall import Segment


@dataclass(frozen=True, slots=True)
class Stretch:
    """Part of a window and who is on call in it (None: nobody)."""

    person: str | None
    start: datetime
    end: datetime


def not_held(
    segments: Sequence[Segment], person: str, start: datetime, end: datetime
) -> list[Stretch]:
    """The parts of [start, end) where `person` is not on call, given the rota's schedule there.

    Empty means `person` holds the whole window (from the layers, an override, or both). Each
    part says who is on call instead, or None where nobody is.
    """
    found: list[Stretch] = []
    cursor = start
    for segment in sorted(segments, key=lambda s: s.start):
        piece_start, piece_end = max(segment.start, start), min(segment.end, end)
        if piece_start >= piece_end:
            continue
        if piece_start > cursor:
            found.append(Stretch(None, cursor, piece_start))
        if segment.person != person:
            found.append(Stretch(segment.person, piece_start, piece_end))
        cursor = max(cursor, piece_end)
    if cursor < end:
        found.append(Stretch(None, cursor, end))
    return _joined(found)


def held_by(
    segments: Sequence[Segment], person: str, start: datetime, end: datetime
) -> list[Stretch]:
    """The parts of [start, end) where `person` is on call."""
    return [
        Stretch(person, max(s.start, start), min(s.end, end))
        for s in sorted(segments, key=lambda s: s.start)
        if s.person == person and max(s.start, start) < min(s.end, end)
    ]


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether [a_start, a_end) and [b_start, b_end) share any instant."""
    return a_start < b_end and b_start < a_end


def length_text(length: timedelta) -> str:
    """A duration for people: "8h", "7h 30m", "1d 2h", "45s"."""
    seconds = int(length.total_seconds())
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [
        f"{n}{unit}" for n, unit in ((days, "d"), (hours, "h"), (minutes, "m"), (seconds, "s")) if n
    ]
    return " ".join(parts) or "0m"


def _joined(stretches: list[Stretch]) -> list[Stretch]:
    """Join neighbours with the same person (a layer shift followed by their own override)."""
    joined: list[Stretch] = []
    for stretch in stretches:
        if joined and joined[-1].person == stretch.person and joined[-1].end == stretch.start:
            joined[-1] = Stretch(stretch.person, joined[-1].start, stretch.end)
        else:
            joined.append(stretch)
    return joined
