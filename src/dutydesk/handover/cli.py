"""`dutydesk handover …`: the support-week handover reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.handover import service
from dutydesk.handover.markdown_view import markdown_of
from dutydesk.handover.policy import handover_policy
from dutydesk.handover.schemas import handover_read, handover_summary
from dutydesk.team.service import team_zone
from dutydesk.terminal import Wrap, cli_actor, print_json, print_table, runtime_of, table_time

handover_app = typer.Typer(
    no_args_is_help=True,
    help="Support-week handover reports: list, show, notes, acknowledge, make now.",
)
AsPerson = Annotated[str, typer.Option("--as", help="Your person id (from the team file).")]


@handover_app.command("list")
def handover_list(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """Handovers, the latest first: the handoff, who to whom, the report, notes, acknowledged."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        rows = list(service.list_handovers(session))
        session.expunge_all()
    if as_json:
        print_json([handover_summary(row, zone).model_dump(mode="json") for row in rows])
        return
    print_table(
        f"Handovers ({zone.key})",
        ("Id", "Handoff", "From", "To", "Report", "Notes", Wrap("Acknowledged")),
        (
            (
                str(row.id),
                table_time(row.handoff_at, zone, now),
                row.outgoing_id or "nobody",
                row.incoming_id or "nobody",
                "made" if row.made_at else "at the handoff",
                f"{len(row.notes)} characters" if row.notes else "none",
                f"{row.acknowledged_by}, {table_time(row.acknowledged_at, zone, now)}"
                if row.acknowledged_at
                else "not yet",
            )
            for row in rows
        ),
    )


@handover_app.command("show")
def handover_show(
    ctx: typer.Context,
    handover_id: Annotated[int, typer.Argument(metavar="ID", help="The handover's id.")],
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """The report as Markdown (or JSON with its figures)."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        row = service.get_handover(session, handover_id)
        if as_json:
            print_json(handover_read(row, team_zone(session)).model_dump(mode="json"))
            return
        text = markdown_of(session, row, runtime)
    typer.echo(text, nl=False)


@handover_app.command("note")
def handover_note(
    ctx: typer.Context,
    handover_id: Annotated[int, typer.Argument(metavar="ID", help="The handover's id.")],
    as_person: AsPerson,
    text: Annotated[str | None, typer.Option("--text", help="The notes, in Markdown.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="Read the notes from this file ('-': stdin).")
    ] = None,
) -> None:
    """Write the outgoing engineer's notes (replacing any before)."""
    if (text is None) == (file is None):
        raise Invalid("give the notes with --text or --file, one of them")
    if file is not None:
        notes = typer.get_text_stream("stdin").read() if str(file) == "-" else _read(file)
    else:
        notes = text or ""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        row = service.add_notes(
            session,
            handover_id,
            notes,
            person_id=as_person,
            admin=False,
            actor=cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
        typer.echo(f"Notes of handover {row.id} saved ({len(row.notes)} characters).")


def _read(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise Invalid(f"--file: cannot read {str(file)!r}: {error}") from None


@handover_app.command("ack")
def handover_ack(
    ctx: typer.Context,
    handover_id: Annotated[int, typer.Argument(metavar="ID", help="The handover's id.")],
    as_person: AsPerson,
) -> None:
    """Acknowledge the report, as the incoming engineer."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        row = service.acknowledge(
            session,
            handover_id,
            person_id=as_person,
            admin=False,
            actor=cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
        typer.echo(f"Handover {row.id} acknowledged by {row.acknowledged_by}.")


@handover_app.command("make")
def handover_make(ctx: typer.Context) -> None:
    """Make the report of the latest handoff now (to try the handover out); sends nothing."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        row, new = service.make_latest(
            session, handover_policy(session), runtime.clock.now(), actor=cli_actor()
        )
        session.commit()
        verb = "made" if new else "was made already"
        typer.echo(
            f"Handover {row.id} ({row.handoff_at.isoformat()}) {verb}:"
            f" dutydesk handover show {row.id}"
        )
