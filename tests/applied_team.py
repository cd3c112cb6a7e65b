"""The example team, applied once per test run for each time it is applied at, then copied
into every test database that asks for it: applying it is the costliest step of many tests,
and the same file, clock and schema always give the same rows.

- SQLite: the database file is copied.
- PostgreSQL: the rows of every table, and where each sequence stands, are read once and
  written back (a few dozen rows, in a fifth of the time of applying the file).
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, Table, make_url, text

from dutydesk.models import Base

_SEQUENCES = (
    "SELECT c.relname FROM pg_class c"
    " WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
)


@dataclass
class PostgresRows:
    rows: dict[str, list[dict[str, Any]]]
    sequences: dict[str, tuple[int, bool]]


Copy = Path | PostgresRows


def never_connected(engine: Engine) -> bool:
    """Whether nothing has opened the database through this engine yet (so nothing in it can
    be lost by replacing it)."""
    pool = engine.pool
    return not (pool.checkedin() or pool.checkedout())  # type: ignore[attr-defined]


def keep(engine: Engine, database_url: str, folder: Path) -> Copy:
    """A copy of the database behind `engine`, to give to later tests with `restore`."""
    if engine.dialect.name == "sqlite":
        # Closing every connection folds the write-ahead log into the file, so the copy is whole.
        engine.dispose()
        kept = Path(tempfile.mkdtemp(dir=folder)) / "example-team.sqlite3"
        shutil.copy(_sqlite_path(database_url), kept)
        return kept
    with engine.connect() as connection:
        rows = {
            table.name: _parents_first(
                table, [dict(row._mapping) for row in connection.execute(table.select())]
            )
            for table in Base.metadata.sorted_tables
        }
        sequences = {}
        for name in connection.scalars(text(_SEQUENCES)):
            last_value, is_called = connection.execute(
                text(f'SELECT last_value, is_called FROM "{name}"')
            ).one()
            sequences[name] = (last_value, is_called)
    return PostgresRows(rows, sequences)


def _parents_first(table: Table, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The rows of a table that points at itself (a status page group and its components) in
    an order that inserts each row after the one it names: PostgreSQL returns rows in no order,
    and checks the key as each is inserted."""
    pointers = [
        (fk.parent.name, fk.column.name) for fk in table.foreign_keys if fk.column.table is table
    ]
    if not pointers:
        return rows
    placed: set[tuple[str, Any]] = set()
    ordered: list[dict[str, Any]] = []
    waiting = rows
    while waiting:
        ready = [
            row
            for row in waiting
            if all(
                row[column] is None or (target, row[column]) in placed
                for column, target in pointers
            )
        ]
        assert ready, f"{table.name}: rows that point at each other in a circle"
        ordered += ready
        placed |= {(target, row[target]) for row in ready for _, target in pointers}
        done = {id(row) for row in ready}
        waiting = [row for row in waiting if id(row) not in done]
    return ordered


def restore(kept: Copy, engine: Engine, database_url: str) -> None:
    """Make the (empty, never opened) database behind `engine` the one `kept` was taken of."""
    if isinstance(kept, Path):
        shutil.copy(kept, _sqlite_path(database_url))
        return
    with engine.begin() as connection:
        for table in Base.metadata.sorted_tables:
            if kept.rows[table.name]:
                connection.execute(table.insert(), kept.rows[table.name])
        for name, (last_value, is_called) in kept.sequences.items():
            connection.execute(
                text("SELECT setval(CAST(:name AS regclass), :value, :called)"),
                {"name": f'"{name}"', "value": last_value, "called": is_called},
            )


def _sqlite_path(database_url: str) -> str:
    path = make_url(database_url).database
    assert path, database_url
    return path


AppliedTeams = dict[tuple[str, datetime], Copy]
