"""How long `dutydesk who` takes from the shell, against the floor of importing what it needs.

Target (issue 11): `dutydesk who` within 1.5x the wall time of a Python process that only
imports SQLAlchemy's ORM, holidays, PyYAML, Typer and Rich, the libraries the command cannot do
without. Both are run as a user runs them, as new processes, alternately (floor, who, floor,
who, ...) so that a neighbour's burst on a shared machine weighs on both alike; each figure is
the median of the runs. The database is a fresh SQLite file with the example team applied, set
up with the CLI as a user would. Run alone with `.venv/bin/python -m bench.cli`.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_TEAM = ROOT / "examples" / "team.yaml"
DUTYDESK = Path(sys.executable).parent / "dutydesk"
RUNS = 15
TARGET_RATIO = 1.5
# The floor: the libraries `dutydesk who` needs, imported and nothing done with them.
FLOOR = "import sqlalchemy.orm, holidays, yaml, typer, rich.console, rich.table"


def wall_seconds(command: list[str], environment: dict[str, str]) -> float:
    """One run of `command` as a new process, in seconds; it must succeed."""
    start = time.perf_counter()
    subprocess.run(command, env=environment, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def run() -> None:
    with tempfile.TemporaryDirectory() as directory:
        environment = {
            **os.environ,
            "DUTYDESK_DATABASE_URL": f"sqlite:///{Path(directory) / 'bench.sqlite3'}",
        }
        for setup in (["db", "upgrade"], ["apply", str(EXAMPLE_TEAM)]):
            subprocess.run(
                [str(DUTYDESK), *setup], env=environment, check=True, stdout=subprocess.DEVNULL
            )
        floor_command = [sys.executable, "-c", FLOOR]
        who_command = [str(DUTYDESK), "who"]
        # One of each first, to warm the file cache (the bytecode, the database).
        wall_seconds(floor_command, environment)
        wall_seconds(who_command, environment)
        floors, whos = [], []
        for _ in range(RUNS):
            floors.append(wall_seconds(floor_command, environment))
            whos.append(wall_seconds(who_command, environment))
    floor_ms = statistics.median(floors) * 1000
    who_ms = statistics.median(whos) * 1000
    ratio = who_ms / floor_ms
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(f"cli: import floor ({FLOOR.removeprefix('import ')}) {floor_ms:.0f} ms median")
    print(f"cli: `dutydesk who` {who_ms:.0f} ms median ({RUNS} runs each, alternately)")
    print(f"cli: {ratio:.2f}x the floor; {verdict} the target of {TARGET_RATIO}x")
    print(f"cli: load average {os.getloadavg()[0]:.2f} when done")


if __name__ == "__main__":
    run()
