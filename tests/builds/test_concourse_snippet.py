"""The Concourse snippet shipped in examples/ci/concourse.yml, run as it is: its task's script
(curl and openssl signing a build result) against a real `dutydesk serve` process, from the
failure hook and then the success hook, turns the job red and then green."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import yaml
from bench.loopback import free_port
from sqlalchemy import select

from dutydesk.builds.models import BuildResult, RedSpell
from dutydesk.db import make_engine
from tests.cli.test_serve import start_serve, stop
from tests.conftest import EXAMPLE_TEAM

SNIPPET = Path(__file__).parents[2] / "examples" / "ci" / "concourse.yml"
SHA = "9fceb02d0ae598e95dc970b74767f19372d61af8"


def hook(name: str) -> tuple[str, dict[str, str]]:
    """The hook's task script and its params, the step's own over the config's."""
    job = yaml.safe_load(SNIPPET.read_text())["jobs"][0]
    step = job[name]
    params = step["config"]["params"] | step.get("params", {})
    path, args = step["config"]["run"]["path"], step["config"]["run"]["args"]
    assert (path, args[0]) == ("sh", "-ec")
    return args[1], {key: str(value) for key, value in params.items()}


def test_the_concourse_hooks_script_records_red_then_green(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'concourse.sqlite3'}"
    env = os.environ | {"DUTYDESK_DATABASE_URL": url, "DUTYDESK_SECRET_KEY": "c" * 32}
    port = free_port()
    server = start_serve(env, "--port", str(port))
    try:
        cli = [sys.executable, "-m", "dutydesk"]
        run = {"env": env, "capture_output": True, "text": True, "check": True}
        subprocess.run([*cli, "apply", str(EXAMPLE_TEAM)], **run)
        secret = subprocess.run([*cli, "build", "secret", "concourse"], **run).stdout.strip()
        # The task's working directory, with the git resource's `repo` input in it.
        work = tmp_path / "task"
        (work / "repo" / ".git").mkdir(parents=True)
        (work / "repo" / ".git" / "ref").write_text(SHA + "\n")
        answers = []
        for name in ("on_failure", "on_success"):
            script, params = hook(name)
            credentials = {
                "((dutydesk-url))": f"http://127.0.0.1:{port}",
                "((dutydesk-build-secret))": secret,
            }
            task_env = {"PATH": os.environ["PATH"]} | {
                key: credentials.get(value, value) for key, value in params.items()
            }
            done = subprocess.run(
                ["bash", "-ec", script],
                cwd=work,
                env=task_env,
                capture_output=True,
                text=True,
                timeout=30,
            )
            assert done.returncode == 0, done.stderr + done.stdout
            answers.append(done.stdout)
    finally:
        stop(server)
    assert '"turned":"red"' in answers[0]
    assert '"turned":"flaky"' in answers[1]  # the same commit passed: flaky
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            results = connection.execute(
                select(BuildResult.pipeline, BuildResult.job, BuildResult.status, BuildResult.sha)
            ).all()
            [ending] = connection.scalars(select(RedSpell.ending)).all()
    finally:
        engine.dispose()
    assert results == [
        ("paas-cf", "deploy", "failed", SHA),
        ("paas-cf", "deploy", "succeeded", SHA),
    ]
    assert ending == "flaky"


def test_a_tampered_request_from_the_snippet_is_refused(tmp_path: Path):
    """The same script with the wrong secret is answered 401, and curl fails the task."""
    url = f"sqlite:///{tmp_path / 'tampered.sqlite3'}"
    env = os.environ | {"DUTYDESK_DATABASE_URL": url, "DUTYDESK_SECRET_KEY": "c" * 32}
    port = free_port()
    server = start_serve(env, "--port", str(port))
    try:
        script, params = hook("on_failure")
        task_env = {"PATH": os.environ["PATH"]} | params
        task_env |= {
            "DUTYDESK_URL": f"http://127.0.0.1:{port}",
            "DUTYDESK_BUILD_SECRET": "not the secret",
        }
        done = subprocess.run(
            ["bash", "-ec", script], cwd=tmp_path, env=task_env, capture_output=True, text=True
        )
    finally:
        stop(server)
    assert done.returncode != 0
    assert '"error":"unauthorized"' in done.stdout
