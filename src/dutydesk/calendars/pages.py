"""A rota's calendar page: its final schedule for a week or a month, in the team's time, with
the secret addresses of its calendar feeds.

Here, above the on-call layer, because the page shows the feeds' addresses, which calendars sign.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated

from fastapi import APIRouter, Query
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from dutydesk.calendars.service import person_feed_path, rota_feed_path
from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.external_rotas.service import feed_status
from dutydesk.oncall.calendar_view import (
    KIND_LABELS,
    MONTH,
    UNCOVERED,
    WEEK,
    CalendarRange,
    calendar_days,
    calendar_range,
    covered_hours_text,
    month_weeks,
)
from dutydesk.oncall.service import names_on_call, override_marks, shifts
from dutydesk.people.service import get_person
from dutydesk.rotas.models import Rota
from dutydesk.rotas.service import get_rota
from dutydesk.team.holidays import team_calendar
from dutydesk.team.service import get_team
from dutydesk.web.errors import html_error
from dutydesk.web.page import Page, SignedInPage

router = APIRouter(include_in_schema=False)

# The schedule is read this much beyond the view at each end, so a piece at its edge can say
# that its stretch began on an earlier day or goes on into the next.
_MARGIN = timedelta(days=1)
# The order of the calendar's key.
_LEGEND = ("shift", "override", "cover", "swap", UNCOVERED)


@dataclass(frozen=True)
class Feed:
    """A calendar feed's secret URL, and the id of the text field that shows it."""

    field_id: str
    label: str
    url: str


@router.get("/rotas/{rota_id}", response_class=HTMLResponse)
def rota_calendar(
    rota_id: str,
    page: SignedInPage,
    view: str | None = None,
    date_text: Annotated[str | None, Query(alias="date")] = None,
) -> HTMLResponse:
    """A rota's final schedule for a week or a month, in the team's time, and its feeds."""
    today = page.now.astimezone(page.zone).date()
    try:
        shown = calendar_range(view, date_text, today)
    except Invalid as error:
        # A query value is no form field to show again: an error page, as a bad request.
        return html_error(400, error.message)
    start, end = shown.window(page.zone)
    with unit_of_work(page.runtime.read_sessions) as session:
        rota = get_rota(session, rota_id)
        calendar = team_calendar(get_team(session))
        segments = shifts(session, rota.id, start - _MARGIN, end + _MARGIN)
        marks = override_marks(session, start - _MARGIN, end + _MARGIN, [rota.id]).get(rota.id, [])
        names = names_on_call(session)
        feeds = _feeds(page, session, rota)
        external = feed_status(session, rota.id, page.now)
        hours = (
            "as its feed gives"
            if external is not None
            else covered_hours_text(rota.hours, skip_holidays=rota.skip_holidays)
        )
        rota_name, skip_holidays = rota.name, rota.skip_holidays
    days = calendar_days(
        segments,
        marks,
        calendar,
        page.zone,
        shown.first,
        shown.last,
        skip_holidays=skip_holidays,
    )
    return page.render(
        "rotas/calendar.html",
        {
            "active": "rotas",
            "rota_id": rota_id,
            "rota_name": rota_name,
            "hours": hours,
            "external": external,
            "shown": shown,
            "days": days,
            "weeks": month_weeks(days) if shown.view == MONTH else [],
            "today": today,
            "names": names,
            "feeds": feeds,
            "links": _links(rota_id, shown),
            "legend": [(kind, KIND_LABELS[kind]) for kind in _LEGEND],
        },
    )


def _feeds(page: Page, session: Session, rota: Rota) -> list[Feed]:
    """The rota's feed, and the signed-in person's own when their account is linked to one."""
    base_url, secret_key = page.runtime.settings.base_url, page.runtime.secret_key()
    feeds = [Feed("rota-feed", "This rota's schedule", base_url + rota_feed_path(secret_key, rota))]
    person_id = page.user.person_id if page.user is not None else None
    if person_id is not None:
        person = get_person(session, person_id)
        feeds.append(
            Feed(
                "person-feed",
                f"Your own shifts on every rota ({person.name})",
                base_url + person_feed_path(secret_key, person),
            )
        )
    return feeds


def _links(rota_id: str, shown: CalendarRange) -> dict[str, str]:
    """Plain links for the calendar's arrows, 'Today' and the week/month switch."""

    def url(view: str, day: date) -> str:
        return f"/rotas/{rota_id}?view={view}&date={day}"

    return {
        "previous": url(shown.view, shown.previous),
        "following": url(shown.view, shown.following),
        "today": f"/rotas/{rota_id}?view={shown.view}",
        WEEK: url(WEEK, shown.anchor),
        MONTH: url(MONTH, shown.anchor),
    }
