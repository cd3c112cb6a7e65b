"""`dutydesk status export DIR`: the public status page as static files."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.statuspage import snapshot
from dutydesk.statuspage.export import write_site
from dutydesk.statuspage.site import Site
from dutydesk.terminal import runtime_of, stdout

status_app = typer.Typer(no_args_is_help=True, help="The public status page as static files.")


@status_app.command("export")
def export(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(help="Where to write the site (made if missing).")],
) -> None:
    """Write a complete static copy of the public status page (HTML, JSON, feeds) to publish
    on any static host."""
    runtime = runtime_of(ctx)
    if directory.exists() and not directory.is_dir():
        raise Invalid(f"DIR: {directory} is a file, not a directory")
    with unit_of_work(runtime.read_sessions) as session:
        found = snapshot.stored(session)
        if found is None:
            found = (0, snapshot.build(session, runtime.clock.now()))
    version, page = found
    written = write_site(page, directory, public_url=Site.of(runtime).public_url, version=version)
    stdout.print(f"Wrote {len(written)} files of the status page to {directory}.")
