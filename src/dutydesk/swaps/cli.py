"""`dutydesk swap …`: ask colleagues to cover a shift, and answer such requests."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.swaps import accept, service
from dutydesk.swaps.schemas import swap_read
from dutydesk.team.service import team_zone
from dutydesk.terminal import (
    Wrap,
    cli_actor,
    print_json,
    print_table,
    runtime_of,
    stdout,
    table_time,
)
from dutydesk.timeparse import local_text, parse_time

TIME_HELP = "ISO 8601; without an offset it is the team's local time."
AS_HELP = "The team member you are (their person id)."
swap_app = typer.Typer(no_args_is_help=True, help="Shift swaps: ask for cover, take, exchange.")

SwapId = Annotated[int, typer.Argument(help="The request's id (see `swap list`).")]
AsPerson = Annotated[str, typer.Option("--as", help=AS_HELP)]
AsJson = Annotated[bool, typer.Option("--json", help="JSON for scripts.")]


@swap_app.command("request")
def swap_request(
    ctx: typer.Context,
    rota: Annotated[str, typer.Argument(help="The rota.")],
    as_person: AsPerson,
    from_: Annotated[str, typer.Option("--from", help=f"Start of the window. {TIME_HELP}")],
    until: Annotated[str, typer.Option("--until", help=f"End of the window. {TIME_HELP}")],
    to: Annotated[
        list[str] | None,
        typer.Option("--to", help="A colleague to offer it to (repeat); default: the rota."),
    ] = None,
    note: Annotated[str | None, typer.Option(help="Why (shown to colleagues).")] = None,
    as_json: AsJson = False,
) -> None:
    """Ask colleagues to cover part or all of your shift on ROTA."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        zone = team_zone(session)
        now = runtime.clock.now()
        view = service.request_swap(
            session,
            rota_id=rota,
            requester_id=as_person,
            start=parse_time(from_, zone, now, field="--from"),
            end=parse_time(until, zone, now, field="--until"),
            offered_to=to or [],
            note=note,
            actor=cli_actor(),
            now=now,
        )
        session.commit()
    _show(view, zone, as_json, f"Swap {view.swap.id} offered to {', '.join(view.offered_to)}.")


@swap_app.command("list")
def swap_list(
    ctx: typer.Context,
    rota: Annotated[str | None, typer.Argument(help="Only this rota's requests.")] = None,
    open_only: Annotated[bool, typer.Option("--open", help="Only open requests.")] = False,
    as_json: AsJson = False,
) -> None:
    """Swap requests by the start of their window."""
    runtime = runtime_of(ctx)
    now = runtime.clock.now()
    with unit_of_work(runtime.read_sessions) as session:
        zone = team_zone(session)
        found = service.list_swaps(session, rota_id=rota, open_only=open_only)
    if as_json:
        print_json([swap_read(v, zone).model_dump(mode="json", by_alias=True) for v in found])
        return
    print_table(
        f"Swap requests ({zone.key})",
        (
            "Id",
            Wrap("Rota", min_width=6),
            "Requester",
            "From",
            "Until",
            Wrap("Offered to", min_width=6),
            Wrap("Status", min_width=6),
        ),
        (
            (
                str(v.swap.id),
                v.swap.rota_id,
                v.swap.requester_id,
                table_time(v.swap.start_at, zone, now),
                table_time(v.swap.end_at, zone, now),
                ", ".join(p + (" (no)" if p in v.declined_by else "") for p in v.offered_to),
                _status_text(v),
            )
            for v in found
        ),
    )


def _status_text(view: service.SwapView) -> str:
    """The status for the table: "open", or "take by carol" / "exchange by carol"."""
    swap = view.swap
    if swap.kind is not None and swap.taker_id is not None:
        return f"{swap.kind} by {swap.taker_id}"
    return swap.status


@swap_app.command("take")
def swap_take(
    ctx: typer.Context, swap_id: SwapId, as_person: AsPerson, as_json: AsJson = False
) -> None:
    """Cover the whole window of a request yourself."""
    _answer(
        ctx,
        lambda session, now: accept.take_swap(
            session, swap_id, taker_id=as_person, actor=cli_actor(), now=now
        ),
        as_json,
        f"{as_person} took swap {swap_id}.",
    )


@swap_app.command("exchange")
def swap_exchange(
    ctx: typer.Context,
    swap_id: SwapId,
    as_person: AsPerson,
    from_: Annotated[str, typer.Option("--from", help=f"Start of your give-back. {TIME_HELP}")],
    until: Annotated[str, typer.Option("--until", help=f"End of your give-back. {TIME_HELP}")],
    as_json: AsJson = False,
) -> None:
    """Cover a request's window, and give back one of your shifts of exactly the same length."""

    def exchange(session: Session, now: datetime) -> service.SwapView:
        zone = team_zone(session)
        return accept.exchange_swap(
            session,
            swap_id,
            taker_id=as_person,
            give_back_start=parse_time(from_, zone, now, field="--from"),
            give_back_end=parse_time(until, zone, now, field="--until"),
            actor=cli_actor(),
            now=now,
        )

    _answer(ctx, exchange, as_json, f"{as_person} exchanged shifts (swap {swap_id}).")


@swap_app.command("decline")
def swap_decline(
    ctx: typer.Context, swap_id: SwapId, as_person: AsPerson, as_json: AsJson = False
) -> None:
    """Say no to a request offered to you."""
    _answer(
        ctx,
        lambda session, now: service.decline_swap(
            session, swap_id, person_id=as_person, actor=cli_actor(), now=now
        ),
        as_json,
        f"{as_person} declined swap {swap_id}.",
    )


@swap_app.command("cancel")
def swap_cancel(
    ctx: typer.Context, swap_id: SwapId, as_person: AsPerson, as_json: AsJson = False
) -> None:
    """Withdraw your own open request."""
    _answer(
        ctx,
        lambda session, now: service.cancel_swap(
            session, swap_id, person_id=as_person, actor=cli_actor(), now=now
        ),
        as_json,
        f"Cancelled swap {swap_id}.",
    )


def _answer(
    ctx: typer.Context,
    act: Callable[[Session, datetime], service.SwapView],
    as_json: bool,
    message: str,
) -> None:
    """Run one answer to a request in a unit of work, commit, and show the result."""
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        zone = team_zone(session)
        view = act(session, runtime.clock.now())
        session.commit()
    _show(view, zone, as_json, message)


def _show(view: service.SwapView, zone: ZoneInfo, as_json: bool, message: str) -> None:
    if as_json:
        print_json(swap_read(view, zone).model_dump(mode="json", by_alias=True))
        return
    swap = view.swap
    stdout.print(
        f"{message} {swap.rota_id}: {swap.requester_id}'s"
        f" {local_text(swap.start_at, zone)} – {local_text(swap.end_at, zone)} ({zone.key}),"
        f" {swap.status}.",
        markup=False,
        soft_wrap=True,
    )
