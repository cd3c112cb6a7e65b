"""What every command shares: the Typer app, the runtime, output helpers."""

from __future__ import annotations

import getpass
import json
from collections.abc import Iterable, Sequence
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from dutydesk.errors import DutydeskError
from dutydesk.migrate import schema_problem
from dutydesk.runtime import Runtime, bootstrap

app = typer.Typer(
    help="Dutydesk: who is on support now and next.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
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


def runtime_of(ctx: typer.Context, *, check_schema: bool = True) -> Runtime:
    """The runtime: one given by the caller (tests pass `obj`), or one built from settings."""
    root = ctx.find_root()
    if not isinstance(root.obj, Runtime):
        root.obj = bootstrap()
    runtime: Runtime = root.obj
    problem = schema_problem(runtime.engine) if check_schema else None
    if problem is not None:
        raise DutydeskError(problem)
    return runtime


def print_json(data: Any) -> None:
    """Machine-readable output on stdout."""
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


def print_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[str]]) -> None:
    """A Rich table for people reading a terminal."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    stdout.print(table)
