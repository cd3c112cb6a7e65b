"""PagerDuty's own Python client, unmodified, talks to a real `dutydesk serve`."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import warnings
from pathlib import Path

from tests.integration.test_serve import free_port

with warnings.catch_warnings():
    # pdpyras warns on import that it is superseded; it is still what many scripts use.
    warnings.simplefilter("ignore", UserWarning)
    import pdpyras

TEAM = "team: paas\nservices:\n  - {id: platform-api, name: Platform API}\n"


def test_pdpyras_triggers_acknowledges_and_resolves(tmp_path: Path):
    database = tmp_path / "dutydesk.sqlite3"
    env = {**os.environ, "DUTYDESK_DATABASE_URL": f"sqlite:///{database}"}
    team_file = tmp_path / "team.yaml"
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
        # Uvicorn reports readiness on stderr; reading blocks until it does (or the process dies).
        assert server.stderr is not None
        for line in server.stderr:
            if "Uvicorn running on" in line:
                break
        else:
            raise AssertionError("the server exited before it was ready")
        session = pdpyras.EventsAPISession(key)
        session.url = f"http://127.0.0.1:{port}"
        made_up = session.trigger("Disk full on db-1", "db-1")
        assert len(made_up) == 32
        assert session.trigger("Disk full", "db-1", dedup_key="db-1/disk") == "db-1/disk"
        assert session.trigger("Disk full", "db-1", dedup_key="db-1/disk") == "db-1/disk"
        assert session.acknowledge("db-1/disk") == "db-1/disk"
        assert session.resolve("db-1/disk") == "db-1/disk"
        wrong = pdpyras.EventsAPISession("0" * 32)
        wrong.url = session.url
        try:
            wrong.trigger("x", "y")
        except pdpyras.PDClientError as error:
            assert error.response is not None
            assert error.response.status_code == 404
        else:
            raise AssertionError("a wrong key was accepted")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr is not None:
            server.stderr.close()
    with sqlite3.connect(database) as connection:
        rows = connection.execute(
            "SELECT dedup_key, status, event_count FROM alerts ORDER BY id"
        ).fetchall()
    assert rows == [(made_up, "triggered", 1), ("db-1/disk", "resolved", 2)]
