"""Build webhook intake: finished builds posted to a real `dutydesk serve`, through the generic
signed webhook and GitHub's workflow_run webhook.

Target (issue 15): at least 1,000 results/s recorded on the embedded SQLite default
(synchronous=full, one process, worker on), each request signed and checked, each result stored
durably and followed by its job's red spell. The rate is given as a share of a bare FastAPI
route (bench/ceiling.py) served the same way and driven with the same bodies in the same run.

The builds are a CI's day at scale: 200 jobs (20 pipelines of 10), 70% of builds on `main`, the
rest on feature branches; 85% succeed, 10% fail, 3% error, 2% are aborted, and a failure is now
and then re-run at the same commit. So jobs turn red (the engineer on support on the example
team's rota is told: an outbox message in the same transaction), stay red, turn green again as
fixed or flaky. Before the measured load the database already holds 20,000 results (a year of
them at the issue's handover sizes), seeded through the same intake.

The server is set up with the CLI as a user would (bench/events.py `start_server`: `db
upgrade`, `apply` the example team); the load generator is bench/events.py's (raw asyncio
HTTP/1.1 over 32 keep-alive connections, one request in flight on each). Each request is signed
when the load is built, within the generic webhook's 5-minute window. Every accepted result is
then counted in the database.

Run it with `.venv/bin/python -m bench.builds`.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from bench.events import (
    CEILING_WARM_UP,
    CONCURRENCY,
    ROOT,
    Load,
    _wait_for,
    drive,
    machine,
    start_server,
)
from bench.loopback import free_port
from dutydesk.builds import github
from dutydesk.builds.intake import record_result
from dutydesk.builds.models import BuildResult, RedSpell
from dutydesk.builds.results import BuildReport
from dutydesk.builds.secrets import source_secret
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.notify.signing import signature_header
from dutydesk.settings import Settings

SECRET_KEY = "b" * 32
RESULTS = 10_000
SEEDED = 20_000
WARM_UP = 500
TARGET_RATE = 1000
PIPELINES = 20
JOBS_PER_PIPELINE = 10


@dataclass
class _Job:
    pipeline: str
    job: str
    builds: int = 0
    sha: str = ""


class BuildStream:
    """Builds finishing across the jobs in a realistic mix; each call is the next one."""

    def __init__(self, seed: int, start: datetime) -> None:
        self.random = random.Random(seed)
        self.at = start
        self.jobs = [
            _Job(f"pipeline-{p:02d}", f"job-{j}")
            for p in range(PIPELINES)
            for j in range(JOBS_PER_PIPELINE)
        ]
        self.last: dict[int, tuple[str, str, int]] = {}

    def next(self, step: timedelta) -> dict[str, Any]:
        """The next build in the generic webhook's shape."""
        self.at += step
        index = self.random.randrange(len(self.jobs))
        job = self.jobs[index]
        draw = self.random.random()
        status = (
            "succeeded"
            if draw < 0.85
            else "failed"
            if draw < 0.95
            else "errored"
            if draw < 0.98
            else "aborted"
        )
        branch = "main" if self.random.random() < 0.7 else f"feature-{self.random.randrange(50)}"
        previous = self.last.get(index)
        if previous is not None and previous[1] in ("failed", "errored") and draw < 0.3:
            # A re-run of the failed build at the same commit.
            build_id, attempt, sha = previous[0], previous[2] + 1, job.sha
        else:
            job.builds += 1
            build_id, attempt = str(job.builds), 1
            job.sha = f"{self.random.getrandbits(160):040x}"
            sha = job.sha
        self.last[index] = (build_id, status, attempt)
        return {
            "pipeline": job.pipeline,
            "job": job.job,
            "build_id": build_id,
            "attempt": attempt,
            "status": status,
            "branch": branch,
            "sha": sha,
            "url": f"https://ci.example.org/{job.pipeline}/{job.job}/{build_id}",
            "finished_at": self.at.isoformat(),
        }


def generic_request(port: int, secret: str, build: dict[str, Any], path: str) -> bytes:
    """The raw HTTP request of a signed generic build."""
    body = json.dumps(build).encode()
    signature = signature_header(secret, int(datetime.now(UTC).timestamp()), body)
    return _request(port, path, body, {"Dutydesk-Signature": signature})


def github_request(port: int, secret: str, build: dict[str, Any], n: int, path: str) -> bytes:
    """The raw HTTP request of a signed workflow_run delivery carrying the same build."""
    conclusion = {v: k for k, v in github.STATUS_OF.items() if k != "neutral"}[build["status"]]
    payload = {
        "action": "completed",
        "repository": {"full_name": f"example/{build['pipeline']}"},
        "workflow": {"name": build["job"], "path": f".github/workflows/{build['job']}.yml"},
        "workflow_run": {
            "id": 1_000_000 + int(build["build_id"]) * 1000 + n % 1000,
            "name": build["job"],
            "path": f".github/workflows/{build['job']}.yml",
            "head_branch": build["branch"],
            "head_sha": build["sha"],
            "run_attempt": build["attempt"],
            "status": "completed",
            "conclusion": conclusion,
            "html_url": build["url"],
            "updated_at": build["finished_at"],
        },
    }
    body = json.dumps(payload).encode()
    headers = {
        "X-GitHub-Event": "workflow_run",
        "X-GitHub-Delivery": f"bench-{n:08d}",
        "X-Hub-Signature-256": github.sign(secret, body),
    }
    return _request(port, path, body, headers)


def _request(port: int, path: str, body: bytes, headers: dict[str, str]) -> bytes:
    head = (
        f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
        + "".join(f"{name}: {value}\r\n" for name, value in headers.items())
        + "\r\n"
    )
    return head.encode() + body


def seed(url: str, count: int) -> None:
    """A year of results through the same intake, in batches, before the server starts."""
    runtime = bootstrap(Settings(database_url=url, secret_key=SECRET_KEY))
    stream = BuildStream(7, datetime.now(UTC) - timedelta(days=365))
    step = timedelta(days=365) / count
    try:
        for batch in range(0, count, 1000):
            with unit_of_work(runtime.sessions) as session:
                for _ in range(min(1000, count - batch)):
                    build = stream.next(step)
                    report = BuildReport(
                        source="seed",
                        pipeline=build["pipeline"],
                        job=build["job"],
                        build_id=build["build_id"],
                        attempt=build["attempt"],
                        status=build["status"],
                        branch=build["branch"],
                        sha=build["sha"],
                        url=build["url"],
                        finished_at=datetime.fromisoformat(build["finished_at"]),
                    )
                    record_result(session, report, now=report.finished_at, base_url="http://b")
                session.commit()
    finally:
        runtime.close()


def measure_ceiling(folder: Path, env: dict[str, str], requests: list[bytes]) -> Load:
    """The bare route (bench/ceiling.py) under the same load: the same bodies and headers."""
    port = free_port()
    log_path = folder / "ceiling.log"
    level = env.get("DUTYDESK_LOG_LEVEL", "info").lower()
    with log_path.open("wb") as log:
        server = subprocess.Popen(
            [
                *(sys.executable, "-m", "uvicorn", "bench.ceiling:app"),
                *("--host", "127.0.0.1", "--port", str(port), "--log-level", level),
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=log,
        )
    try:
        _wait_for(server, port, log_path)
        moved = [r.replace(b"127.0.0.1:0", f"127.0.0.1:{port}".encode()) for r in requests]
        rerouted = [_reroute(r, b"/v2/enqueue") for r in moved]
        drive(port, rerouted[:CEILING_WARM_UP], ok=b"202")
        return drive(port, rerouted, server.pid, ok=b"202")
    finally:
        server.terminate()
        server.wait(timeout=30)


def _reroute(request: bytes, path: bytes) -> bytes:
    line, rest = request.split(b"\r\n", 1)
    method, _, version = line.split(b" ")
    return b" ".join((method, path, version)) + b"\r\n" + rest


def stored(runtime: Any, source: str) -> tuple[int, int]:
    """(results, red spells) of a source."""
    with unit_of_work(runtime.read_sessions) as session:
        results = session.scalar(
            select(func.count()).select_from(BuildResult).where(BuildResult.source == source)
        )
        spells = session.scalar(
            select(func.count()).select_from(RedSpell).where(RedSpell.source == source)
        )
    return results or 0, spells or 0


def report(label: str, load: Load, results: int, spells: int, ceiling: Load) -> None:
    print(
        f"  {label:<30} {load.rate:6.0f} results/s  p50 {load.percentile(50):5.1f} ms"
        f"  p99 {load.percentile(99):5.1f} ms  {load.rate / ceiling.rate:4.2f} of the ceiling"
        f"{load.server_cpu_text()}  accepted {load.accepted}/{load.sent}, stored {results}"
        f" ({spells} red spells)"
        + ("" if results == load.accepted else "  NOT ALL STORED")
        + ("" if load.rate >= TARGET_RATE else f"  BELOW THE TARGET OF {TARGET_RATE}")
    )


def run() -> None:
    """Print the intake rates of the generic and GitHub webhooks against the ceiling."""
    synchronous = os.environ.get("DUTYDESK_SQLITE_SYNCHRONOUS", "full")
    print(
        f"builds: signed build webhooks into `dutydesk serve` on SQLite (synchronous="
        f"{synchronous}, worker on), {CONCURRENCY} keep-alive connections, {SEEDED:,} results"
        f" already stored (target >= {TARGET_RATE} results/s); {machine()}"
    )
    with tempfile.TemporaryDirectory() as directory:
        folder = Path(directory)
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
        env = os.environ | {"DUTYDESK_DATABASE_URL": url, "DUTYDESK_SECRET_KEY": SECRET_KEY}
        server, port = start_server(folder, env)
        server.terminate()
        server.wait(timeout=30)
        seed(url, SEEDED)
        stream = BuildStream(11, datetime.now(UTC) - timedelta(hours=6))
        step = timedelta(seconds=1)
        generic_secret = source_secret(SECRET_KEY, "concourse")
        github_secret = source_secret(SECRET_KEY, "github")
        generic_path = "/hooks/builds/generic/concourse"
        github_path = "/hooks/builds/github/github"
        warm = [
            generic_request(0, generic_secret, stream.next(step), generic_path)
            for _ in range(WARM_UP)
        ]
        generic = [
            generic_request(0, generic_secret, stream.next(step), generic_path)
            for _ in range(RESULTS)
        ]
        from_github = [
            github_request(0, github_secret, stream.next(step), n, github_path)
            for n in range(RESULTS)
        ]
        ceiling = measure_ceiling(folder, env, generic)
        print(
            f"  {'ceiling: a bare FastAPI route':<30} {ceiling.rate:6.0f} requests/s"
            f"  p50 {ceiling.percentile(50):5.1f} ms  p99 {ceiling.percentile(99):5.1f} ms"
            f"{ceiling.server_cpu_text()}"
        )
        server, port = start_server(folder, env)
        runtime = bootstrap(Settings(database_url=url, secret_key=SECRET_KEY))
        try:

            def on_port(requests: list[bytes]) -> list[bytes]:
                return [r.replace(b"127.0.0.1:0", f"127.0.0.1:{port}".encode()) for r in requests]

            drive(port, on_port(warm))
            load = drive(port, on_port(generic), server.pid)
            results, spells = stored(runtime, "concourse")
            report("generic webhook", load, results - WARM_UP, spells, ceiling)
            load = drive(port, on_port(from_github), server.pid)
            results, spells = stored(runtime, "github")
            report("GitHub workflow_run", load, results, spells, ceiling)
        finally:
            runtime.close()
            server.terminate()
            server.wait(timeout=30)
    print(f"  at the end: {machine()}")


if __name__ == "__main__":
    run()
