"""`dutydesk rota …`: the on-call load (`load`) and a fairer layer order for the next quarter
(`suggest`), printed as a change to the team file.

Here, above the domains, because the suggestion is shown as the whole exported team file before
and after, which only the team as code can write.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer

from dutydesk.db import unit_of_work
from dutydesk.external_rotas.cli import rota_confirm, rota_feeds, rota_refresh
from dutydesk.fairness.cli import rota_load
from dutydesk.fairness.periods import parse_quarter
from dutydesk.fairness.suggesting import Suggestion, suggest
from dutydesk.team.service import team_zone
from dutydesk.team.teamfile import dump_team_yaml
from dutydesk.team_as_code import service
from dutydesk.terminal import runtime_of, stderr, write_output
from dutydesk.timeparse import local_text

# Exit status when some shift cannot avoid someone's holiday: the diff is printed, and the
# shifts that need an override are listed (2 is kept for bad input).
NEEDS_OVERRIDES = 1

rota_app = typer.Typer(
    no_args_is_help=True,
    help="Rotas' on-call load and a fairer order for the next quarter; external rotas' feeds.",
)
rota_app.command("load")(rota_load)
rota_app.command("feeds")(rota_feeds)
rota_app.command("refresh")(rota_refresh)
rota_app.command("confirm")(rota_confirm)


@rota_app.command("suggest")
def rota_suggest(
    ctx: typer.Context,
    rota: Annotated[str, typer.Argument(help="The rota.")],
    quarter: Annotated[
        str | None,
        typer.Option("--quarter", help="The quarter to plan, such as 2027Q1 (default: the next)."),
    ] = None,
    write: Annotated[
        Path | None,
        typer.Option("--write", help="Also write the suggested team file here.", dir_okay=False),
    ] = None,
) -> None:
    """Propose the next quarter's layer order that evens out the load, as a team-file diff."""
    first_day = parse_quarter(quarter, field="--quarter") if quarter is not None else None
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        suggestion = suggest(session, rota, first_day, runtime.clock.now())
        before = service.export_spec(session)
    assert before is not None  # a rota was found, so a team is set up
    after = before.model_copy(
        update={
            "rotas": [
                suggestion.after if item.id == rota else item
                for item in before.rotas  # type: ignore[attr-defined]
            ]
        }
    )
    old_text = dump_team_yaml(service.export_document(before))
    new_text = dump_team_yaml(service.export_document(after))
    typer.echo(
        "".join(
            difflib.unified_diff(
                old_text.splitlines(keepends=True),
                new_text.splitlines(keepends=True),
                "team.yaml",
                "team.yaml (suggested)",
            )
        ),
        nl=False,
    )
    if write is not None:
        _write(write, new_text)
    _summary(suggestion, zone)
    if suggestion.clashes:
        raise typer.Exit(NEEDS_OVERRIDES)


def _write(path: Path, text: str) -> None:
    """Write the suggested team file, saying that it is the export's text: a hand-written
    file's comments and layout are not in it."""
    write_output(path, text, "--write")
    stderr.print(
        f"Wrote {path}: the whole team file as `dutydesk export` writes it (comments and the"
        " layout of a hand-written file are not kept).",
        markup=False,
    )


def _summary(suggestion: Suggestion, zone: ZoneInfo) -> None:
    """What the suggestion changes, on stderr, so that stdout is the diff alone."""
    if not suggestion.layers:
        stderr.print(f"{suggestion.rota}: no layer takes turns in {suggestion.quarter}.")
    for change in suggestion.layers:
        verdict = (
            "suggested order: " + ", ".join(change.suggested_order)
            if change.changed
            else "the current order is already the most even"
        )
        stderr.print(
            f"{suggestion.rota} layer {change.layer + 1} from"
            f" {local_text(change.starts, zone)}: {verdict}. Out-of-hours spread"
            f" {change.current.spread_out_of_hours:.1f} h now,"
            f" {change.suggested.spread_out_of_hours:.1f} h suggested"
            " (the quarter before carried forward).",
            markup=False,
        )
        for person in dict.fromkeys(change.current_order):
            stderr.print(
                f"  {person}: out of hours {change.carried_out_of_hours.get(person, 0.0):.1f} h"
                f" carried, {change.current_out_of_hours[person]:.1f} h with the quarter in the"
                f" current order, {change.suggested_out_of_hours[person]:.1f} h suggested",
                markup=False,
            )
    for clash in suggestion.clashes:
        stderr.print(
            f"needs an override: {clash.person} is away {clash.away_from.isoformat()} to"
            f" {clash.away_to.isoformat()}, during the shift {local_text(clash.start, zone)} –"
            f" {local_text(clash.end, zone)}",
            markup=False,
        )
