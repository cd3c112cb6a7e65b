"""Calendar feed routes: secret-token iCal URLs, and the API that hands those URLs out."""

from __future__ import annotations

from fastapi import APIRouter, Response
from pydantic import BaseModel

from dutydesk.calendars import service
from dutydesk.deps import CurrentUser, ReadSessionDep, RuntimeDep
from dutydesk.http_errors import API_ERROR_RESPONSES
from dutydesk.people.service import get_person
from dutydesk.rotas.service import get_rota

# Every route here can answer 404 (no such rota, person or feed) in the API error shape.
router = APIRouter(tags=["calendars"], responses={404: API_ERROR_RESPONSES[404]})
_ICS = "text/calendar; charset=utf-8"
_FEED_RESPONSES: dict[int | str, dict[str, object]] = {
    200: {"content": {"text/calendar": {}}, "description": "An iCalendar (RFC 5545) document."},
    404: {"description": "No such feed: an unknown rota or person, or a wrong or reset token."},
}

# The feed URLs are for a signed-in user; the feeds themselves need only their secret token.
_URL_RESPONSES: dict[int | str, dict[str, object]] = {401: API_ERROR_RESPONSES[401]}


class FeedRead(BaseModel):
    """A calendar feed's secret URL."""

    url: str


@router.get("/ical/rotas/{rota}/{token}.ics", response_class=Response, responses=_FEED_RESPONSES)
def rota_feed(rota: str, token: str, session: ReadSessionDep, runtime: RuntimeDep) -> Response:
    """A rota's final schedule as iCalendar, 90 days back and a year ahead (secret URL)."""
    settings = runtime.settings
    body = service.rota_feed(
        session,
        runtime.secret_key(),
        rota,
        token,
        runtime.clock.now(),
        days_back=settings.feed_days_back,
        days_ahead=settings.feed_days_ahead,
    )
    return Response(body, media_type=_ICS, headers={"Cache-Control": "private, max-age=300"})


@router.get("/ical/people/{person}/{token}.ics", response_class=Response, responses=_FEED_RESPONSES)
def person_feed(person: str, token: str, session: ReadSessionDep, runtime: RuntimeDep) -> Response:
    """One person's shifts on every rota as iCalendar (secret URL)."""
    settings = runtime.settings
    body = service.person_feed(
        session,
        runtime.secret_key(),
        person,
        token,
        runtime.clock.now(),
        days_back=settings.feed_days_back,
        days_ahead=settings.feed_days_ahead,
    )
    return Response(body, media_type=_ICS, headers={"Cache-Control": "private, max-age=300"})


@router.get(
    "/api/v1/rotas/{rota}/feed", response_model=FeedRead, tags=["rotas"], responses=_URL_RESPONSES
)
def rota_feed_url(
    rota: str, _user: CurrentUser, session: ReadSessionDep, runtime: RuntimeDep
) -> FeedRead:
    """The secret iCal URL of a rota's schedule."""
    path = service.rota_feed_path(runtime.secret_key(), get_rota(session, rota))
    return FeedRead(url=runtime.settings.base_url + path)


@router.get(
    "/api/v1/people/{person}/feed",
    response_model=FeedRead,
    tags=["people"],
    responses=_URL_RESPONSES,
)
def person_feed_url(
    person: str, _user: CurrentUser, session: ReadSessionDep, runtime: RuntimeDep
) -> FeedRead:
    """The secret iCal URL of a person's shifts."""
    path = service.person_feed_path(runtime.secret_key(), get_person(session, person))
    return FeedRead(url=runtime.settings.base_url + path)
