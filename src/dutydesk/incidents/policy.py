"""The incident policy in force: the team file's `incidents:` (or the defaults) with the team's
time zone, bank holidays and the tickets' update intervals, read once per team revision."""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

from sqlalchemy.orm import Session

from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import parse_hours
from dutydesk.incidents.cadence import CadenceRules
from dutydesk.incidents.models import IncidentSettings
from dutydesk.incidents.spec import SETTINGS_ID, IncidentsSpec
from dutydesk.team.holidays import team_calendar
from dutydesk.team.service import get_team
from dutydesk.tickets.policy import SupportPolicy
from dutydesk.tickets.support import support_policy
from dutydesk.tickets.targets import Target
from dutydesk.timeparse import parse_zone

_CACHED_REVISIONS = 4
_cache: OrderedDict[str, IncidentPolicy] = OrderedDict()


@dataclass(frozen=True)
class IncidentPolicy:
    """Who fills the roles, the cadence's rules, and where incidents are announced."""

    spec: IncidentsSpec
    support: SupportPolicy
    cadence: CadenceRules

    @property
    def engineer_rota(self) -> str | None:
        """The rota whose person on call is the engineer on support (the team file's
        `support: rota`): the incident lead by default."""
        return self.support.rota


def incident_policy(session: Session) -> IncidentPolicy:
    """The policy incidents run by now; NotFound before the team is applied."""
    team = get_team(session)
    cached = _cache.get(team.revision)
    if cached is not None:
        _cache.move_to_end(team.revision)
        return cached
    row = session.get(IncidentSettings, SETTINGS_ID)
    spec = IncidentsSpec() if row is None else IncidentsSpec.model_validate(row.definition)
    support = support_policy(session)
    working = SupportHours(
        parse_zone(team.timezone),
        tuple(parse_hours(text) for text in spec.working_hours),
        skip_holidays=spec.skip_holidays,
        holidays=team_calendar(team),
    )
    # The tickets' table: an incident's tenants hear from the team as often as a ticket's of
    # the same priority. Hours count every hour; support days count working days.
    update_every = {
        priority: Target(
            amount=targets.update_every.amount,
            support_days=targets.update_every.support_days,
            calendar=not targets.update_every.support_days,
        )
        for priority, targets in support.targets.items()
    }
    policy = IncidentPolicy(spec, support, CadenceRules(update_every, working))
    _cache[team.revision] = policy
    while len(_cache) > _CACHED_REVISIONS:
        _cache.popitem(last=False)
    return policy
