"""Bank-holiday calendars, offline, from the `holidays` package."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from datetime import date, timedelta
from functools import cache, lru_cache

import holidays as holidays_lib
from holidays.registry import COUNTRIES


class HolidayCalendar:
    """The bank holidays of one country (and optional subdivision), plus any extra days."""

    def __init__(self, code: str | None, extra_days: Iterable[date] = ()) -> None:
        self.code = code
        self.extra_days = frozenset(extra_days)
        self._sorted_extra_days = sorted(self.extra_days)
        self._country: str | None = None
        self._subdivision: str | None = None
        if code is not None:
            self._country, self._subdivision = _split_and_check(code)

    def is_holiday(self, day: date) -> bool:
        """True when `day` is a bank holiday or an extra day off."""
        if day in self.extra_days:
            return True
        if self._country is None:
            return False
        return day in _holidays_of_year(self._country, self._subdivision, day.year)

    def name_of(self, day: date) -> str | None:
        """The holiday's name, or None on an ordinary day."""
        if day in self.extra_days:
            return "Team holiday"
        if self._country is None:
            return None
        return _holidays_of_year(self._country, self._subdivision, day.year).get(day)

    def days_between(self, first: date, last: date) -> list[date]:
        """The holidays from `first` to `last` inclusive, in order.

        Cheaper than asking `is_holiday` of every day: the rota maths looks a year either side
        of an instant when nobody is on call for a long time.
        """
        found = set(_within(self._sorted_extra_days, first, last))
        if self._country is not None:
            for year in range(first.year, last.year + 1):
                days = _sorted_holidays_of_year(self._country, self._subdivision, year)
                found.update(_within(days, first, last))
        return sorted(found)


def check_calendar_code(code: str) -> str:
    """Validate "GB-ENG", "GB-SCT", "DE-BY", "FR" … and return it in canonical form."""
    country, subdivision = _split_and_check(code)
    return country if subdivision is None else f"{country}-{subdivision}"


def _split_and_check(code: str) -> tuple[str, str | None]:
    country, _, subdivision = code.strip().upper().partition("-")
    subdivisions = _subdivisions_of(country)
    if subdivisions is None:
        raise ValueError(
            f"{code!r} is not a known holiday calendar (try GB-ENG, GB-SCT, US, DE-BY)"
        )
    if subdivision and subdivision not in subdivisions:
        known = ", ".join(f"{country}-{s}" for s in subdivisions[:8])
        raise ValueError(f"{code!r} is not a known holiday calendar; {country} has {known}")
    return country, subdivision or None


@cache
def _subdivisions_of(country: str) -> tuple[str, ...] | None:
    """The subdivisions of a country the package knows, or None for an unknown country.

    Read from the package's registry, which imports only that country's module: listing every
    supported country imports all of them, a sixth of a second at every command's start.
    """
    for class_name, code, *_ in COUNTRIES.values():
        if code == country:
            subdivisions: tuple[str, ...] = tuple(getattr(holidays_lib, class_name).subdivisions)
            return subdivisions
    return None


def _within(days: list[date] | tuple[date, ...], first: date, last: date) -> list[date]:
    """The part of a sorted list of days from `first` to `last` inclusive."""
    return list(days[bisect_left(days, first) : bisect_right(days, last)])


@lru_cache(maxsize=256)
def _holidays_of_year(country: str, subdivision: str | None, year: int) -> dict[date, str]:
    # The package computes a year's holidays on first use (a few milliseconds); keep them.
    calendar = holidays_lib.country_holidays(country, subdiv=subdivision, years=(year, year + 1))
    named = {day: str(name) for day, name in calendar.items()}
    return {
        day: name
        for day, name in named.items()
        if day.year == year and not _moved_to_a_weekday(day, name, named)
    }


def _moved_to_a_weekday(day: date, name: str, named: dict[date, str]) -> bool:
    """True for a weekend holiday whose day off is a later weekday ("Boxing Day (observed)").

    The package lists both the weekend date and the substitute; only the substitute is a day
    off (gov.uk lists Boxing Day 2026 as Monday 28 December, not Saturday 26).
    """
    if day.weekday() < 5:
        return False
    for offset in (1, 2, 3):
        later = named.get(day + timedelta(days=offset), "")
        if any(f"{part} (observed)" in later for part in name.split("; ")):
            return True
    return False


@lru_cache(maxsize=256)
def _sorted_holidays_of_year(country: str, subdivision: str | None, year: int) -> tuple[date, ...]:
    return tuple(sorted(_holidays_of_year(country, subdivision, year)))
