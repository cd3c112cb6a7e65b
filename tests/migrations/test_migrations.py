"""The migrations build exactly the schema the models describe, on every backend."""

from __future__ import annotations

import json

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import select, text

from dutydesk import migrate, schema_check
from dutydesk.db import make_engine
from dutydesk.models import Base
from dutydesk.team.models import SECRET_KEY_NAME, InstanceValue


def test_migrated_schema_matches_the_models(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


def test_the_database_is_at_the_newest_revision(database_url):
    engine = make_engine(database_url)
    assert schema_check.current_revision(engine) == schema_check.head_revision()
    migrate.upgrade(engine)  # a second upgrade is a no-op
    assert schema_check.current_revision(engine) == schema_check.head_revision()
    engine.dispose()


def test_upgrading_makes_the_secret_key_once_and_keeps_it(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'fresh.sqlite3'}")
    migrate.upgrade(engine)
    kept = select(InstanceValue.value).where(InstanceValue.key == SECRET_KEY_NAME)
    with engine.connect() as connection:
        first = connection.scalar(kept)
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.scalar(kept) == first
    engine.dispose()
    assert first is not None and len(first) >= 64


def test_the_cheap_schema_check_reads_the_revisions_as_alembic_does(database_url):
    """Commands check the schema without importing Alembic (schema_check reads file names)."""
    assert schema_check.known_revisions() == migrate.alembic_revisions()
    engine = make_engine(database_url)
    with engine.connect() as connection:
        alembic_current = MigrationContext.configure(connection).get_current_revision()
    assert schema_check.current_revision(engine) == alembic_current
    engine.dispose()


def test_ticket_entries_already_logged_are_filed_under_their_ticket(tmp_path):
    """Migration 0016 gives the audit entries of tickets opened before it their subject."""
    engine = make_engine(f"sqlite:///{tmp_path / 'older.sqlite3'}")
    migrate.upgrade(engine, "0015")
    logged = [
        ("ticket.open", {"ticket": 7, "status": "new", "priority": None}),
        ("ticket.reply", {"ticket": 7, "status": "open", "priority": "P2"}),
        ("override.add", {"id": 3, "person": "carol"}),
    ]
    with engine.begin() as connection:
        for action, details in logged:
            connection.execute(
                text(
                    "INSERT INTO audit_entries (at, actor, action, rota_id, summary, details)"
                    " VALUES ('2026-01-14 10:00:00.000000', 'cli', :action, NULL, 's', :details)"
                ),
                {"action": action, "details": json.dumps(details)},
            )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        subjects = connection.execute(
            text("SELECT action, subject FROM audit_entries ORDER BY id")
        ).all()
    engine.dispose()
    assert [tuple(row) for row in subjects] == [
        ("ticket.open", "ticket:7"),
        ("ticket.reply", "ticket:7"),
        ("override.add", None),
    ]
