"""The database: engine from settings, the declarative Base, and the unit of work."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, MetaData, column, create_engine, event, select, table
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

READ_ONLY_OPTION = "dutydesk_read_only"
NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every table; constraint names follow one convention so migrations are stable."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UTCDateTime(TypeDecorator[datetime]):
    """Stores aware datetimes as UTC and always hands back aware UTC datetimes.

    SQLite has no time zones, so values are stored naive-in-UTC there and re-tagged on load.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def result_processor(self, dialect: Dialect, coltype: object) -> Any:
        """On SQLite, the dialect's own parser and the UTC tag in one step: a third of the
        time of the general path, which long reads (an incident's thousands of timeline
        entries) feel."""
        if dialect.name != "sqlite":
            return super().result_processor(dialect, coltype)
        parse = self.impl_instance.dialect_impl(dialect).result_processor(dialect, coltype)
        if parse is None:
            return super().result_processor(dialect, coltype)

        def tagged(value: str | None) -> datetime | None:
            if value is None:
                return None
            parsed = parse(value)
            return None if parsed is None else parsed.replace(tzinfo=UTC)

        return tagged


T = TypeVar("T")
SQLITE_SYNCHRONOUS = ("full", "normal")
# The most values one `IN (…)` is given: far below SQLite's and PostgreSQL's limits on a
# statement's parameters, and a plan the same as for a handful.
IN_CHUNK = 500
# Ids are 32-bit integers; PostgreSQL refuses to compare larger ones, so a lookup by a larger id
# is answered "not found" without asking.
LARGEST_ID = 2**31 - 1


def make_engine(database_url: str, *, sqlite_synchronous: str = "full") -> Engine:
    """Create the engine; SQLite gets WAL, foreign keys, a busy timeout and its sync level."""
    if sqlite_synchronous not in SQLITE_SYNCHRONOUS:
        raise ValueError(f"sqlite_synchronous must be one of {', '.join(SQLITE_SYNCHRONOUS)}")
    if database_url.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain postgresql:// would ask for psycopg2.
        database_url = "postgresql+psycopg://" + database_url.removeprefix("postgresql://")
    kwargs: dict[str, Any] = {}
    if database_url.startswith("sqlite"):
        kwargs["connect_args"] = {"check_same_thread": False}
    else:
        kwargs["pool_pre_ping"] = True
        # A worker's delivery lanes (3 per kind of destination) and its journal each hold a
        # connection while sending; the API's requests need theirs beside them.
        kwargs["pool_size"] = 10
        kwargs["max_overflow"] = 20
    engine = create_engine(database_url, **kwargs)
    if engine.dialect.name == "sqlite":
        pragmas = [*_SQLITE_PRAGMAS, f"PRAGMA synchronous={sqlite_synchronous.upper()}"]
        event.listen(engine, "connect", lambda connection, _: _sqlite_pragmas(connection, pragmas))
        event.listen(engine, "begin", _sqlite_begin)
    return engine


_SQLITE_PRAGMAS = ("PRAGMA journal_mode=WAL", "PRAGMA foreign_keys=ON", "PRAGMA busy_timeout=5000")


def _sqlite_pragmas(dbapi_connection: Any, pragmas: list[str]) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in pragmas:
        cursor.execute(pragma)
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # A deferred BEGIN that later writes must upgrade its lock mid-transaction, which fails at
    # once ("database is locked") if another writer got there first; so a unit of work that may
    # write takes the write lock up front (BEGIN IMMEDIATE waits for it, up to busy_timeout).
    # Read-only units of work keep a deferred BEGIN: under WAL they never wait for writers.
    read_only = connection.get_execution_options().get(READ_ONLY_OPTION, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for units of work that may write; loaded objects stay usable after commit."""
    return sessionmaker(engine, expire_on_commit=False)


def make_read_session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions for units of work that only read (no write lock on SQLite)."""
    return sessionmaker(
        engine.execution_options(**{READ_ONLY_OPTION: True}), expire_on_commit=False
    )


@contextmanager
def unit_of_work(session_factory: sessionmaker[Session]) -> Iterator[Session]:
    """One transaction: services work in it, the caller commits; anything else rolls back."""
    session = session_factory()
    try:
        yield session
    finally:
        # close() rolls back whatever was not committed; unlike rollback() it leaves loaded
        # objects readable (detached), so callers can render them after the transaction.
        session.close()


def id_exists(session: Session, table_name: str, row_id: str) -> bool:
    """Whether the table named holds a row with this id.

    For a foreign key's target checked from a package below the one that owns the table (auth
    checks a user's person, overrides their rota): the table is named as the foreign key names
    it, so the lower package imports nothing of the higher one.
    """
    named = table(table_name, column("id"))
    return session.scalar(select(named.c.id).where(named.c.id == row_id)) is not None


def in_chunks(values: Sequence[T], size: int = IN_CHUNK) -> Iterator[Sequence[T]]:
    """`values` a chunk at a time, for lookups of many rows by `IN (…)`."""
    for start in range(0, len(values), size):
        yield values[start : start + size]
