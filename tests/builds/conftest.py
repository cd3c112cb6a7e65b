"""Fixtures for builds: the example team (bob is the engineer on support on Wednesday 14 January
2026 at 10:00), an in-process client for CI's webhooks, signed GitHub and generic deliveries
shaped like the real ones, and a way to record results as `dutydesk build record` does."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dutydesk.app import create_app
from dutydesk.builds import github
from dutydesk.builds.intake import Recorded, record_result
from dutydesk.builds.models import BuildResult, GithubDelivery, RedSpell
from dutydesk.builds.results import BuildReport
from dutydesk.builds.secrets import source_secret
from dutydesk.db import unit_of_work
from dutydesk.notify.signing import signature_header
from dutydesk.runtime import Runtime

SECRET_KEY = "k" * 32
REPOSITORY = "octo-org/octo-repo"


def workflow_run(
    *,
    conclusion: str | None = "failure",
    run_id: int = 289782451,
    attempt: int = 1,
    sha: str = "3484a3fb816e0859fd6e1cea078d76385ff50625",
    branch: str = "main",
    updated_at: str = "2026-01-14T09:58:00Z",
    action: str = "completed",
) -> dict[str, Any]:
    """A `workflow_run` delivery shaped like GitHub's published example
    (octokit/webhooks payload-examples/api.github.com/workflow_run/completed.payload.json),
    trimmed of the many URLs nothing reads."""
    return {
        "action": action,
        "organization": {"id": 41548062, "login": "octo-org"},
        "repository": {
            "id": 300029405,
            "name": "octo-repo",
            "full_name": REPOSITORY,
            "default_branch": "main",
            "html_url": f"https://github.com/{REPOSITORY}",
            "private": False,
        },
        "sender": {"id": 15669918, "login": "Codertocat", "type": "User"},
        "workflow": {
            "id": 2823525,
            "name": "test",
            "path": ".github/workflows/test.yml",
            "state": "active",
        },
        "workflow_run": {
            "id": run_id,
            "name": "test",
            "node_id": "MDExOldvcmtmbG93UnVuMjg5NzgyNDUx",
            "check_suite_id": 1291536064,
            "head_branch": branch,
            "head_sha": sha,
            "path": ".github/workflows/test.yml",
            "run_number": 7,
            "run_attempt": attempt,
            "event": "push",
            "status": "completed" if action == "completed" else "in_progress",
            "conclusion": conclusion,
            "workflow_id": 2823525,
            "html_url": f"https://github.com/{REPOSITORY}/actions/runs/{run_id}",
            "pull_requests": [],
            "created_at": "2026-01-14T09:50:00Z",
            "updated_at": updated_at,
            "run_started_at": "2026-01-14T09:50:05Z",
            "head_commit": {
                "id": sha,
                "message": "build(test): check workflow run event payload",
                "timestamp": "2026-01-14T09:45:00Z",
            },
        },
    }


@pytest.fixture
def team(example_team: None) -> None:
    """The example team: bob is on the engineering rota (`support: rota`) this week."""


@pytest.fixture
def hooks(runtime: Runtime) -> Iterator[TestClient]:
    """An in-process client with no bearer token: CI's webhooks carry their own signature."""
    with TestClient(create_app(runtime)) as client:
        yield client


@pytest.fixture
def send_github(hooks: TestClient) -> Callable[..., Any]:
    """Post a workflow_run payload as GitHub does, signed with the source's secret."""

    def send(
        payload: dict[str, Any],
        *,
        delivery: str = "72d3162e-cc78-11e3-81ab-4c9367dc0958",
        source: str = "github",
        secret: str | None = None,
        event: str = "workflow_run",
    ) -> Any:
        body = json.dumps(payload).encode()
        signing = secret if secret is not None else source_secret(SECRET_KEY, source)
        return hooks.post(
            f"/hooks/builds/github/{source}",
            content=body,
            headers={
                "Content-Type": "application/json",
                "X-GitHub-Event": event,
                "X-GitHub-Delivery": delivery,
                "X-Hub-Signature-256": github.sign(signing, body),
                "User-Agent": "GitHub-Hookshot/044aadd",
            },
        )

    return send


@pytest.fixture
def send_generic(hooks: TestClient, runtime: Runtime) -> Callable[..., Any]:
    """Post a build in Dutydesk's generic shape, signed now (or at `signed_at`)."""

    def send(
        build: dict[str, Any],
        *,
        source: str = "concourse",
        signed_at: datetime | None = None,
        secret: str | None = None,
        raw: bytes | None = None,
    ) -> Any:
        body = raw if raw is not None else json.dumps(build).encode()
        at = int((signed_at or runtime.clock.now()).timestamp())
        signing = secret if secret is not None else source_secret(SECRET_KEY, source)
        return hooks.post(
            f"/hooks/builds/generic/{source}",
            content=body,
            headers={
                "Content-Type": "application/json",
                "Dutydesk-Signature": signature_header(signing, at, body),
            },
        )

    return send


@pytest.fixture
def record(runtime: Runtime) -> Callable[..., Recorded]:
    """Record a result through intake at the clock's now (finished then, unless told)."""

    def take(
        status: str,
        *,
        build: str,
        sha: str | None = "a" * 40,
        attempt: int = 1,
        branch: str | None = "main",
        job: str = "deploy",
        pipeline: str = "paas-cf",
        source: str = "concourse",
        finished_at: datetime | None = None,
    ) -> Recorded:
        now = runtime.clock.now()
        report = BuildReport(
            source=source,
            pipeline=pipeline,
            job=job,
            build_id=build,
            attempt=attempt,
            status=status,
            branch=branch,
            sha=sha,
            url=f"https://ci.example.org/builds/{build}",
            finished_at=finished_at or now,
        )
        with unit_of_work(runtime.sessions) as session:
            recorded = record_result(session, report, now=now, base_url="http://dutydesk.test")
            session.commit()
        return recorded

    return take


@pytest.fixture
def stored(runtime: Runtime) -> Callable[[], dict[str, int]]:
    """How many results, deliveries and red spells are stored."""

    def count() -> dict[str, int]:
        with unit_of_work(runtime.read_sessions) as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (BuildResult, GithubDelivery, RedSpell)
            }

    return count


@pytest.fixture
def spells(runtime: Runtime) -> Callable[[], list[RedSpell]]:
    """Every red spell, oldest first, detached."""

    def read() -> list[RedSpell]:
        with unit_of_work(runtime.read_sessions) as session:
            found = list(session.scalars(select(RedSpell).order_by(RedSpell.id)))
            session.expunge_all()
            return found

    return read
