"""What every command shares: the runtime, output on the terminal, tables and JSON.

The command kit: each domain's `cli.py` builds its commands with it, and the `dutydesk` entry
point (dutydesk/cli) finds them through the composition root.
"""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import typer
from rich import box
from rich.console import Console
from rich.table import Table

from dutydesk.errors import DutydeskError, Invalid
from dutydesk.runtime import Runtime
from dutydesk.schema_check import schema_problem
from dutydesk.timeparse import local_text

stdout = Console(soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def cli_actor() -> str:
    """Who made a change from the command line, for the audit log: "cli:<login name>"."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name (some containers)
        return "cli"


def err(message: str) -> None:
    """Print one error line on stderr."""
    stderr.print(f"dutydesk: error: {message}", markup=False)


def write_output(path: Path, text: str, option: str) -> None:
    """Write a command's output to the file its `option` names; Invalid (exit 2, one line) when
    the file cannot be written, rather than a traceback."""
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise Invalid(f"{option}: cannot write {str(path)!r}: {error.strerror}") from None


def runtime_of(ctx: typer.Context, *, check_schema: bool = True) -> Runtime:
    """The runtime given as the root's `obj`: a runtime (tests pass one), or the function that
    builds it, called on first use (the entry point passes the composition root's bootstrap)."""
    root = ctx.find_root()
    if not isinstance(root.obj, Runtime):
        if not callable(root.obj):
            raise RuntimeError("no runtime: run commands through dutydesk.cli.main")
        root.obj = root.obj()
    runtime = root.obj
    assert isinstance(runtime, Runtime)
    problem = schema_problem(runtime.engine) if check_schema else None
    if problem is not None:
        raise DutydeskError(problem)
    return runtime


def print_json(data: Any) -> None:
    """Machine-readable output on stdout."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@dataclass(frozen=True)
class Wrap:
    """A table column of free text (a summary, a note, an error, an address) that wraps onto
    more lines; the other columns (ids, names, times, states) each keep to one line."""

    header: str
    # Narrower than this, a column of words is a column of syllables.
    min_width: int = 10


def print_table(title: str, columns: Sequence[str | Wrap], rows: Iterable[Sequence[str]]) -> None:
    """A Rich table for people reading a terminal, fitting its width (80 columns and up).

    A rule under the header only, and two spaces between columns: borders and padding would
    take three or four characters a column from the text.
    """
    table = Table(
        title=title,
        title_justify="left",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 1, 0, 0),
    )
    for column in columns:
        if isinstance(column, Wrap):
            # fold: a word longer than the column (a URL, an address) breaks, never vanishes.
            table.add_column(column.header, overflow="fold", min_width=column.min_width)
        else:
            table.add_column(column, no_wrap=True)
    for row in rows:
        table.add_row(*row)
    stdout.print(table)


def table_time(instant: datetime | None, zone: ZoneInfo, now: datetime) -> str:
    """A time for a table column: 'Mon 05 Jan 09:30', with the year only when it is not this
    year's ('Mon 04 Jan 2027 09:30'); '—' for none."""
    if instant is None:
        return "—"
    this_year = instant.astimezone(zone).year == now.astimezone(zone).year
    return local_text(instant, zone, with_year=not this_year)
