"""A real `dutydesk serve` on a fresh SQLite file, for tests that drive it with real clients."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from bench.loopback import free_port

from dutydesk import migrate
from dutydesk.alerts.integrations import add_integration
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from tests.cli.test_serve import wait_for_uvicorn

TEAM = "team: paas\nservices:\n  - {id: platform-api, name: Platform API}\n"


@dataclass(frozen=True)
class LiveDutydesk:
    """Where the server listens, its database file, and an integration key of platform-api."""

    url: str
    database: Path
    key: str
    log: list[str] = field(default_factory=list)  # what the server wrote on stderr


@contextmanager
def live_dutydesk(
    folder: Path,
    *,
    team: str = TEAM,
    env: Mapping[str, str] | None = None,
    worker: bool = False,
) -> Iterator[LiveDutydesk]:
    """Migrate, apply a team with a platform-api service, add a key; serve (with its worker
    when `worker`, and `env` added to the environment); stop the server afterwards."""
    database = folder / "dutydesk.sqlite3"
    database_url = f"sqlite:///{database}"
    environment = {**os.environ, **(env or {}), "DUTYDESK_DATABASE_URL": database_url}
    key = _prepare(database_url, team)
    cli = [sys.executable, "-m", "dutydesk"]
    port = free_port()
    # Links in what the server sends (pages' acknowledge links) point at the server itself.
    environment.setdefault("DUTYDESK_BASE_URL", f"http://127.0.0.1:{port}")
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), *([] if worker else ["--no-worker"])],
        env=environment,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    live = LiveDutydesk(f"http://127.0.0.1:{port}", database, key)
    # Keep reading stderr once the server is up, so a chatty server never blocks on the pipe.
    reader = threading.Thread(target=_read_log, args=(server, live.log), daemon=True)
    try:
        wait_for_uvicorn(server)
        reader.start()
        yield live
    finally:
        server.terminate()
        server.wait(timeout=10)
        if reader.is_alive():
            reader.join(timeout=10)
        if server.stderr is not None:
            server.stderr.close()


def _prepare(database_url: str, team: str) -> str:
    """Migrate, apply the team, add a key to platform-api; returns the key. In this process:
    each `dutydesk` command started would take seconds of imports."""
    runtime = bootstrap(Settings(database_url=database_url))
    try:
        migrate.upgrade(runtime.engine)
        with unit_of_work(runtime.sessions) as session:
            now = runtime.clock.now()
            apply(session, read_team_file(team, "team.yaml"), now, actor="cli")
            _, key = add_integration(session, "platform-api", "alertmanager", now, actor="cli")
            session.commit()
        return key
    finally:
        runtime.close()


def _read_log(server: subprocess.Popen[str], log: list[str]) -> None:
    assert server.stderr is not None
    log.extend(server.stderr)
