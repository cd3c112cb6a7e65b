"""Shared fixtures: a migrated database on SQLite (always) and PostgreSQL (when configured)."""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from argon2 import PasswordHasher
from bench.outbox import create_database_if_missing
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, make_url, text

from dutydesk import migrate
from dutydesk.app import create_app
from dutydesk.auth import service as auth_service
from dutydesk.auth import signin
from dutydesk.cli import main as cli_main
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import make_engine, unit_of_work
from dutydesk.models import Base
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from tests import applied_team
from tests.shared_routes import share_route_tables

share_route_tables()

pytest_plugins = [
    "tests.alert_fixtures",
    "tests.mail_fixtures",
    "tests.notify_fixtures",
    "tests.web_fixtures",
]

TESTS = Path(__file__).parent
# Tests that start servers, browsers, workers or other programs as processes, or fuzz every
# operation: `make test` runs them, `make test-fast` (the development loop) leaves them out.
SLOW = {
    TESTS / "browser",
    TESTS / "cli" / "test_serve.py",
    TESTS / "cli" / "test_serve_log_secrets.py",
    TESTS / "cli" / "test_cli_imports.py",
    TESTS / "mailbox" / "test_demo_mailbox.py",
    TESTS / "notify" / "test_notify_workers.py",
    TESTS / "notify" / "test_bench_outbox.py",
    TESTS / "http" / "test_fuzz_api.py",
    TESTS / "http" / "test_fuzz_hostile_input.py",
    TESTS / "http" / "test_body_limits_served.py",
    TESTS / "prometheus" / "test_prometheus_rules.py",
    TESTS / "prometheus" / "test_worker_metrics.py",
    TESTS / "alerts" / "test_alertmanager.py",
    TESTS / "alerts" / "test_pdpyras.py",
    TESTS / "statuspage" / "test_statuspage_client.py",
    TESTS / "escalation" / "test_escalation_workers.py",
    TESTS / "tickets" / "test_two_workers.py",
    TESTS / "incidents" / "test_two_workers.py",
    TESTS / "statuspage" / "test_fanout_two_workers.py",
    TESTS / "tickets" / "test_imap_round_trip.py",
    TESTS / "tickets" / "test_mail_receive.py",
    TESTS / "mailin" / "test_imap.py",
    TESTS / "mailin" / "test_fuzz.py",
    TESTS / "builds" / "test_concourse_snippet.py",
}


def _is_slow(path: Path) -> bool:
    return path in SLOW or any(folder in path.parents for folder in SLOW)


def pytest_ignore_collect(collection_path: Path, config: pytest.Config) -> bool | None:
    """With `-m "not slow"` (`make test-fast`), slow files are not even imported: some build
    an application or a fuzzing schema as they load."""
    if config.getoption("markexpr", "") == "not slow" and _is_slow(collection_path):
        return True
    return None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the slow tests `slow` (`-m "not slow"` leaves them out)."""
    for item in items:
        if _is_slow(Path(item.path)):
            item.add_marker(pytest.mark.slow)


def worker_database_url(url: str | None) -> str | None:
    """The PostgreSQL test database of this pytest-xdist worker: `<name>_gw0`, `<name>_gw1`, …
    Parallel workers each empty their tables before every test, so they cannot share one."""
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if not url or not worker:
        return url
    parsed = make_url(url)
    return parsed.set(database=f"{parsed.database}_{worker}").render_as_string(hide_password=False)


POSTGRES_URL = worker_database_url(os.environ.get("DUTYDESK_TEST_DATABASE_URL"))
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]
EXAMPLE_TEAM = Path(__file__).parent.parent / "examples" / "team.yaml"


# Real argon2 with its cheapest parameters: a hash with the production parameters costs about
# 300 ms of CPU, and the page tests make and check a password for every user they sign in. The
# parameters are part of each hash, so sign-in checks these hashes as cheaply and an unknown
# name (checked against a dummy hash made with the same hasher) costs the same as a real one.
_CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_password_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Passwords made and checked in process use the cheap argon2 parameters above; servers
    started as subprocesses (browser tests) keep the production ones."""
    monkeypatch.setattr(auth_service, "_hasher", _CHEAP_HASHER)
    monkeypatch.setattr(signin, "_hasher", _CHEAP_HASHER)
    signin._dummy_hash.cache_clear()
    yield
    signin._dummy_hash.cache_clear()


@pytest.fixture(scope="session")
def sqlite_directory(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Where the tests' SQLite files live: in memory (/dev/shm) where the machine has it, since
    the databases commit with synchronous=full as served and a disk would sync every commit;
    else the run's temporary directory."""
    shared_memory = Path("/dev/shm")
    if not (shared_memory.is_dir() and os.access(shared_memory, os.W_OK)):
        yield tmp_path_factory.mktemp("databases")
        return
    directory = Path(tempfile.mkdtemp(prefix="dutydesk-tests-", dir=shared_memory))
    yield directory
    shutil.rmtree(directory, ignore_errors=True)


@pytest.fixture(scope="session")
def sqlite_template(sqlite_directory: Path) -> Path:
    """An SQLite file migrated once; each test gets a copy."""
    path = sqlite_directory / "template.sqlite3"
    engine = make_engine(f"sqlite:///{path}")
    migrate.upgrade(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_migrated() -> str:
    """The PostgreSQL test database, emptied and migrated once per run."""
    assert POSTGRES_URL is not None
    create_database_if_missing(POSTGRES_URL)
    engine = make_engine(POSTGRES_URL)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine)
    engine.dispose()
    return POSTGRES_URL


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> Iterator[str]:
    """A migrated, empty database: a fresh SQLite file, or PostgreSQL with its tables emptied."""
    if request.param == "sqlite":
        template = request.getfixturevalue("sqlite_template")
        directory = Path(tempfile.mkdtemp(dir=request.getfixturevalue("sqlite_directory")))
        path = directory / "dutydesk.sqlite3"
        shutil.copy(template, path)
        yield f"sqlite:///{path}"
        shutil.rmtree(directory, ignore_errors=True)
        return
    url = request.getfixturevalue("postgres_migrated")
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    with engine.begin() as connection:
        connection.execute(text(_EMPTY_EVERY_TABLE))
        connection.execute(text(_RESTART_EVERY_SEQUENCE))
    engine.dispose()
    yield url


# Emptying the tables with DELETE, children first, rather than TRUNCATE: TRUNCATE gives each
# table new files, a quarter of a second for all of them, where deleting the few rows a test
# leaves takes milliseconds. The sequences start again at 1, as TRUNCATE … RESTART IDENTITY.
_EMPTY_EVERY_TABLE = "; ".join(
    f'DELETE FROM "{table.name}"' for table in reversed(Base.metadata.sorted_tables)
)
_RESTART_EVERY_SEQUENCE = (
    "SELECT setval(c.oid, 1, false) FROM pg_class c"
    " WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace"
)


@pytest.fixture
def clock() -> FrozenClock:
    """Time stands still at a Wednesday morning in January 2026 until a test moves it."""
    return FrozenClock(datetime(2026, 1, 14, 10, 0, tzinfo=UTC))


@pytest.fixture
def runtime(database_url: str, clock: FrozenClock) -> Iterator[Runtime]:
    """The composition root on the test database with the frozen clock."""
    built = bootstrap(
        Settings(database_url=database_url, base_url="http://dutydesk.test", secret_key="k" * 32),
        clock,
    )
    _share_compiled_statements(built.engine, database_url)
    yield built
    built.close()


_compiled_statements: dict[str, tuple[Any, Any]] = {}


def _share_compiled_statements(engine: Engine, database_url: str) -> None:
    """Every test's engine compiles SQL into the same cache, as a server's one engine does all
    its life: compiling each statement again in each test took a tenth of the suite's time. The
    cache is keyed by the dialect, so the engines of a backend share one dialect (the same class
    with the same settings: only the database differs), made ready by connecting once, as an
    engine's first connection makes its own dialect ready."""
    kept = _compiled_statements.get(engine.dialect.name)
    if kept is None:
        probe = make_engine(database_url)
        with probe.connect():
            pass
        probe.dispose()
        kept = _compiled_statements[engine.dialect.name] = (probe.dialect, probe._compiled_cache)
    engine.dialect, engine._compiled_cache = kept


@pytest.fixture
def make_team(runtime: Runtime) -> Callable[[str], None]:
    """Apply a team file given as YAML text."""

    def make(yaml_text: str) -> None:
        spec = read_team_file(yaml_text, "team.yaml")
        with unit_of_work(runtime.sessions) as session:
            apply(session, spec, runtime.clock.now(), actor="cli")
            session.commit()

    return make


@pytest.fixture(scope="session")
def applied_example_teams() -> applied_team.AppliedTeams:
    """Databases with the example team applied, by backend and the time it was applied at."""
    return {}


@pytest.fixture
def example_team(
    make_team: Callable[[str], None],
    runtime: Runtime,
    database_url: str,
    applied_example_teams: applied_team.AppliedTeams,
    sqlite_directory: Path,
) -> None:
    """The README's example team (examples/team.yaml): applied, or copied from a database it
    was applied to at the same time when nothing has opened this test's database yet
    (tests/applied_team.py)."""
    if not applied_team.never_connected(runtime.engine):
        make_team(EXAMPLE_TEAM.read_text())
        return
    key = (runtime.engine.dialect.name, runtime.clock.now())
    kept = applied_example_teams.get(key)
    if kept is not None:
        applied_team.restore(kept, runtime.engine, database_url)
        return
    make_team(EXAMPLE_TEAM.read_text())
    applied_example_teams[key] = applied_team.keep(runtime.engine, database_url, sqlite_directory)


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(runtime: Runtime, capsys: pytest.CaptureFixture[str]) -> Callable[..., CliResult]:
    """Run `dutydesk ARGS…` in process against the test runtime; returns code, stdout, stderr."""

    def run(*args: str) -> CliResult:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            cli_main(list(args), runtime)
        captured = capsys.readouterr()
        code = exited.value.code
        return CliResult(code if isinstance(code, int) else 1, captured.out, captured.err)

    return run


@pytest.fixture
def token_for(cli: Callable[..., CliResult]) -> Callable[[str, str], str]:
    """Create a user with a role and return a bearer token for them."""

    def make(username: str, role: str) -> str:
        assert cli("user", "add", username, "--role", role).code == 0
        created = cli("token", "create", username)
        assert created.code == 0, created.err
        return created.out.strip()

    return make


@pytest.fixture
def api(runtime: Runtime, token_for: Callable[[str, str], str]) -> Iterator[TestClient]:
    """An in-process HTTP client signed in as a responder."""
    with TestClient(create_app(runtime)) as client:
        client.headers["Authorization"] = f"Bearer {token_for('rhea', 'responder')}"
        yield client
