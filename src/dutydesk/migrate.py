"""Database migrations with Alembic, run from code (`dutydesk db upgrade`, or on start)."""

from __future__ import annotations

import secrets

from alembic import command
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine, insert, select

from dutydesk.schema_check import MIGRATIONS
from dutydesk.team.models import SECRET_KEY_NAME, InstanceValue


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


def alembic_revisions() -> tuple[str, ...]:
    """Every revision as Alembic reads the migrations, oldest first (schema_check reads them
    more cheaply; a test holds the two to the same answer)."""
    script = ScriptDirectory.from_config(alembic_config())
    return tuple(reversed([revision.revision for revision in script.walk_revisions()]))
