"""`dutydesk rota load`: everyone's on-call load over a period and how fair it is.

The `rota` command group is put together by the team as code (team_as_code/rota_cli.py), since
`rota suggest` prints a change to the team file; this module holds the load report's command.
"""

from __future__ import annotations

from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.fairness import service
from dutydesk.fairness.load import LoadReport
from dutydesk.fairness.periods import period_of
from dutydesk.team.service import team_zone
from dutydesk.terminal import print_json, print_table, runtime_of
from dutydesk.timeparse import local_text

TIME_HELP = "ISO 8601 or a date; without an offset it is the team's local time."


def rota_load(
    ctx: typer.Context,
    rota: Annotated[
        list[str] | None, typer.Option("--rota", help="Only this rota (repeat for more).")
    ] = None,
    from_: Annotated[str | None, typer.Option("--from", help=f"Start. {TIME_HELP}")] = None,
    to: Annotated[str | None, typer.Option("--to", help=f"End (exclusive). {TIME_HELP}")] = None,
    quarter: Annotated[
        str | None, typer.Option("--quarter", help="A quarter instead, such as 2026Q4.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Everyone's on-call load (default: the last whole quarter) and the fairness index."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        start, end = period_of(
            from_, to, quarter, zone, runtime.clock.now(), fields=("--from", "--to", "--quarter")
        )
        report = service.load(session, start, end, rota or [])
    if as_json:
        from dutydesk.fairness.schemas import fairness_read

        print_json(fairness_read(report, zone).model_dump(mode="json", by_alias=True))
        return
    print_table(
        _title(report, local_text(start, zone), local_text(end, zone)),
        (
            "Person",
            "Hours",
            "In hrs",
            "Out hrs",
            "Pages",
            "Out",
            "BH",
            "Gave",
            "Took",
            "Share",
        ),
        (
            (
                p.person,
                f"{p.hours_on_call:.1f}",
                f"{p.hours_in_hours:.1f}",
                f"{p.hours_out_of_hours:.1f}",
                str(p.pages),
                str(p.pages_out_of_hours),
                str(p.bank_holiday_shifts),
                str(p.swaps_given),
                str(p.swaps_taken),
                "—" if p.relative_load is None else f"{p.relative_load:.2f}",
            )
            for p in report.people
        ),
    )


def _title(report: LoadReport, start_text: str, end_text: str) -> str:
    rotas = ", ".join(report.rotas) or "no rotas"
    return (
        f"On-call load {start_text} – {end_text} ({rotas}): fairness index"
        f" {report.fairness_index:.3f} (1.0 is even), out-of-hours spread"
        f" {report.spread_hours:.1f} h. Hours on call, in and out of working hours; pages, and"
        " out of hours; bank-holiday shifts (BH); swaps given and taken; out-of-hours hours"
        " over their fair share."
    )
