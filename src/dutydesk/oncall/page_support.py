"""What the override and break-cover pages share: reading their forms and framing previews."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.errors import Invalid
from dutydesk.people.service import list_people
from dutydesk.timeparse import parse_time
from dutydesk.web.forms import FormErrors
from dutydesk.web.page import Page

# A preview lists the schedule for at most this long: enough to see whom a change displaces
# without a year-long override filling the page.
LONGEST_PREVIEW = timedelta(days=14)


def form_values(form: dict[str, str], names: tuple[str, ...]) -> dict[str, str]:
    """The named fields' trimmed text (NUL characters were refused with the form itself)."""
    return {name: form.get(name, "").strip() for name in names}


def read_time(page: Page, values: dict[str, str], name: str, errors: FormErrors) -> datetime | None:
    """The instant typed in a time field (team time unless it says otherwise), or None."""
    if not values[name] or name in errors.by_field:
        return None
    try:
        return parse_time(values[name], page.zone, page.now, field=name)
    except Invalid as error:
        errors.add_error(error, (name,))
        return None


def people_choices(session: Session) -> list[tuple[str, str]]:
    """(id, name) of everyone on the team, for a select."""
    return [(person.id, person.name) for person in list_people(session)]


def exact_time(instant: datetime, zone: ZoneInfo) -> str:
    """A time for a hidden field: team-local with its offset, so it reads back unambiguously."""
    return instant.astimezone(zone).isoformat(timespec="minutes")


def days_around(start: datetime, end: datetime, zone: ZoneInfo) -> tuple[datetime, datetime]:
    """The whole local days from `start` to `end`, cut at LONGEST_PREVIEW."""
    first = datetime.combine(start.astimezone(zone).date(), time(), tzinfo=zone)
    last = datetime.combine(end.astimezone(zone).date() + timedelta(days=1), time(), tzinfo=zone)
    return first, min(last, first + LONGEST_PREVIEW)


def short_when(page: Page, instant: datetime, *, same_day_as: datetime | None = None) -> str:
    """'12:30' for a time on the day of `same_day_as` (default today), else 'Thu 15 Jan 12:30'."""
    day = (same_day_as or page.now).astimezone(page.zone).date()
    local = instant.astimezone(page.zone)
    return f"{local:%H:%M}" if local.date() == day else page.when(instant)
