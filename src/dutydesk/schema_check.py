"""Whether the database's schema is the one this version of Dutydesk needs, without Alembic.

Every command checks this before it touches the database, so it must cost nothing: the
revisions this version ships are read off the migration files' names ("0010_….py" is revision
"0010", each file's `down_revision` the one before; tests hold this to Alembic's own reading),
and the database's from Alembic's version table with one SELECT.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

from sqlalchemy import Engine, inspect, text

MIGRATIONS = Path(__file__).parent / "migrations"
_REVISION_FILE = re.compile(r"^(\d{4})_\w+\.py$")
VERSION_TABLE = "alembic_version"


@cache
def known_revisions() -> tuple[str, ...]:
    """Every revision this version ships, oldest first."""
    return tuple(
        sorted(
            match.group(1)
            for path in (MIGRATIONS / "versions").iterdir()
            if (match := _REVISION_FILE.match(path.name))
        )
    )


def head_revision() -> str | None:
    """The newest revision this version of Dutydesk ships."""
    revisions = known_revisions()
    return revisions[-1] if revisions else None


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        found: str | None = connection.scalar(text(f"SELECT version_num FROM {VERSION_TABLE}"))
        return found


def schema_problem(engine: Engine) -> str | None:
    """What is wrong with the database's schema for this version, or None when it is current."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return None
    if current is None:
        return "the database has no Dutydesk schema yet: run `dutydesk db upgrade` first"
    if current not in known_revisions():
        return (
            f"the database schema (revision {current}) is newer than this Dutydesk knows"
            f" (newest {head}): upgrade Dutydesk"
        )
    return (
        f"the database schema (revision {current}) is older than this Dutydesk (revision {head}):"
        " run `dutydesk db upgrade`"
    )
