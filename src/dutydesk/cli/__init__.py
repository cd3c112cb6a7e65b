"""The `dutydesk` command line. Errors are one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import sys

import click
import typer
from pydantic import ValidationError
from sqlalchemy.exc import OperationalError
from typer import _click as typer_click

from dutydesk.cli import (
    access,
    alerts,
    audit,
    cover,
    deliveries,
    heartbeats,
    oncall,
    server,
    swaps,
    team,
)
from dutydesk.cli.common import app, err
from dutydesk.errors import DutydeskError
from dutydesk.runtime import Runtime

for module in (access, alerts, audit, cover, deliveries, heartbeats, oncall, server, swaps, team):
    module.register(app)

# Typer 0.29+ raises the exceptions of the copy of click it bundles; older Typer, click's own.
_ABORTS = (click.exceptions.Abort, typer.Abort)
_USAGE_ERRORS = (click.UsageError, typer_click.exceptions.UsageError)
_CLICK_ERRORS = (click.ClickException, typer_click.ClickException)


def main(argv: list[str] | None = None, runtime: Runtime | None = None) -> None:
    """Entry point of the console script; tests may hand in a runtime (with a frozen clock)."""
    try:
        code = app(args=argv, prog_name="dutydesk", standalone_mode=False, obj=runtime)
    except _ABORTS:
        err("aborted")
        sys.exit(1)
    except _USAGE_ERRORS as error:
        if type(error).__name__ == "NoArgsIsHelpError":
            sys.exit(0)  # the help was printed; asking for it is not a mistake
        where = error.ctx.command_path if error.ctx is not None else "dutydesk"
        err(f"{where}: {error.format_message()} (see {where} --help)")
        sys.exit(2)
    except _CLICK_ERRORS as error:
        err(error.format_message())
        sys.exit(error.exit_code)
    except DutydeskError as error:
        err(error.message)
        sys.exit(2)
    except ValidationError as error:  # a DUTYDESK_* setting that does not parse
        first = error.errors()[0]
        where = "DUTYDESK_" + "_".join(str(p) for p in first["loc"]).upper()
        err(f"{where}: {first['msg']}")
        sys.exit(2)
    except OperationalError as error:
        err(f"cannot use the database: {str(error.orig).strip().splitlines()[0]}")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main"]
