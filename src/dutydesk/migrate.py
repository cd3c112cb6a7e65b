"""Database migrations with Alembic, run from code (`dutydesk db upgrade`, or on start)."""

from __future__ import annotations

import secrets
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, insert, select

from dutydesk.team.models import SECRET_KEY_NAME, InstanceValue

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config() -> Config:
    """The Alembic configuration, pointing at the packaged migrations."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database schema up to `revision`."""
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)
        if revision == "head":
            _keep_a_secret_key(connection)


def _keep_a_secret_key(connection: Connection) -> None:
    """Make the instance's secret key with the schema, if it has none.

    Made here, every later use only reads it (Runtime.secret_key, when DUTYDESK_SECRET_KEY is
    unset), which never waits for a writer; made on first use instead, inside another write
    transaction on SQLite, it would wait for that transaction's own lock.
    """
    found = connection.scalar(
        select(InstanceValue.value).where(InstanceValue.key == SECRET_KEY_NAME)
    )
    if found is None:
        connection.execute(
            insert(InstanceValue).values(key=SECRET_KEY_NAME, value=secrets.token_urlsafe(48))
        )


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this version of Dutydesk ships."""
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_problem(engine: Engine) -> str | None:
    """What is wrong with the database's schema for this version, or None when it is current."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return None
    if current is None:
        return "the database has no Dutydesk schema yet: run `dutydesk db upgrade` first"
    known = {
        script.revision for script in ScriptDirectory.from_config(alembic_config()).walk_revisions()
    }
    if current not in known:
        return (
            f"the database schema (revision {current}) is newer than this Dutydesk knows"
            f" (newest {head}): upgrade Dutydesk"
        )
    return (
        f"the database schema (revision {current}) is older than this Dutydesk (revision {head}):"
        " run `dutydesk db upgrade`"
    )
