"""The fairness report as JSON: the API's answer and `dutydesk rota load --json`."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

from dutydesk.fairness.load import LoadReport, PersonLoad


class PersonLoadRead(BaseModel):
    """One person's load over the period; hours are decimal hours."""

    person: str
    hours_on_call: float
    hours_in_hours: float
    hours_out_of_hours: float
    pages: int
    pages_out_of_hours: int
    bank_holiday_shifts: int = Field(
        description="Bank holidays (per rota) they were on call for some of."
    )
    swaps_given: int
    swaps_taken: int
    expected_out_of_hours: float | None = Field(
        description="Out-of-hours hours their places in the rotas' layers make their fair share;"
        " null for someone in no layer."
    )
    relative_load: float | None = Field(
        description="Out-of-hours hours over the fair share: 1.0 is exactly their share."
    )


class FairnessRead(BaseModel):
    """Everyone's on-call load over a period, and how evenly the out-of-hours time fell."""

    model_config = ConfigDict(populate_by_name=True)

    from_: datetime = Field(alias="from")
    to: datetime
    rotas: list[str]
    fairness_index: float = Field(
        description="Jain's index over members' relative out-of-hours loads: 1.0 is even."
    )
    spread_hours: float = Field(description="Most out-of-hours hours of a member less the fewest.")
    people: list[PersonLoadRead]


def fairness_read(report: LoadReport, zone: ZoneInfo) -> FairnessRead:
    """A report as the API answers it, times in the team's zone."""
    return FairnessRead(
        from_=report.start.astimezone(zone),
        to=report.end.astimezone(zone),
        rotas=list(report.rotas),
        fairness_index=round(report.fairness_index, 4),
        spread_hours=round(report.spread_hours, 2),
        people=[_person_read(p) for p in report.people],
    )


def _person_read(load: PersonLoad) -> PersonLoadRead:
    relative = load.relative_load
    expected = load.expected_out_of_hours
    return PersonLoadRead(
        person=load.person,
        hours_on_call=round(load.hours_on_call, 2),
        hours_in_hours=round(load.hours_in_hours, 2),
        hours_out_of_hours=round(load.hours_out_of_hours, 2),
        pages=load.pages,
        pages_out_of_hours=load.pages_out_of_hours,
        bank_holiday_shifts=load.bank_holiday_shifts,
        swaps_given=load.swaps_given,
        swaps_taken=load.swaps_taken,
        expected_out_of_hours=None if expected is None else round(expected, 2),
        relative_load=None if relative is None else round(relative, 3),
    )
