"""The tenant and the refusing database the mail tests share."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from sqlalchemy import text

from dutydesk.db import unit_of_work
from dutydesk.tenants import service as tenants

# The subject of a ticket the database refuses while `refusing` is on.
POISON = "Poison"


@pytest.fixture
def acme(runtime, example_team, clock):
    """The example team, and the tenant Acme (acme.com)."""
    with unit_of_work(runtime.sessions) as session:
        tenants.add_tenant(session, "acme", "Acme", ["acme.com"], actor="t", now=clock.now())
        session.commit()


@pytest.fixture
def refusing(runtime) -> Iterator[Callable[[], None]]:
    """The database refuses any ticket with the subject POISON, as it would a row it cannot
    take: a failure that is the message's, found only when it is written. Calling what this
    gives stops the refusing."""
    if runtime.engine.dialect.name == "postgresql":
        create = [
            "CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" IF NEW.subject = '{POISON}' THEN RAISE EXCEPTION 'poison refused'; END IF;"
            " RETURN NEW; END $$",
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON tickets"
            " FOR EACH ROW EXECUTE FUNCTION refuse_poison()",
        ]
        drop = [
            "DROP TRIGGER IF EXISTS refuse_poison ON tickets",
            "DROP FUNCTION IF EXISTS refuse_poison()",
        ]
    else:
        create = [
            "CREATE TRIGGER refuse_poison BEFORE INSERT ON tickets"
            f" WHEN NEW.subject = '{POISON}' BEGIN SELECT RAISE(ABORT, 'poison refused'); END"
        ]
        drop = ["DROP TRIGGER IF EXISTS refuse_poison"]

    def run(statements: list[str]) -> None:
        with runtime.engine.begin() as connection:
            for statement in statements:
                connection.execute(text(statement))

    run(create)
    yield lambda: run(drop)
    run(drop)
