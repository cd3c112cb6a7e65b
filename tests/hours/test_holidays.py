"""Bank-holiday calendars: codes, the days they name, and a team's extra days off."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dutydesk.hours.holidays import (
    HolidayCalendar,
    StoredHolidays,
    check_calendar_code,
    compute_holidays,
    package_version,
)


@pytest.mark.parametrize(
    ("code", "canonical"),
    [
        pytest.param("GB-ENG", "GB-ENG", id="england"),
        pytest.param(" gb-sct ", "GB-SCT", id="scotland-lower-case"),
        pytest.param("US", "US", id="country-only"),
        pytest.param("DE-BY", "DE-BY", id="bavaria"),
    ],
)
def test_a_calendar_code_is_checked_and_made_canonical(code, canonical):
    assert check_calendar_code(code) == canonical


@pytest.mark.parametrize(
    ("code", "message"),
    [
        pytest.param(
            "XX",
            "'XX' is not a known holiday calendar (try GB-ENG, GB-SCT, US, DE-BY)",
            id="country",
        ),
        pytest.param(
            "", "'' is not a known holiday calendar (try GB-ENG, GB-SCT, US, DE-BY)", id="empty"
        ),
        pytest.param(
            "GB-XYZ",
            "'GB-XYZ' is not a known holiday calendar; GB has GB-ENG, GB-NIR, GB-SCT, GB-WLS",
            id="subdivision",
        ),
    ],
)
def test_an_unknown_calendar_code_says_which_ones_exist(code, message):
    with pytest.raises(ValueError) as raised:
        check_calendar_code(code)
    assert str(raised.value) == message


@pytest.mark.parametrize(
    ("code", "day", "name"),
    [
        pytest.param("GB-ENG", date(2026, 12, 25), "Christmas Day", id="england-christmas"),
        pytest.param(
            "GB-ENG", date(2026, 12, 28), "Boxing Day (observed)", id="england-substitute"
        ),
        pytest.param("GB-ENG", date(2026, 12, 29), None, id="england-29-december"),
        pytest.param("GB-ENG", date(2026, 1, 2), None, id="england-2-january"),
        pytest.param("GB-ENG", date(2026, 4, 6), "Easter Monday", id="england-easter-monday"),
        pytest.param("GB-ENG", date(2026, 11, 30), None, id="england-st-andrews-day"),
        pytest.param("GB-SCT", date(2026, 1, 2), "New Year Holiday", id="scotland-2-january"),
        pytest.param("GB-SCT", date(2026, 4, 6), None, id="scotland-easter-monday"),
        pytest.param("GB-SCT", date(2026, 11, 30), "Saint Andrew's Day", id="scotland-st-andrew"),
    ],
)
def test_a_calendar_names_its_bank_holidays_and_only_those(code, day, name):
    calendar = HolidayCalendar(code)
    assert (calendar.name_of(day), calendar.is_holiday(day)) == (name, name is not None)


def test_extra_days_off_are_holidays_with_or_without_a_country():
    for calendar in (
        HolidayCalendar(None, [date(2026, 7, 17)]),
        HolidayCalendar("GB-ENG", [date(2026, 7, 17)]),
    ):
        assert (calendar.is_holiday(date(2026, 7, 17)), calendar.name_of(date(2026, 7, 17))) == (
            True,
            "Team holiday",
        )
        assert not calendar.is_holiday(date(2026, 7, 16))


def test_no_calendar_has_no_holidays():
    calendar = HolidayCalendar(None)
    assert (calendar.is_holiday(date(2026, 12, 25)), calendar.name_of(date(2026, 12, 25))) == (
        False,
        None,
    )
    assert calendar.days_between(date(2026, 1, 1), date(2026, 12, 31)) == []


@pytest.mark.parametrize(
    ("code", "extra", "first", "last", "expected"),
    [
        pytest.param(
            "GB-ENG",
            [],
            date(2026, 12, 20),
            date(2027, 1, 2),
            [date(2026, 12, 25), date(2026, 12, 28), date(2027, 1, 1)],
            id="across-new-year",
        ),
        pytest.param(
            "GB-SCT",
            [date(2026, 12, 24)],
            date(2026, 12, 24),
            date(2026, 12, 25),
            [date(2026, 12, 24), date(2026, 12, 25)],
            id="both-ends-included-with-extra-day",
        ),
        pytest.param("GB-ENG", [], date(2026, 6, 1), date(2026, 6, 30), [], id="none-in-june"),
        pytest.param(
            "GB-ENG",
            [date(2026, 12, 25)],
            date(2026, 12, 25),
            date(2026, 12, 25),
            [date(2026, 12, 25)],
            id="extra-day-that-is-a-holiday-anyway",
        ),
    ],
)
def test_days_between_lists_the_holidays_in_order(code, extra, first, last, expected):
    calendar = HolidayCalendar(code, extra)
    assert calendar.days_between(first, last) == expected
    every_day = [date.fromordinal(n) for n in range(first.toordinal(), last.toordinal() + 1)]
    assert expected == [day for day in every_day if calendar.is_holiday(day)]


@pytest.mark.parametrize(
    ("weekend_day", "substitute"),
    [
        pytest.param(date(2026, 12, 26), date(2026, 12, 28), id="boxing-day-2026-on-a-saturday"),
        pytest.param(date(2027, 12, 25), date(2027, 12, 27), id="christmas-2027-on-a-saturday"),
        pytest.param(date(2027, 12, 26), date(2027, 12, 28), id="boxing-day-2027-on-a-sunday"),
    ],
)
def test_a_weekend_bank_holiday_is_a_day_off_only_on_its_substitute_weekday(
    weekend_day, substitute
):
    calendar = HolidayCalendar("GB-ENG")
    assert not calendar.is_holiday(weekend_day)
    assert calendar.is_holiday(substitute)


@pytest.mark.parametrize("code", ["GB-ENG", "GB-SCT", "US", "DE-BY"])
def test_stored_holidays_answer_as_the_package_does_for_the_years_they_cover(code):
    stored = StoredHolidays.from_row(compute_holidays(code, 2025, 2027).to_row())
    kept, computed = HolidayCalendar(code, stored=stored), HolidayCalendar(code)
    every_day = [date(2025, 1, 1) + timedelta(days=n) for n in range(3 * 366)]
    assert [kept.name_of(day) for day in every_day] == [computed.name_of(day) for day in every_day]
    assert kept.days_between(date(2024, 12, 1), date(2028, 1, 31)) == computed.days_between(
        date(2024, 12, 1), date(2028, 1, 31)
    )


def test_a_year_outside_those_stored_is_asked_of_the_package():
    stored = compute_holidays("GB-ENG", 2026, 2026)
    calendar = HolidayCalendar("GB-ENG", stored=stored)
    assert calendar.name_of(date(2030, 12, 25)) == "Christmas Day"
    assert calendar.days_between(date(2030, 12, 24), date(2030, 12, 26)) == [
        date(2030, 12, 25),
        date(2030, 12, 26),
    ]


def test_holidays_stored_for_another_calendar_are_not_used():
    scotland = compute_holidays("GB-SCT", 2026, 2026)
    england = HolidayCalendar("gb-eng", stored=scotland)
    assert england.name_of(date(2026, 11, 30)) is None  # Saint Andrew's Day is Scotland's
    assert england.name_of(date(2026, 4, 6)) == "Easter Monday"


def test_stored_holidays_keep_the_canonical_code_and_the_package_version():
    stored = compute_holidays(" gb-eng", 2026, 2027)
    assert (stored.code, stored.first_year, stored.last_year) == ("GB-ENG", 2026, 2027)
    assert stored.package_version == package_version() != ""
    assert stored.days[date(2027, 12, 27)] == "Christmas Day (observed)"


def test_computing_the_holidays_of_an_unknown_calendar_says_which_ones_exist():
    with pytest.raises(ValueError, match="'XX' is not a known holiday calendar"):
        compute_holidays("XX", 2026, 2026)
