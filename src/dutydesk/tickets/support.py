"""The support policy in force: the team file's `support:` (or the defaults) with the team's
time zone and bank holidays, read once per team revision."""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import parse_hours
from dutydesk.oncall.service import who
from dutydesk.team.holidays import team_calendar
from dutydesk.team.service import get_team
from dutydesk.tickets.models import SupportSettings
from dutydesk.tickets.policy import PriorityTargets, SupportPolicy
from dutydesk.tickets.spec import SETTINGS_ID, SupportSpec
from dutydesk.tickets.targets import parse_target
from dutydesk.timeparse import parse_zone

_CACHED_REVISIONS = 4
# Every change to the team file (support: included) gives the team a new revision.
_cache: OrderedDict[str, SupportPolicy] = OrderedDict()


def support_policy(session: Session) -> SupportPolicy:
    """The policy tickets are answered by now; NotFound before the team is applied."""
    team = get_team(session)
    cached = _cache.get(team.revision)
    if cached is not None:
        _cache.move_to_end(team.revision)
        return cached
    row = session.get(SupportSettings, SETTINGS_ID)
    spec = SupportSpec() if row is None else SupportSpec.model_validate(row.definition)
    policy = policy_of(spec, parse_zone(team.timezone), team_calendar(team))
    _cache[team.revision] = policy
    while len(_cache) > _CACHED_REVISIONS:
        _cache.popitem(last=False)
    return policy


def policy_of(spec: SupportSpec, zone: ZoneInfo, calendar: HolidayCalendar) -> SupportPolicy:
    """A `support:` as the clocks use it, in the team's zone and with its holidays."""
    hours = SupportHours(
        zone,
        tuple(parse_hours(text) for text in spec.hours),
        skip_holidays=spec.skip_holidays,
        holidays=calendar,
    )
    targets: dict[str, PriorityTargets] = {
        priority: PriorityTargets(
            parse_target(written.first_response, calendar=written.calendar),
            parse_target(written.update_every, calendar=written.calendar),
        )
        for priority, written in spec.targets.items()
    }
    return SupportPolicy(
        hours,
        targets,
        parse_target(spec.untriaged),
        rota=spec.rota,
        auto_assign=spec.auto_assign,
        page_service=spec.page_service,
        page_at_once=frozenset(spec.page_at_once),
        webhooks=tuple(spec.webhooks),
    )


def engineer_on_support(session: Session, policy: SupportPolicy, at: datetime) -> str | None:
    """Whoever the support rota has on call at `at` (overrides and cover included), by id."""
    if policy.rota is None:
        return None
    answers = who(session, [policy.rota], at)
    return answers[0].now.person if answers else None
