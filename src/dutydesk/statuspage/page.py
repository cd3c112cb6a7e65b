"""The status page itself: its id (the team's slug, which the management API's paths name),
its name and time zone."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from dutydesk.errors import NotFound
from dutydesk.statuspage.models import StatusPageSettings
from dutydesk.statuspage.spec import SETTINGS_ID, StatusPageSpec
from dutydesk.team.service import get_team


@dataclass(frozen=True)
class PageInfo:
    """Who the page is."""

    id: str
    name: str
    time_zone: str


def page_spec(session: Session) -> StatusPageSpec:
    """The team file's `status_page:` as applied, or the defaults."""
    row = session.get(StatusPageSettings, SETTINGS_ID)
    return StatusPageSpec() if row is None else StatusPageSpec.model_validate(row.definition)


def page_info(session: Session) -> PageInfo:
    """The page's id, name and zone; NotFound before the team is set up."""
    team = get_team(session)
    spec = page_spec(session)
    return PageInfo(id=team.slug, name=spec.name or f"{team.slug} status", time_zone=team.timezone)


def check_page(session: Session, page_id: str) -> PageInfo:
    """The page a path names; NotFound unless it is this one."""
    info = page_info(session)
    if page_id != info.id:
        raise NotFound(f"no status page {page_id!r}: this one is {info.id!r}")
    return info
