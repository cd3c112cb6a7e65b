"""`dutydesk feed …`: the secret iCal URLs of rotas and people."""

from __future__ import annotations

from typing import Annotated

import typer

from dutydesk.calendars import service as calendars
from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.people.service import get_person
from dutydesk.rotas.service import get_rota
from dutydesk.terminal import runtime_of, stdout

feed_app = typer.Typer(no_args_is_help=True, help="Secret calendar feed URLs.")


def _feed_subject(rota: str | None, person: str | None) -> tuple[str, str]:
    if (rota is None) == (person is None):
        raise Invalid("give exactly one of --rota or --person")
    return ("rota", rota) if rota is not None else ("person", person or "")


@feed_app.command("url")
def feed_url(
    ctx: typer.Context,
    rota: Annotated[str | None, typer.Option(help="A rota's feed.")] = None,
    person: Annotated[str | None, typer.Option(help="A person's feed.")] = None,
) -> None:
    """Print the secret iCal URL of a rota or a person, to subscribe to in a calendar."""
    kind, subject = _feed_subject(rota, person)
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.read_sessions) as session:
        if kind == "rota":
            path = calendars.rota_feed_path(runtime.secret_key(), get_rota(session, subject))
        else:
            path = calendars.person_feed_path(runtime.secret_key(), get_person(session, subject))
    typer.echo(runtime.settings.base_url + path)


@feed_app.command("reset")
def feed_reset(
    ctx: typer.Context,
    rota: Annotated[str | None, typer.Option(help="A rota's feed.")] = None,
    person: Annotated[str | None, typer.Option(help="A person's feed.")] = None,
) -> None:
    """Give a feed a new secret URL; the old URL stops working."""
    kind, subject = _feed_subject(rota, person)
    runtime = runtime_of(ctx)
    with unit_of_work(runtime.sessions) as session:
        calendars.reset_feed_url(session, kind, subject)
        session.commit()
    stdout.print(f"The {kind} feed of {subject} has a new URL: see `dutydesk feed url`.")
