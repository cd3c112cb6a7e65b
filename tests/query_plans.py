"""Capturing the SQL the code sends and explaining it, for the tests that check every query on a
hot path finds its rows through an index (tests/test_query_plans.py and tests/*/test_query_plans.py)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event

from dutydesk.runtime import Runtime

# Statements with no plan to look at.
NOT_QUERIES = re.compile(r"^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|PRAGMA|SET|SHOW)\b", re.I)


@contextmanager
def captured_statements(runtime: Runtime) -> Iterator[list[tuple[str, Any]]]:
    """Every statement the code sends to the database inside the block, with its parameters."""
    statements: list[tuple[str, Any]] = []

    def capture(_conn: Any, _cursor: Any, statement: str, parameters: Any, *_: Any) -> None:
        # An executemany's parameters are a list of sets: the first is enough to explain it.
        many = isinstance(parameters, list) and isinstance(parameters[:1] or None, list)
        if many and isinstance(parameters[0], tuple | list | dict):
            parameters = parameters[0]
        statements.append((statement, parameters))

    event.listen(runtime.engine, "before_cursor_execute", capture)
    try:
        yield statements
    finally:
        event.remove(runtime.engine, "before_cursor_execute", capture)


def explain(runtime: Runtime, statements: list[tuple[str, Any]]) -> dict[str, list[str]]:
    """Each distinct query's plan, one line per step. On PostgreSQL with `enable_seqscan` off:
    that only makes the planner read a table whole when no index can answer the query."""
    plans: dict[str, list[str]] = {}
    raw = runtime.engine.raw_connection()
    try:
        cursor = raw.cursor()
        postgres = runtime.engine.dialect.name == "postgresql"
        if postgres:
            cursor.execute("SET enable_seqscan = off")
        for statement, parameters in statements:
            if statement in plans or NOT_QUERIES.match(statement):
                continue
            if postgres:
                cursor.execute("EXPLAIN " + statement, parameters or None)
                plans[statement] = [row[0] for row in cursor.fetchall()]
            else:
                cursor.execute("EXPLAIN QUERY PLAN " + statement, parameters or ())
                plans[statement] = [row[3] for row in cursor.fetchall()]
        raw.rollback()
    finally:
        raw.close()
    return plans
