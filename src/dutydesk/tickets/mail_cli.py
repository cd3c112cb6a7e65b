"""`dutydesk mail …`: tenant mail into tickets, from an MTA's pipe or the IMAP mailbox."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from sqlalchemy.exc import OperationalError

from dutydesk.terminal import runtime_of
from dutydesk.tickets.mail_in import EX_TEMPFAIL, fetch, receive

mail_app = typer.Typer(
    no_args_is_help=True, help="Tenant mail into tickets: from an MTA's pipe or an IMAP mailbox."
)


@mail_app.command("receive")
def mail_receive(
    ctx: typer.Context,
    quiet: Annotated[bool, typer.Option("--quiet", help="Say nothing on success.")] = False,
) -> None:
    """File one message read from standard input (an MTA's pipe). Exit 0 when filed (or kept
    as refused), 65 when it should go back to its sender, 75 when the database is unavailable
    (the MTA keeps the message and tries again)."""
    try:
        runtime = runtime_of(ctx)
        raw = sys.stdin.buffer.read(runtime.settings.mail_max_message_bytes + 1)
        code, said = receive(runtime, raw)
    except OperationalError as error:
        first = str(error.orig or error).strip().splitlines()[0]
        typer.echo(f"dutydesk: error: cannot use the database: {first}", err=True)
        raise typer.Exit(EX_TEMPFAIL) from None
    except Exception as error:  # nothing an MTA can act on but "try again later"
        first = (str(error).strip().splitlines() or [""])[0]
        typer.echo(f"dutydesk: error: {type(error).__name__}: {first}", err=True)
        raise typer.Exit(EX_TEMPFAIL) from None
    if code != 0 or not quiet:
        typer.echo(said, err=code != 0)
    raise typer.Exit(code)


@mail_app.command("fetch")
def mail_fetch(ctx: typer.Context) -> None:
    """Fetch new mail from the IMAP mailbox (DUTYDESK_MAIL_IMAP_URL) once, and say what came."""
    runtime = runtime_of(ctx)
    report = fetch(runtime)
    if report is None:
        typer.echo("No mailbox: set DUTYDESK_MAIL_IMAP_URL.", err=True)
        raise typer.Exit(2)
    typer.echo(report.summary())
