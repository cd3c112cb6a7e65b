"""The fairness report's use case: gather a period's schedules, pages and swaps, then add them
up with the pure maths of `fairness.load`.

The schedules are the rotas' final ones, from the same maths as `dutydesk who` and
`schedule`: layers, covered hours and skipped holidays, with every override painted over them
(plain overrides, break cover and swaps are all overrides).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.escalation.pages_sent import pages_to_people
from dutydesk.fairness.load import (
    LoadReport,
    PageSent,
    PeriodCalendar,
    Stretch,
    SwapDone,
    layer_shares,
    load_report,
)
from dutydesk.fairness.periods import local_midnight
from dutydesk.hours.holidays import HolidayCalendar
from dutydesk.hours.support import SupportHours
from dutydesk.hours.weekly import WeeklyHours, parse_hours
from dutydesk.oncall.service import overrides_between
from dutydesk.rotas.oncall import LayerPlan, RotaPlan, schedule
from dutydesk.rotas.plans import CompiledRota, compiled_rotas
from dutydesk.rotas.service import get_rota
from dutydesk.swaps.models import ACCEPTED, SwapRequest
from dutydesk.team.holidays import team_calendar
from dutydesk.team.service import get_team
from dutydesk.tickets.support import support_policy
from dutydesk.timeparse import check_range, parse_zone

# A report covers at most a little over two years: enough for year-on-year, and bounded work.
LONGEST_PERIOD = timedelta(days=800)
# Working hours when the team file's `support:` has none (tickets then count every hour).
DEFAULT_WORKING_HOURS = ("Mon-Fri 09:00-17:00",)
_ONE_DAY = timedelta(days=1)


def working_hours(session: Session) -> SupportHours:
    """The team's working hours: its support hours (the team file's `support: hours`, else
    Monday to Friday 09:00-17:00), closed on every bank holiday whatever `skip_holidays` says."""
    team = get_team(session)
    weekly: tuple[WeeklyHours, ...] = support_policy(session).hours.weekly
    if not weekly:
        weekly = tuple(parse_hours(text) for text in DEFAULT_WORKING_HOURS)
    return SupportHours(
        parse_zone(team.timezone), weekly, skip_holidays=True, holidays=team_calendar(team)
    )


def period_calendar(
    hours: SupportHours, holidays: HolidayCalendar, start: datetime, end: datetime
) -> PeriodCalendar:
    """The working hours and bank holidays within [start, end)."""
    zone = hours.timezone
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return PeriodCalendar(
        working=hours.open_intervals(start, end),
        holidays=[
            (day, (max(start, local_midnight(day, zone)), min(end, _day_end(day, zone))))
            for day in holidays.days_between(first, last)
            if local_midnight(day, zone) < end and _day_end(day, zone) > start
        ],
    )


def chosen_rotas(session: Session, rota_ids: Sequence[str]) -> list[CompiledRota]:
    """The named rotas, compiled (every rota when none is named); NotFound for an unknown one."""
    compiled = compiled_rotas(session, get_team(session))
    for rota_id in rota_ids:
        if rota_id not in compiled:
            get_rota(session, rota_id)  # raises NotFound naming the rotas that exist
    return [compiled[r] for r in dict.fromkeys(rota_ids)] if rota_ids else list(compiled.values())


def rota_stretches(
    session: Session, rotas: Sequence[CompiledRota], start: datetime, end: datetime
) -> list[Stretch]:
    """Everyone's stretches on call on the rotas in [start, end), overrides applied."""
    overrides = overrides_between(session, [r.id for r in rotas], start, end)
    return [
        Stretch(rota.id, segment.person, segment.start, segment.end)
        for rota in rotas
        for segment in schedule(rota.plan, overrides[rota.id], start, end)
    ]


def members_in(plan: RotaPlan, start: datetime, end: datetime) -> list[str]:
    """The members of the rota's layers that are in force at some time in [start, end), one
    entry per place (someone listed twice in a layer takes two turns)."""
    zone = plan.timezone
    first, last = start.astimezone(zone).date(), end.astimezone(zone).date()
    return [
        person for layer in plan.layers if _in_force(layer, first, last) for person in layer.members
    ]


def load(
    session: Session, start: datetime, end: datetime, rota_ids: Sequence[str] = ()
) -> LoadReport:
    """Everyone's on-call load over [start, end) on the named rotas (all when none)."""
    check_range(start, end, longest=LONGEST_PERIOD, names=("from", "to"))
    rotas = chosen_rotas(session, rota_ids)
    hours = working_hours(session)
    calendar = period_calendar(hours, team_calendar(get_team(session)), start, end)
    return load_report(
        start,
        end,
        [r.id for r in rotas],
        rota_stretches(session, rotas, start, end),
        calendar,
        {r.id: layer_shares(members_in(r.plan, start, end)) for r in rotas},
        pages_between(session, start, end),
        swaps_between(session, [r.id for r in rotas], start, end),
        pages_on_call_only=bool(rota_ids),
    )


def pages_between(session: Session, start: datetime, end: datetime) -> list[PageSent]:
    """The pages sent to people in [start, end): one per escalation step that reached them,
    however many channels it went by, at the time the step paged them."""
    return [
        PageSent(paged.person_id, paged.at)
        for paged in pages_to_people(session, start, end)
        if paged.person_id is not None
    ]


def swaps_between(
    session: Session, rota_ids: Sequence[str], start: datetime, end: datetime
) -> list[SwapDone]:
    """The accepted swaps on the rotas whose time starts in [start, end)."""
    rows = session.execute(
        select(SwapRequest.requester_id, SwapRequest.taker_id).where(
            SwapRequest.status == ACCEPTED,
            SwapRequest.start_at >= start,
            SwapRequest.start_at < end,
            SwapRequest.rota_id.in_(rota_ids),
        )
    )
    return [SwapDone(giver, taker) for giver, taker in rows if taker is not None]


def _in_force(layer: LayerPlan, first: date, last: date) -> bool:
    # By dates: a layer's first and last handoffs fall on these days.
    return bool(layer.members) and layer.start <= last and (layer.end is None or layer.end > first)


def _day_end(day: date, zone: ZoneInfo) -> datetime:
    return local_midnight(day + _ONE_DAY, zone)
