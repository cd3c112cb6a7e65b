"""`dutydesk serve` and `dutydesk db …`."""

from __future__ import annotations

import logging
from typing import Annotated

import typer
import uvicorn

from dutydesk import migrate
from dutydesk.app import create_app
from dutydesk.cli.common import runtime_of, stdout
from dutydesk.logs import RedactFeedSecrets, configure_logging

db_app = typer.Typer(no_args_is_help=True, help="The database schema.")


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.add_typer(db_app, name="db")


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Listen address (DUTYDESK_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (DUTYDESK_PORT).")] = None,
) -> None:
    """Run the web service (API, calendar feeds, pages)."""
    runtime = runtime_of(ctx, check_schema=False)
    settings = runtime.settings
    configure_logging(settings.log_level)
    if settings.migrate_on_start:
        migrate.upgrade(runtime.engine)
    elif migrate.current_revision(runtime.engine) != migrate.head_revision():
        runtime_of(ctx)  # raises the clear "run dutydesk db upgrade" error
    config = uvicorn.Config(
        create_app(runtime),
        host=host or settings.host,
        port=port or settings.port,
        log_level=settings.log_level,
    )
    # uvicorn sets up its loggers when the Config is made; add the redaction after that.
    logging.getLogger("uvicorn.access").addFilter(RedactFeedSecrets())
    uvicorn.Server(config).run()


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or update the database schema to this version of Dutydesk."""
    runtime = runtime_of(ctx, check_schema=False)
    before = migrate.current_revision(runtime.engine)
    migrate.upgrade(runtime.engine)
    after = migrate.current_revision(runtime.engine)
    if before == after:
        stdout.print(f"The database is up to date (revision {after}).")
    else:
        stdout.print(f"Upgraded the database from {before or 'empty'} to revision {after}.")


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Show the database's schema revision and the newest this version knows."""
    runtime = runtime_of(ctx, check_schema=False)
    stdout.print(
        f"database: {migrate.current_revision(runtime.engine) or 'empty'};"
        f" this version: {migrate.head_revision()}"
    )
