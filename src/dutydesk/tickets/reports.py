"""Ticket reports: how fast tickets were first answered (percentiles per priority), which
answers came overdue, and how many tickets each tenant sent each week.

Response times are counted as each priority's target counts them (support time, or calendar
time for a calendar target), from the ticket's arrival to its first public reply, so a figure
compares with its target. The support-week handover reads the same figures.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from dutydesk.tickets.models import Ticket
from dutydesk.tickets.policy import FIRST_RESPONSE, PRIORITIES, SupportPolicy
from dutydesk.tickets.targets import time_used

UNTRIAGED = "untriaged"
PERCENTILES = (50, 90, 95)


@dataclass(frozen=True)
class ResponseTimes:
    """First responses of one priority's tickets that arrived in the stretch."""

    priority: str
    tickets: int
    answered: int
    within_target: int
    percentiles: dict[int, timedelta]  # 50, 90, 95 of the answered ones; empty when none
    longest: timedelta | None


@dataclass(frozen=True)
class TicketReport:
    """The figures of one stretch of time, [since, until)."""

    since: datetime
    until: datetime
    responses: list[ResponseTimes]
    breaches: dict[str, int]  # answers that came overdue in the stretch, by priority
    per_tenant_week: dict[str, dict[date, int]]  # tenant (or "none") → Monday → tickets


def ticket_report(
    session: Session, policy: SupportPolicy, zone: ZoneInfo, since: datetime, until: datetime
) -> TicketReport:
    """The report of tickets that arrived, or came overdue, in [since, until)."""
    arrived = session.scalars(
        select(Ticket).where(Ticket.created_at >= since, Ticket.created_at < until)
    ).all()
    overdue = session.scalars(
        select(Ticket.priority).where(Ticket.breached_at >= since, Ticket.breached_at < until)
    ).all()
    return TicketReport(
        since=since,
        until=until,
        responses=[_responses(policy, priority, arrived) for priority in (*PRIORITIES, None)],
        breaches=dict(Counter(priority or UNTRIAGED for priority in overdue)),
        per_tenant_week=_per_tenant_week(arrived, zone),
    )


def percentile(sorted_values: Sequence[timedelta], percent: int) -> timedelta:
    """The nearest-rank percentile of values sorted ascending (one at least)."""
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def _responses(
    policy: SupportPolicy, priority: str | None, arrived: Sequence[Ticket]
) -> ResponseTimes:
    target = policy.target(FIRST_RESPONSE, priority)
    limit = target.length(policy.hours)
    mine = [ticket for ticket in arrived if ticket.priority == priority]
    times = sorted(
        time_used(target, policy.hours, ticket.created_at, ticket.first_replied_at)
        for ticket in mine
        if ticket.first_replied_at is not None
    )
    return ResponseTimes(
        priority=priority or UNTRIAGED,
        tickets=len(mine),
        answered=len(times),
        within_target=sum(1 for time in times if time <= limit),
        percentiles={p: percentile(times, p) for p in PERCENTILES} if times else {},
        longest=times[-1] if times else None,
    )


def _per_tenant_week(arrived: Sequence[Ticket], zone: ZoneInfo) -> dict[str, dict[date, int]]:
    counts: dict[str, Counter[date]] = defaultdict(Counter)
    for ticket in arrived:
        local = ticket.created_at.astimezone(zone).date()
        counts[ticket.tenant_id or "none"][local - timedelta(days=local.weekday())] += 1
    return {tenant: dict(sorted(weeks.items())) for tenant, weeks in sorted(counts.items())}
