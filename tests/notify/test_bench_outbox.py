"""The outbox benchmark empties the outbox tables of its database: by default its own, never
the one the test suite runs on."""

from __future__ import annotations

import pytest
from bench import outbox
from sqlalchemy import create_engine, make_url, text

from tests.conftest import POSTGRES_URL


def test_the_benchmark_defaults_to_a_database_of_its_own():
    bench_database = make_url(outbox.DEFAULT_PG_URL).database
    assert bench_database != "dutydesk_test"  # the database .ci/run gives the test suite
    if POSTGRES_URL is not None:
        assert bench_database != make_url(POSTGRES_URL).database


@pytest.mark.skipif(POSTGRES_URL is None, reason="needs DUTYDESK_TEST_DATABASE_URL")
def test_the_benchmark_creates_its_database_when_missing():
    assert POSTGRES_URL is not None
    url = make_url(POSTGRES_URL).set(database=f"{make_url(POSTGRES_URL).database}_bench")
    server = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with server.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
    try:
        outbox.create_database_if_missing(url.render_as_string(hide_password=False))
        outbox.create_database_if_missing(url.render_as_string(hide_password=False))
        with server.connect() as connection:
            found = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": url.database}
            ).first()
        assert found is not None
    finally:
        with server.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{url.database}"'))
        server.dispose()
