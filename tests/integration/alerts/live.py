"""A real `dutydesk serve` on a fresh SQLite file, for tests that drive it with real clients."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.integration.test_serve import free_port, wait_for_uvicorn

TEAM = "team: paas\nservices:\n  - {id: platform-api, name: Platform API}\n"


@dataclass(frozen=True)
class LiveDutydesk:
    """Where the server listens, its database file, and an integration key of platform-api."""

    url: str
    database: Path
    key: str


@contextmanager
def live_dutydesk(folder: Path) -> Iterator[LiveDutydesk]:
    """Migrate, apply a team with one service, add a key, serve; stop the server afterwards."""
    database = folder / "dutydesk.sqlite3"
    env = {**os.environ, "DUTYDESK_DATABASE_URL": f"sqlite:///{database}"}
    team_file = folder / "team.yaml"
    team_file.write_text(TEAM)
    cli = [sys.executable, "-m", "dutydesk"]
    run = {"env": env, "capture_output": True, "text": True, "check": True}
    subprocess.run([*cli, "db", "upgrade"], **run)
    subprocess.run([*cli, "apply", str(team_file)], **run)
    key = subprocess.run([*cli, "integration", "add", "platform-api"], **run).stdout.strip()
    port = free_port()
    server = subprocess.Popen(
        [*cli, "serve", "--port", str(port), "--no-worker"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_uvicorn(server)
        yield LiveDutydesk(f"http://127.0.0.1:{port}", database, key)
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr is not None:
            server.stderr.close()
