"""The `dutydesk` command line. Errors are one line on stderr and exit code 2, never a traceback."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from typing import Any

import click
import typer
from sqlalchemy.exc import OperationalError
from typer import _click as typer_click
from typer.core import TyperCommand, TyperGroup

from dutydesk import composition
from dutydesk.contributions import Command
from dutydesk.errors import DutydeskError
from dutydesk.runtime import Runtime
from dutydesk.terminal import err


class LazyCommands(TyperGroup):
    """The `dutydesk` group: its commands come from the composition root, and only the one
    invoked is imported, so `dutydesk who` loads neither the web application nor the server.

    Listing them (`dutydesk --help`) takes each one's line from its declaration.
    """

    def __init__(self, entries: Sequence[Command]) -> None:
        super().__init__(
            name="dutydesk",
            help="Dutydesk: who is on support now and next.",
            no_args_is_help=True,
        )
        self._entries = {entry.name: entry for entry in entries}
        self._loaded: dict[str, typer_click.Command] = {}
        self._listing = False
        # Stand-ins for what TyperGroup reads directly: typo suggestions and the listing.
        self.commands = {name: self._stand_in(entry) for name, entry in self._entries.items()}

    def list_commands(self, ctx: typer_click.Context) -> list[str]:
        return list(self._entries)

    def get_command(self, ctx: typer_click.Context, cmd_name: str) -> typer_click.Command | None:
        entry = self._entries.get(cmd_name)
        if entry is None:
            return None
        if self._listing:
            return self.commands[cmd_name]
        return self.load(entry)

    def format_help(self, ctx: typer_click.Context, formatter: typer_click.HelpFormatter) -> None:
        self._listing = True
        try:
            super().format_help(ctx, formatter)
        finally:
            self._listing = False

    def load(self, entry: Command) -> typer_click.Command:
        """The command itself, imported on first use."""
        if entry.name not in self._loaded:
            target = entry.target.load()
            # Built as the root's subcommand would be: no shell-completion options of its own.
            wrapper = typer.Typer(add_completion=False)
            if isinstance(target, typer.Typer):
                wrapper.add_typer(target, name=entry.name)
                group = typer.main.get_command(wrapper)
                assert isinstance(group, TyperGroup)
                command = group.commands[entry.name]
            else:
                wrapper.command(entry.name)(target)
                command = typer.main.get_command(wrapper)
            self._loaded[entry.name] = command
        return self._loaded[entry.name]

    def load_all(self) -> dict[str, typer_click.Command]:
        """Every command, imported (for the reference documentation and its tests)."""
        return {name: self.load(entry) for name, entry in self._entries.items()}

    @staticmethod
    def _stand_in(entry: Command) -> TyperCommand:
        return TyperCommand(name=entry.name, help=entry.help)


app = LazyCommands(composition.commands())

# Typer 0.29+ raises the exceptions of the copy of click it bundles; older Typer, click's own.
_ABORTS = (click.exceptions.Abort, typer.Abort)
_USAGE_ERRORS = (click.UsageError, typer_click.exceptions.UsageError)
_CLICK_ERRORS = (click.ClickException, typer_click.ClickException)


def main(argv: list[str] | None = None, runtime: Runtime | None = None) -> None:
    """Entry point of the console script; tests may hand in a runtime (with a frozen clock).

    Without one, a command that needs the runtime builds it with the composition root's
    bootstrap (terminal.runtime_of); `dutydesk --help` builds none.
    """
    source = runtime if runtime is not None else composition.bootstrap
    try:
        code: Any = app.main(args=argv, prog_name="dutydesk", standalone_mode=False, obj=source)
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
    except OperationalError as error:
        err(f"cannot use the database: {str(error.orig).strip().splitlines()[0]}")
        sys.exit(1)
    sys.exit(code if isinstance(code, int) else 0)


__all__ = ["app", "main"]
