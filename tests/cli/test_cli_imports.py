"""Commands that do not serve start at once: they import neither the web application nor the
migration tool (issue: `dutydesk who` took 2.7 s loading FastAPI, Alembic and every page)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# The commands of a day on support, reading and writing; each runs in the same process, in turn.
COMMANDS = [
    ["--help"],
    ["who"],
    ["who", "--help"],
    ["who", "engineering", "--json"],
    ["schedule", "engineering", "--from", "2026-01-12", "--to", "2026-01-19"],
    ["override", "list", "engineering"],
    ["swap", "list"],
    ["alert", "list"],
    ["integration", "list"],
    ["heartbeat", "list"],
    ["deliveries"],
    ["user", "list"],
    ["audit"],
    ["feed", "url", "--rota", "engineering"],
    ["export"],
    ["apply", "--dry-run", str(ROOT / "examples" / "team.yaml")],
]
# Packages of the web service and of migrations, and Dutydesk's own web modules.
NOT_IMPORTED = ("fastapi", "starlette", "uvicorn", "jinja2", "alembic")
SCRIPT = """
import json, sys
from dutydesk.cli import main
for argv in json.loads(sys.argv[1]):
    try:
        main(argv)
    except SystemExit as exited:
        if exited.code not in (0, None):
            raise SystemExit(f"dutydesk {' '.join(argv)} exited {exited.code}")
print(json.dumps(sorted(sys.modules)))
"""


def is_web_module(name: str) -> bool:
    if name.split(".")[0] in NOT_IMPORTED:
        return True
    parts = name.split(".")
    return parts[0] == "dutydesk" and (
        name == "dutydesk.app"
        or (parts[1:2] == ["overview"] and parts[2:] not in ([], ["module"]))
        or parts[1:2] == ["web"]
        or parts[-1] in ("pages", "api", "panels")
        or parts[-1].endswith(("_pages", "_api"))
    )


@pytest.mark.usefixtures("example_team")
def test_commands_that_do_not_serve_import_no_web_module(database_url: str) -> None:
    environment = {**os.environ, "DUTYDESK_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, json.dumps(COMMANDS)],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    modules = json.loads(done.stdout.strip().splitlines()[-1])
    assert "dutydesk.oncall.cli" in modules  # the commands did run
    assert [name for name in modules if is_web_module(name)] == []
