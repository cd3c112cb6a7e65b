"""Instants as naive UTC datetimes, and their place on a time zone's wall clock.

The support-hours and rota maths run on naive UTC datetimes. Attaching a tzinfo to a datetime
costs more than all the arithmetic around it, and the rota maths is on a hot path (every rota,
every request), so the tzinfo comes off on the way in (`naive_utc`) and goes back on the few
instants that come out (`aware_utc`).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

_EPOCH = datetime(1970, 1, 1)  # naive, like all instants inside
_EPOCH_UTC = datetime(1970, 1, 1, tzinfo=UTC)
_NO_OFFSET = timedelta(0)


def to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    """The naive UTC instant of a naive local wall-clock time in `zone`.

    A time skipped by a spring-forward change is read with the offset before the change (so it
    lands just after the jump); a repeated autumn time means its first occurrence. That is
    fold=0, which is how `utcoffset` reads a naive time (never None for a ZoneInfo).
    """
    return local - (zone.utcoffset(local) or _NO_OFFSET)


def to_local(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive local wall-clock time of a naive UTC instant."""
    # fromutc is the cheapest exact way there: it reads the fields of a datetime stamped with
    # the zone as UTC, and an aware datetime plus a timedelta keeps its fields' arithmetic.
    local = zone.fromutc(_epoch_in(zone) + (instant - _EPOCH))
    return instant + (local.utcoffset() or _NO_OFFSET)


@lru_cache(maxsize=64)
def _epoch_in(zone: ZoneInfo) -> datetime:
    return datetime(1970, 1, 1, tzinfo=zone)


def naive_utc(instant: datetime, name: str) -> datetime:
    """An aware datetime as a naive UTC one; `name` says which argument a naive one was."""
    offset = instant.utcoffset()
    if offset is None:
        # astimezone() would read a naive time as the server's local time: refuse to guess.
        raise ValueError(f"{name} must be an aware datetime, not naive {instant.isoformat()}")
    # Arithmetic, not replace(tzinfo=None): it gives the same instant for a fraction of the cost.
    return _EPOCH + (instant - _EPOCH_UTC)


def aware_utc(instant: datetime) -> datetime:
    """A naive UTC datetime as an aware UTC one."""
    return _EPOCH_UTC + (instant - _EPOCH)
