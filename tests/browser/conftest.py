"""Real-browser tests: `dutydesk serve` in its own process, driven by Chromium through Playwright.

Each test module gets its own server on a freshly seeded database (SQLite, and PostgreSQL when
DUTYDESK_TEST_DATABASE_URL is set), so a module's changes never reach another module. One
Chromium runs for the whole package; every test gets a new browser context (no shared cookies).
The server runs on the real clock, so tests work out who is on call from its API, never from
a hard-coded date.
"""

from __future__ import annotations

import contextlib
import io
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx2 as httpx
import pytest
from bench.loopback import free_port
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright
from sqlalchemy import create_engine, text

from dutydesk.cli import main as cli_main
from dutydesk.composition import bootstrap
from dutydesk.models import Base
from dutydesk.settings import Settings
from tests.conftest import BACKENDS, EXAMPLE_TEAM

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "a long browser-test password"
# Login name, role, the person on the team they are (examples/team.yaml).
USERS = (
    ("alice", "responder", "alice"),
    ("bob", "responder", "bob"),
    ("carol", "responder", "carol"),
    ("vera", "viewer", None),
    ("ada", "admin", None),
)
# The pages a responder uses most (forms included: only responders see them).
RESPONDER_PAGES = (
    "/",
    "/rotas",
    "/rotas/engineering",
    "/rotas/engineering?view=month",
    "/rotas/engineering/overrides",
    "/rotas/engineering/overrides/new",
    "/rotas/engineering/cover/new",
    "/swaps",
    "/swaps/new?rota=engineering",
    "/people",
    "/audit",
    "/alerts",
    "/alerts/1",  # the alert `seed` raises
    "/tickets",
    "/tickets/1",  # the ticket `seed` opens
    "/tickets/new",
    "/incidents",
    "/incidents/1",  # the incident `seed` declares, the alert and ticket linked
    "/incidents/1/document",
    "/incidents/2/review",  # the one it resolves: its review's form
    "/status-page",
    "/tasks",
    "/tasks/new",
    "/builds",
)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 375, "height": 740}
# How long the server may take to start, and any one browser action or expectation.
START_TIMEOUT_SECONDS = 60
ACTION_TIMEOUT_MS = 10_000
TEAM_ZONE = ZoneInfo("Europe/London")
# How lines the server logs on stderr start when something went wrong.
SERVER_ERRORS = ("ERROR", "CRITICAL", "Traceback")

expect.set_options(timeout=ACTION_TIMEOUT_MS)


@dataclass
class Server:
    """A running `dutydesk serve`: its address and an admin's API token to ask it questions."""

    url: str
    backend: str
    api_token: str
    # The server's database, read directly where nothing else shows a thing (mailed links).
    database_url: str = ""

    def api(self, method: str, path: str, **kwargs: Any) -> Any:
        """Call the JSON API as the admin; fails the test on an error answer."""
        answer = httpx.request(
            method,
            f"{self.url}{path}",
            headers={"Authorization": f"Bearer {self.api_token}"},
            timeout=10,
            **kwargs,
        )
        assert answer.is_success, f"{method} {path}: {answer.status_code} {answer.text}"
        return answer.json()

    def names(self) -> dict[str, str]:
        """Person id -> name, as the pages show people."""
        return {person["id"]: person["name"] for person in self.api("GET", "/api/v1/people")}

    def shifts(self, rota: str, start: datetime, end: datetime) -> list[dict[str, Any]]:
        """A rota's final schedule in [start, end), from the API."""
        params = {"from": start.isoformat(), "to": end.isoformat()}
        return list(self.api("GET", f"/api/v1/rotas/{rota}/shifts", params=params))


def run_cli(database_url: str, *args: str, stdin: str = "") -> str:
    """Run `dutydesk ARGS…` in this process (the real command line); returns its stdout."""
    runtime = bootstrap(Settings(database_url=database_url))
    out, err = io.StringIO(), io.StringIO()
    try:
        with (
            pytest.MonkeyPatch.context() as patch,
            contextlib.redirect_stdout(out),
            contextlib.redirect_stderr(err),
            pytest.raises(SystemExit) as exited,
        ):
            patch.setattr(sys, "stdin", io.StringIO(stdin))
            cli_main(list(args), runtime)
    finally:
        runtime.close()
    assert exited.value.code == 0, f"dutydesk {' '.join(args)}: {err.getvalue()}"
    return out.getvalue()


def seed(database_url: str) -> str:
    """The example team, an alert, a tenant with a ticket, an incident on them and another
    resolved, and a user for each role, made with the CLI; returns an admin token."""
    run_cli(database_url, "db", "upgrade")
    run_cli(database_url, "apply", str(EXAMPLE_TEAM))
    summary = "Disk almost full on db-1 (93%), writes may fail within the hour"
    run_cli(database_url, "alert", "trigger", "platform-api", "--summary", summary)
    # Not Acme or Globex, which the portal's tests add themselves.
    run_cli(database_url, "tenant", "add", "initech", "Initech", "--domain", "initech.example")
    run_cli(
        database_url,
        *("ticket", "open", "Deploys to eu-west fail with 502", "--from", "ops@initech.example"),
        *("--priority", "P2", "--body", "Since 09:00 every cf push fails.\nOur users see errors."),
    )
    run_cli(
        database_url,
        *("incident", "declare", "Platform API errors for tenants in eu-west"),
        *("--priority", "P2", "--alert", "1", "--ticket", "1", "--as", "alice"),
    )
    run_cli(database_url, "incident", "declare", "Router flapping", "--priority", "P3")
    run_cli(database_url, "incident", "status", "2", "resolved")
    for username, role, person in USERS:
        linked = ["--person", person] if person else []
        add = ["user", "add", username, "--role", role, *linked, "--password-stdin"]
        run_cli(database_url, *add, stdin=f"{PASSWORD}\n")
    return run_cli(database_url, "token", "create", "ada", "--name", "browser-tests").strip()


def empty_postgres(url: str) -> None:
    """Empty every table (the schema stays migrated), as tests/conftest.py does per test."""
    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    tables = ", ".join(t.name for t in Base.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
    engine.dispose()


@contextlib.contextmanager
def running_server(database_url: str, logs: Path, public_url: str | None = None) -> Iterator[str]:
    """`python -m dutydesk serve` on a free port until the block ends; yields its address.
    `public_url` is the address it puts in links (feeds, e-mails); by default its own."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    # Only the settings given here: nothing from the shell running the tests leaks in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUTYDESK_")} | {
        "DUTYDESK_DATABASE_URL": database_url,
        "DUTYDESK_BASE_URL": public_url or base,
        "DUTYDESK_LOG_LEVEL": "info",
    }
    server_log = logs / "server.log"
    with (logs / "access.log").open("w") as access_log, server_log.open("w") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "dutydesk", "serve", "--port", str(port)],
            env=env,
            stdout=access_log,
            stderr=subprocess.PIPE,
            text=True,
        )
        listening = threading.Event()
        exited = threading.Event()

        def follow_log() -> None:
            # Uvicorn says on stderr when it listens; keep reading so the pipe never fills.
            assert process.stderr is not None
            for line in process.stderr:
                log.write(line)
                log.flush()
                if "Uvicorn running on" in line:
                    listening.set()
            exited.set()
            listening.set()

        follower = threading.Thread(target=follow_log, daemon=True)
        follower.start()
        try:
            listening.wait(START_TIMEOUT_SECONDS)
            wait_until_healthy(base, exited, server_log)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            follower.join(timeout=5)
            assert process.stderr is not None
            process.stderr.close()


def wait_until_healthy(base: str, exited: threading.Event, server_log: Path) -> None:
    """Ask /healthz until it answers ok, the server exits, or the deadline passes."""
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while not exited.is_set() and time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/healthz", timeout=5).json() == {"status": "ok"}:
                return
        except httpx.TransportError:
            pass
        exited.wait(0.1)  # wakes at once if the server dies
    raise AssertionError(f"dutydesk serve did not become healthy:\n{server_log.read_text()}")


@pytest.fixture(scope="session")
def seeded_sqlite(
    sqlite_template: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, str]:
    """An SQLite file seeded once (seeding hashes five passwords); each module gets a copy.
    Returns the file and the admin's API token, which works in every copy."""
    path = tmp_path_factory.mktemp("seeded") / "seeded.sqlite3"
    shutil.copy(sqlite_template, path)
    return path, seed(f"sqlite:///{path}")


@pytest.fixture(scope="module", params=BACKENDS)
def server(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Server]:
    """A real server for this test module on a fresh database with the example team."""
    folder = tmp_path_factory.mktemp(f"server-{request.param}")
    if request.param == "sqlite":
        seeded, token = request.getfixturevalue("seeded_sqlite")
        path = folder / "dutydesk.sqlite3"
        shutil.copy(seeded, path)
        database_url = f"sqlite:///{path}"
    else:
        database_url = request.getfixturevalue("postgres_migrated")
        empty_postgres(database_url)
        token = seed(database_url)
    # A module can name the public address the pages show in links (the screenshots do).
    public_url = getattr(request.module, "PUBLIC_URL", None)
    with running_server(database_url, folder, public_url) as base:
        yield Server(url=base, backend=request.param, api_token=token, database_url=database_url)
    # A page can fail without a test looking at it (a 500 on a link followed): the log tells.
    logged = (folder / "server.log").read_text()
    errors = [line for line in logged.splitlines() if line.startswith(SERVER_ERRORS)]
    assert not errors, f"the server logged errors:\n{logged}"


@pytest.fixture(scope="package")
def chromium() -> Iterator[Browser]:
    """The system's Chromium, headless, shared by every browser test."""
    assert Path(CHROMIUM).exists(), f"no {CHROMIUM}: install it with `apt-get install chromium`"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM)
        yield browser
        browser.close()


@pytest.fixture
def new_context(chromium: Browser, server: Server) -> Iterator[Callable[..., BrowserContext]]:
    """`new_context(**options)`: a fresh browser profile (own cookies) pointed at the server."""
    opened: list[BrowserContext] = []

    def make(**options: Any) -> BrowserContext:
        context = chromium.new_context(**({"base_url": server.url, "viewport": DESKTOP} | options))
        context.set_default_timeout(ACTION_TIMEOUT_MS)
        opened.append(context)
        return context

    yield make
    for context in opened:
        context.close()


@pytest.fixture
def page(new_context: Callable[..., BrowserContext]) -> Page:
    """A tab in a fresh desktop-sized browser profile, signed out."""
    return new_context().new_page()


def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
    """Sign in through the form, as a person would, and wait for the dashboard."""
    page.goto("/sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1, name="Who is on support")).to_be_visible()


def mailed_portal_link(server: Server, email: str) -> str:
    """The newest portal sign-in link mailed to `email`, read from the server's outbox (the
    server mails nothing out in these tests: the message stays in the outbox, link and all)."""
    engine = create_engine(server.database_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as connection:
            mailed = connection.execute(
                text(
                    "SELECT text FROM outbox_messages WHERE destination = :email"
                    " AND idempotency_key LIKE 'portal-link-%' ORDER BY id DESC LIMIT 1"
                ),
                {"email": email},
            ).scalar()
    finally:
        engine.dispose()
    assert mailed is not None, f"no sign-in link mailed to {email}"
    return next(word for word in mailed.split() if "/portal/link?token=" in word)


def portal_sign_in(page: Page, server: Server, email: str) -> None:
    """Sign in to the tenant portal as a tenant does: ask for a link, follow it, confirm."""
    page.goto("/portal/")
    page.get_by_label("Your work e-mail address").fill(email)
    page.get_by_role("button", name="E-mail me a sign-in link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your e-mail")
    page.goto(mailed_portal_link(server, email))
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Sign in as {email}?")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("status")).to_have_text("You are signed in.")


def seed_portal_tenants(server: Server) -> dict[str, int]:
    """Acme (with Ann) and Globex (with Gus), a ticket each opened for them with an internal
    note and a public reply, through the API; returns the tickets' numbers by tenant."""
    numbers = {}
    for tenant, name, contact, subject in (
        ("acme", "Acme", "ann@acme.com", "Deploys fail with 502"),
        ("globex", "Globex", "gus@globex.com", "Database is slow"),
    ):
        server.api(
            "POST",
            "/api/v1/tenants",
            json={"id": tenant, "name": name, "domains": [f"{tenant}.com"]},
        )
        server.api(
            "POST",
            f"/api/v1/tenants/{tenant}/contacts",
            json={"email": contact, "name": name + " ops"},
        )
        ticket = server.api(
            "POST",
            "/api/v1/tickets",
            json={"subject": subject, "body": "Since this morning.", "requester_email": contact},
        )
        numbers[tenant] = ticket["id"]
        server.api("POST", f"/api/v1/tickets/{ticket['id']}/notes", json={"body": PORTAL_NOTE})
        server.api(
            "POST", f"/api/v1/tickets/{ticket['id']}/replies", json={"body": "We are looking."}
        )
    return numbers


# Only ever in internal notes: no portal page may show it.
PORTAL_NOTE = "INTERNAL: tenant on the churn list"


def next_monday(now: datetime) -> datetime:
    """Monday of next week, 00:00 in the team's zone: a week that has not started yet."""
    today = now.astimezone(TEAM_ZONE).replace(hour=0, minute=0, second=0, microsecond=0)
    return today + timedelta(days=7 - today.weekday())


@pytest.fixture(scope="module")
def published(server: Server) -> dict[str, str]:
    """Through Statuspage's management API with a key, as a script would: an open incident on
    two components, a resolved one, and maintenance next week. Returns their ids."""
    key = run_cli(
        server.database_url, "statuspage", "key", "create", "--user", "ada", "--name", "browser"
    ).strip().splitlines()[-1].strip()  # fmt: skip
    headers = {"Authorization": f"OAuth {key}"}

    def post(path: str, body: dict[str, object], method: str = "POST") -> dict[str, object]:
        answer = httpx.request(
            method, f"{server.url}/v1/pages/paas/{path}", json=body, headers=headers, timeout=10
        )
        assert answer.is_success, answer.text
        found: dict[str, object] = answer.json()
        return found

    past = post("incidents", {"incident": {
        "name": "Logs delayed", "status": "investigating", "body": "Logs arrive late.",
        "components": {"app-logs": "degraded_performance"}}})  # fmt: skip
    post(f"incidents/{past['id']}", {"incident": {
        "status": "resolved", "body": "Logs are on time again.",
        "components": {"app-logs": "operational"}}}, method="PATCH")  # fmt: skip
    open_ = post("incidents", {"incident": {
        "name": "Apps in eu-west return errors", "status": "identified",
        "body": "A faulty router deploy is being **rolled back**.",
        "components": {"app-traffic": "partial_outage", "cf-api": "degraded_performance"}}})  # fmt: skip
    start = (datetime.now(UTC) + timedelta(days=7)).replace(minute=0, second=0, microsecond=0)
    window = post("incidents", {"incident": {
        "name": "Database upgrade", "status": "scheduled", "body": "Deploys pause briefly.",
        "scheduled_for": start.isoformat(), "scheduled_until": (start + timedelta(hours=1)).isoformat(),
        "component_ids": ["cf-api"]}})  # fmt: skip
    return {"open": str(open_["id"]), "past": str(past["id"]), "window": str(window["id"])}
