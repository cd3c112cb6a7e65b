"""`dutydesk apply` and `dutydesk export`: the team as code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.team.teamfile import dump_team_yaml
from dutydesk.team_as_code import service
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.terminal import cli_actor, runtime_of, stdout, write_output


def apply(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="Team file (YAML).", dir_okay=False)],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show the changes; make none.")
    ] = False,
) -> None:
    """Create or update people and rotas from a team file; anything not in it is removed."""
    try:
        text = file.read_text(encoding="utf-8")
    except OSError as error:
        raise Invalid(f"{file}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise Invalid(f"{file}: not UTF-8 text") from None
    spec = read_team_file(text, str(file))
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        if dry_run:
            changes = service.plan(session, spec)
        else:
            changes = service.apply(session, spec, runtime.clock.now(), actor=cli_actor())
            session.commit()
    if not changes:
        stdout.print(f"No changes: team {spec.team} is up to date.")
        return
    verb = "Would change" if dry_run else "Changed"
    stdout.print(f"{verb} {len(changes)} thing{'s' if len(changes) != 1 else ''}:")
    for change in changes:
        mark = {"create": "+", "update": "~", "remove": "-"}[change.action]
        stdout.print(f"  {mark} {change}", markup=False)


def export(
    ctx: typer.Context,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Write the current team as a team file that `dutydesk apply` takes back unchanged."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        spec = service.export_spec(session)
    if spec is None:
        raise Invalid("no team is set up yet: run `dutydesk apply TEAM.yaml` first")
    text = dump_team_yaml(service.export_document(spec))
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_output(output, text, "--output")
        stdout.print(f"Wrote {output}")
