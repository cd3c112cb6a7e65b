"""`dutydesk build …`: record a build result, the red builds, claiming one and dismissing one
that will never go green, the report, and each source's webhook secret."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from dutydesk.builds import service
from dutydesk.builds.intake import record_result
from dutydesk.builds.models import STATUSES
from dutydesk.builds.report import period_of_weeks, report_csv, weekly_report
from dutydesk.builds.results import BuildReport, check_source
from dutydesk.builds.schemas import red_build_read, report_read
from dutydesk.builds.secrets import source_secret
from dutydesk.builds.spells import job_name
from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.team.service import find_team
from dutydesk.terminal import (
    Wrap,
    cli_actor,
    print_json,
    print_table,
    runtime_of,
    stdout,
    table_time,
)
from dutydesk.timeparse import duration_text, parse_time, parse_zone

build_app = typer.Typer(
    no_args_is_help=True, help="Build failures: record results, claim a red build, the report."
)


@build_app.command("record")
def build_record(
    ctx: typer.Context,
    source: Annotated[str, typer.Option("--source", help="Where it ran: concourse, gitlab …")],
    pipeline: Annotated[str, typer.Option("--pipeline", help="The pipeline or repository.")],
    job: Annotated[str, typer.Option("--job", help="The job within the pipeline.")],
    build_id: Annotated[str, typer.Option("--build-id", help="The build's id or number.")],
    status: Annotated[str, typer.Option("--status", help=f"One of {', '.join(STATUSES)}.")],
    attempt: Annotated[int, typer.Option("--attempt", help="1, or more for a re-run.")] = 1,
    branch: Annotated[str | None, typer.Option("--branch", help="The branch built.")] = None,
    sha: Annotated[str | None, typer.Option("--sha", help="The commit built.")] = None,
    url: Annotated[str | None, typer.Option("--url", help="The build's page.")] = None,
    finished_at: Annotated[
        str, typer.Option("--finished-at", help="When it finished (ISO 8601; team local time).")
    ] = "now",
) -> None:
    """Record a finished build; on a main branch a failure turns its job red, a success green."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        team = find_team(session)
        zone = parse_zone(team.timezone if team is not None else "UTC")
        report = BuildReport(
            source=source,
            pipeline=pipeline,
            job=job,
            build_id=build_id,
            attempt=attempt,
            status=status,
            branch=branch,
            sha=sha,
            url=url,
            finished_at=parse_time(finished_at, zone, now, field="--finished-at"),
        )
        recorded = record_result(session, report, now=now, base_url=runtime.settings.base_url)
        session.commit()
    runtime.wake_worker()
    if recorded.duplicate:
        stdout.print("Already recorded: this build and attempt came in before.", markup=False)
        return
    said = {
        "red": f"; the job turned red (red build {recorded.spell_id})",
        "failing": f"; still red (red build {recorded.spell_id})",
        "fixed": f"; green again: fixed (red build {recorded.spell_id})",
        "flaky": f"; green again: flaky, it passed at the failing commit"
        f" (red build {recorded.spell_id})",
    }.get(recorded.turned or "", "")
    stdout.print(f"Recorded result {recorded.result_id}{said}.", markup=False)


@build_app.command("red")
def build_red(
    ctx: typer.Context,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """The jobs red now on a main branch, and who is fixing each."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        team = find_team(session)
        zone = parse_zone(team.timezone if team is not None else "UTC")
        reads = [red_build_read(spell, zone) for spell in service.red_now(session)]
    if as_json:
        print_json([read.model_dump(mode="json") for read in reads])
        return
    print_table(
        "Red builds",
        ("Id", Wrap("Job"), "Branch", "Red since", "Red for", "Failures", "Fixing"),
        (
            (
                str(r.id),
                f"{r.source} {r.pipeline}/{r.job}",
                r.branch,
                table_time(r.started_at, zone, now),
                duration_text(now - r.started_at),
                str(r.failures),
                r.claimed_by or "nobody",
            )
            for r in reads
        ),
    )


@build_app.command("claim")
def build_claim(
    ctx: typer.Context,
    spell_id: Annotated[int, typer.Argument(metavar="ID", help="The red build's id.")],
    person: Annotated[str, typer.Option("--as", help="Who is fixing the build (a person id).")],
) -> None:
    """Fixing the build: PERSON claims red build ID, which makes them a task."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        spell = service.claim(
            session,
            spell_id,
            person,
            actor=cli_actor(),
            now=runtime.clock.now(),
            base_url=runtime.settings.base_url,
        )
        task = spell.task_id
        session.commit()
    stdout.print(f"Fixing the build: {person} (red build {spell_id}, task {task}).", markup=False)


@build_app.command("dismiss")
def build_dismiss(
    ctx: typer.Context,
    spell_id: Annotated[int, typer.Argument(metavar="SPELL", help="The red build's id.")],
    reason: Annotated[
        str, typer.Option("--reason", help="Why it will never go green: job removed …")
    ],
    person: Annotated[str, typer.Option("--as", help="Your person id: who dismisses it.")],
) -> None:
    """End red build SPELL by hand, as dismissed: its job will never go green."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        by = service.team_person(session, person).id
        spell = service.dismiss(
            session, spell_id, reason, by=by, actor=cli_actor(), now=runtime.clock.now()
        )
        said = f"Dismissed red build {spell_id} ({job_name(spell)}): {spell.dismissal_reason}"
        session.commit()
    stdout.print(said, markup=False)


@build_app.command("report")
def build_report(
    ctx: typer.Context,
    weeks: Annotated[int, typer.Option("--weeks", help="ISO weeks up to this one.")] = 4,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
    as_csv: Annotated[bool, typer.Option("--csv", help="CSV, a row per job and week.")] = False,
) -> None:
    """Per job and week: failures, red time, flaky runs; then the jobs by impact."""
    if as_json and as_csv:
        raise Invalid("--json and --csv: choose one")
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        team = find_team(session)
        zone = parse_zone(team.timezone if team is not None else "UTC")
        start, end = period_of_weeks(weeks, zone, now)
        built = weekly_report(session, start, end, zone, now)
    if as_csv:
        sys.stdout.write(report_csv(built))
        return
    if as_json:
        print_json(report_read(built, zone).model_dump(mode="json"))
        return
    print_table(
        f"Build failures, {weeks} week{'s' if weeks != 1 else ''} by impact",
        (Wrap("Job"), "Failures", "Red time", "Flaky", "Impact"),
        (
            (
                f"{row.source} {row.pipeline}/{row.job}",
                str(row.failures),
                f"{row.red_seconds / 3600:.1f} h",
                str(row.flaky),
                f"{row.impact:.1f}",
            )
            for row in built.ranking
        ),
    )


@build_app.command("secret")
def build_secret(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="SOURCE", help="The source, such as github.")],
) -> None:
    """The secret SOURCE signs its build webhooks with (derived from the secret key)."""
    check_source(source)
    runtime = runtime_of(ctx)
    stdout.print(source_secret(runtime.secret_key(), source), markup=False)
