"""Bank-holiday calendars, offline, from the `holidays` package, or kept from it.

The package imports every one of its 250 countries as soon as one is used, a tenth of a second
at the start of every command. So a team's holidays are computed once for the years around now
(`StoredHolidays`, kept with the team) and the package is imported only for a year outside them.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache, lru_cache
from importlib import metadata
from typing import Any


@dataclass(frozen=True)
class StoredHolidays:
    """A calendar's bank holidays from `first_year` to `last_year` inclusive, as computed by
    version `package_version` of the holidays package."""

    code: str
    first_year: int
    last_year: int
    package_version: str
    days: Mapping[date, str] = field(repr=False)

    def covers(self, year: int) -> bool:
        return self.first_year <= year <= self.last_year

    def to_row(self) -> dict[str, Any]:
        """A JSON-able form for the database."""
        return {
            "code": self.code,
            "first_year": self.first_year,
            "last_year": self.last_year,
            "package_version": self.package_version,
            "days": {day.isoformat(): name for day, name in sorted(self.days.items())},
        }

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> StoredHolidays:
        return cls(
            code=row["code"],
            first_year=row["first_year"],
            last_year=row["last_year"],
            package_version=row["package_version"],
            days={date.fromisoformat(day): name for day, name in row["days"].items()},
        )


def compute_holidays(code: str, first_year: int, last_year: int) -> StoredHolidays:
    """The holidays of the calendar `code` (checked) for the years given, ready to keep."""
    country, subdivision = _split_and_check(code)
    days: dict[date, str] = {}
    for year in range(first_year, last_year + 1):
        days.update(_holidays_of_year(country, subdivision, year))
    return StoredHolidays(canonical_code(code), first_year, last_year, package_version(), days)


def package_version() -> str:
    """The version of the holidays package that computes holidays in this process."""
    return metadata.version("holidays")


class HolidayCalendar:
    """The bank holidays of one country (and optional subdivision), plus any extra days.

    `stored`, when given and computed for `code`, answers for the years it covers; the code was
    checked when they were computed, and the package is imported only for other years.
    """

    def __init__(
        self,
        code: str | None,
        extra_days: Iterable[date] = (),
        stored: StoredHolidays | None = None,
    ) -> None:
        self.code = code
        self.extra_days = frozenset(extra_days)
        self._sorted_extra_days = sorted(self.extra_days)
        self._country: str | None = None
        self._subdivision: str | None = None
        self._stored: StoredHolidays | None = None
        self._stored_sorted: tuple[date, ...] = ()
        if code is None:
            return
        if stored is not None and stored.code == canonical_code(code):
            self._stored = stored
            self._stored_sorted = tuple(sorted(stored.days))
            self._country, self._subdivision = _split(code)
        else:
            self._country, self._subdivision = _split_and_check(code)

    def is_holiday(self, day: date) -> bool:
        """True when `day` is a bank holiday or an extra day off."""
        if day in self.extra_days:
            return True
        return self.name_of(day) is not None

    def name_of(self, day: date) -> str | None:
        """The holiday's name, or None on an ordinary day."""
        if day in self.extra_days:
            return "Team holiday"
        if self._country is None:
            return None
        if self._stored is not None and self._stored.covers(day.year):
            return self._stored.days.get(day)
        return _holidays_of_year(self._country, self._subdivision, day.year).get(day)

    def days_between(self, first: date, last: date) -> list[date]:
        """The holidays from `first` to `last` inclusive, in order.

        Cheaper than asking `is_holiday` of every day: the rota maths looks a year either side
        of an instant when nobody is on call for a long time.
        """
        found = set(_within(self._sorted_extra_days, first, last))
        if self._country is not None:
            for year in range(first.year, last.year + 1):
                if self._stored is not None and self._stored.covers(year):
                    days = self._stored_sorted
                else:
                    days = _sorted_holidays_of_year(self._country, self._subdivision, year)
                found.update(_within(days, first, last))
        return sorted(found)


def check_calendar_code(code: str) -> str:
    """Validate "GB-ENG", "GB-SCT", "DE-BY", "FR" … and return it in canonical form."""
    _split_and_check(code)
    return canonical_code(code)


def canonical_code(code: str) -> str:
    """`code` in canonical form ("gb-eng " is "GB-ENG"), not checked against the package."""
    country, subdivision = _split(code)
    return country if subdivision is None else f"{country}-{subdivision}"


def _split(code: str) -> tuple[str, str | None]:
    country, _, subdivision = code.strip().upper().partition("-")
    return country, subdivision or None


def _split_and_check(code: str) -> tuple[str, str | None]:
    country, subdivision = _split(code)
    subdivisions = _subdivisions_of(country)
    if subdivisions is None:
        raise ValueError(
            f"{code!r} is not a known holiday calendar (try GB-ENG, GB-SCT, US, DE-BY)"
        )
    if subdivision and subdivision not in subdivisions:
        known = ", ".join(f"{country}-{s}" for s in subdivisions[:8])
        raise ValueError(f"{code!r} is not a known holiday calendar; {country} has {known}")
    return country, subdivision


@cache
def _subdivisions_of(country: str) -> tuple[str, ...] | None:
    """The subdivisions of a country the package knows, or None for an unknown country.

    Read from the package's registry, which imports only that country's module: listing every
    supported country imports all of them, a sixth of a second at every command's start.
    """
    import holidays as holidays_lib
    from holidays.registry import COUNTRIES

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
    import holidays as holidays_lib

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
