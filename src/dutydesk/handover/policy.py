"""The handover in force: the team file's `handover:` (or, for `dutydesk handover make`, the
defaults), the support rota, the team's working hours and where the report goes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from dutydesk.announcements.handoffs import previous_working_day
from dutydesk.errors import Invalid
from dutydesk.fairness.service import working_hours
from dutydesk.handover.models import HandoverSettings
from dutydesk.handover.spec import SETTINGS_ID, HandoverSpec, working_days_before
from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SupportHours
from dutydesk.rotas.plans import compiled_rotas
from dutydesk.team.holidays import team_calendar
from dutydesk.team.service import get_team
from dutydesk.team.spec import AnnounceSpec
from dutydesk.tickets.support import support_policy
from dutydesk.timeparse import parse_duration, parse_zone


@dataclass(frozen=True)
class HandoverPolicy:
    """What the handover runs by. `since_at`: when `handover:` was applied (None: not in the
    team file, so the worker makes no reports)."""

    spec: HandoverSpec
    since_at: datetime | None
    rota_id: str | None
    rota_name: str
    zone: ZoneInfo
    calendar: HolidayCalendar
    hours: SupportHours
    # The support rota's announcement channel, where the report goes when `handover:` names none.
    announce_channel: str | None

    @property
    def meeting(self) -> timedelta:
        """The meeting's length."""
        return parse_duration(self.spec.meeting)

    @property
    def slack_channel(self) -> str | None:
        """Where the report is posted in Slack, if anywhere."""
        return self.spec.slack_channel or self.announce_channel

    def invite_at(self, handoff_at: datetime) -> datetime:
        """When the invitation to the meeting at `handoff_at` goes out: the working day before
        at the handoff's local time (as turn reminders are), or a duration ahead."""
        days = working_days_before(self.spec.invite_before)
        if days is None:
            return handoff_at - parse_duration(self.spec.invite_before)
        local = handoff_at.astimezone(self.zone)
        day = local.date()
        for _ in range(days):
            day = previous_working_day(day, self.calendar)
        wall = datetime.combine(day, local.timetz().replace(tzinfo=None), tzinfo=self.zone)
        return min(wall, handoff_at)

    def support_rota(self) -> str:
        """The rota id; Invalid when the team file's `support:` names none."""
        if self.rota_id is None:
            raise Invalid("support.rota: the team file names no support rota to hand over")
        return self.rota_id


def handover_policy(session: Session) -> HandoverPolicy:
    """The handover in force now; NotFound before the team is applied."""
    team = get_team(session)
    row = session.get(HandoverSettings, SETTINGS_ID)
    spec = HandoverSpec() if row is None else HandoverSpec.model_validate(row.definition)
    support = support_policy(session)
    rota = compiled_rotas(session, team).get(support.rota) if support.rota else None
    announce = AnnounceSpec.model_validate(rota.announce) if rota and rota.announce else None
    return HandoverPolicy(
        spec=spec,
        since_at=None if row is None else row.since_at,
        rota_id=support.rota,
        rota_name=rota.name if rota is not None else (support.rota or ""),
        zone=parse_zone(team.timezone),
        calendar=team_calendar(team),
        # The fairness report's working hours, so both say "out of hours" of the same pages:
        # the tickets' hours (Mon-Fri 09:00-17:00 when they set none, as tickets then count
        # every hour) and every bank holiday closed, whatever `support: skip_holidays` says.
        hours=working_hours(session),
        announce_channel=announce.slack_channel if announce is not None else None,
    )
