"""`dutydesk task …`: the backlog of small tasks from the terminal: add, list, show, pick up
(or take over), release, complete and reopen."""

from __future__ import annotations

from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.tasks import service
from dutydesk.tasks.models import OPEN, SIZES
from dutydesk.tasks.rules import labels_from_text
from dutydesk.tasks.schemas import task_read
from dutydesk.team.service import team_zone
from dutydesk.terminal import Wrap, cli_actor, print_json, print_table, runtime_of, table_time

task_app = typer.Typer(
    no_args_is_help=True, help="Small tasks: the backlog to pick up between support work."
)

TaskId = Annotated[int, typer.Argument(metavar="ID", help="The task's number.")]
AsPerson = Annotated[str, typer.Option("--as", help="Your person id: who has the task.")]


@task_app.command("add")
def task_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Argument(help="What is to be done, on one line.")],
    description: Annotated[
        str, typer.Option("--description", "-d", help="Markdown: why, and how.")
    ] = "",
    label: Annotated[
        list[str] | None,
        typer.Option("--label", "-l", help="A label (repeat it, or separate with commas)."),
    ] = None,
    size: Annotated[
        str | None, typer.Option(help="S (an hour), M (half a day) or L (longer).")
    ] = None,
    link: Annotated[str | None, typer.Option(help="An http or https address.")] = None,
) -> None:
    """Add a task to the backlog; prints its number."""
    labels = labels_from_text(",".join(label or []))
    chosen_size = size.strip().upper() if size else None
    if chosen_size is not None and chosen_size not in SIZES:
        raise Invalid(f"--size: one of {', '.join(SIZES)}")
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        task = service.add_task(
            session,
            service.NewTask(
                title=title,
                description=description,
                labels=tuple(labels),
                size=chosen_size,
                link=link,
            ),
            source=None,
            actor=cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
        number = task.id
    typer.echo(f"Task {number} added.")


@task_app.command("list")
def task_list(
    ctx: typer.Context,
    status: Annotated[str, typer.Option(help="open (oldest first) or done.")] = OPEN,
    label: Annotated[str | None, typer.Option(help="Only tasks with this label.")] = None,
    size: Annotated[str | None, typer.Option(help="S, M, L, or none for unsized.")] = None,
    owner: Annotated[
        str | None, typer.Option(help="A person id, or nobody for tasks nobody has.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """The backlog: number, size, title, labels, owner and when it was added."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    chosen = service.TaskFilter(status=status, label=label, size=size, owner=owner)
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        reads = [task_read(task, zone) for task in service.list_tasks(session, chosen)]
    if as_json:
        print_json([read.model_dump(mode="json") for read in reads])
        return
    print_table(
        "Done tasks" if status != OPEN else "Open tasks",
        ("Id", "Size", Wrap("Title"), "Labels", "Owner", "Added"),
        (
            (
                str(r.id),
                r.size or "—",
                r.title,
                " ".join(r.labels),
                r.owner or "nobody",
                table_time(r.created_at, zone, now),
            )
            for r in reads
        ),
    )


@task_app.command("show")
def task_show(
    ctx: typer.Context,
    task_id: TaskId,
    as_json: Annotated[bool, typer.Option("--json", help="JSON for scripts.")] = False,
) -> None:
    """One task, with its description as written (Markdown)."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        read = task_read(service.get_task(session, task_id), zone)
    if as_json:
        print_json(read.model_dump(mode="json"))
        return
    lines = [
        f"Task {read.id}: {read.title}",
        f"Status: {read.status}"
        + (f" ({table_time(read.completed_at, zone, now)})" if read.completed_at else ""),
        f"Owner: {read.owner or 'nobody'}",
        f"Size: {read.size or 'not sized'}",
        f"Labels: {' '.join(read.labels) or 'none'}",
    ]
    if read.link:
        lines.append(f"Link: {read.link}")
    if read.source:
        lines.append(f"From: {read.source}")
    lines.append(f"Added: {table_time(read.created_at, zone, now)} by {read.created_by}")
    if read.description:
        lines += ["", read.description]
    # Plain echo: a description's brackets are the writer's, not Rich markup.
    typer.echo("\n".join(lines))


@task_app.command("pick")
def task_pick(
    ctx: typer.Context,
    task_id: TaskId,
    person: AsPerson,
    take_over: Annotated[
        bool, typer.Option("--take-over", help="Take it from whoever has it.")
    ] = False,
) -> None:
    """Pick up a task: it is yours. Someone else's needs --take-over."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.pick_up(
            session,
            task_id,
            person,
            take_over=take_over,
            actor=cli_actor(),
            now=runtime.clock.now(),
        )
        session.commit()
    typer.echo(f"Task {task_id} is {person}'s.")


@task_app.command("release")
def task_release(ctx: typer.Context, task_id: TaskId, person: AsPerson) -> None:
    """Give your task back to the backlog."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.release(session, task_id, person, actor=cli_actor(), now=runtime.clock.now())
        session.commit()
    typer.echo(f"Task {task_id} is back in the backlog.")


@task_app.command("complete")
def task_complete(
    ctx: typer.Context,
    task_id: TaskId,
    person: Annotated[
        str | None, typer.Option("--as", help="Your person id (one nobody had becomes yours).")
    ] = None,
) -> None:
    """Complete a task."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.complete(session, task_id, person, actor=cli_actor(), now=runtime.clock.now())
        session.commit()
    typer.echo(f"Task {task_id} is done.")


@task_app.command("reopen")
def task_reopen(ctx: typer.Context, task_id: TaskId) -> None:
    """Reopen a done task (its owner stays)."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        service.reopen(session, task_id, actor=cli_actor(), now=runtime.clock.now())
        session.commit()
    typer.echo(f"Task {task_id} is open again.")
