"""`dutydesk serve` as a new user runs it: a real process, migrations on start, HTTP on a port."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
from bench.loopback import free_port

from tests.conftest import EXAMPLE_TEAM


def wait_for_uvicorn(server: subprocess.Popen[str]) -> None:
    """Until the server says it is listening; uvicorn says so on stderr, so reading blocks until
    it does (or the process dies)."""
    assert server.stderr is not None
    for line in server.stderr:
        if "Uvicorn running on" in line:
            return
    raise AssertionError("the server exited before it was ready")


def test_serve_migrates_an_empty_database_and_answers_with_a_token(tmp_path: Path):
    env = {**os.environ, "DUTYDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'fresh.sqlite3'}"}
    port = free_port()
    access_log = tmp_path / "access.log"
    access_log_file = access_log.open("w")
    server = subprocess.Popen(
        [sys.executable, "-m", "dutydesk", "serve", "--port", str(port)],
        env=env,
        stdout=access_log_file,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_uvicorn(server)
        cli = [sys.executable, "-m", "dutydesk"]
        run = {"env": env, "capture_output": True, "text": True, "check": True}
        subprocess.run([*cli, "apply", str(EXAMPLE_TEAM)], **run)
        subprocess.run([*cli, "user", "add", "ops", "--role", "viewer"], **run)
        token = subprocess.run([*cli, "token", "create", "ops"], **run).stdout.strip()
        base = f"http://127.0.0.1:{port}"
        assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
        assert httpx.get(f"{base}/api/v1/oncall").status_code == 401
        answer = httpx.get(
            f"{base}/api/v1/oncall",
            params={"at": "2026-01-14T10:00"},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert answer.status_code == 200
        assert [(r["rota"], r["person"]) for r in answer.json()] == [
            ("engineering", "bob"),
            ("comms", "erin"),
            ("escalation", "carol"),
        ]
        feed_url = subprocess.run([*cli, "feed", "url", "--rota", "engineering"], **run).stdout
        feed_path = feed_url.strip().removeprefix("http://127.0.0.1:8000")
        secret = feed_path.rsplit("/", 1)[1].removesuffix(".ics")
        assert httpx.get(f"{base}{feed_path}").text.startswith("BEGIN:VCALENDAR")
    finally:
        server.terminate()
        server.wait(timeout=10)
        if server.stderr is not None:
            server.stderr.close()
        access_log_file.close()
    logged = access_log.read_text()
    assert "GET /ical/rotas/engineering/….ics" in logged
    assert secret not in logged


def start_serve(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    server = subprocess.Popen(
        [sys.executable, "-m", "dutydesk", "serve", *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    wait_for_uvicorn(server)
    return server


def stop(server: subprocess.Popen[str]) -> None:
    server.terminate()
    server.wait(timeout=10)
    if server.stderr is not None:
        server.stderr.close()


def address_env(tmp_path: Path, **settings: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DUTYDESK_HOST", "DUTYDESK_PORT", "DUTYDESK_BASE_URL")
    }
    return env | {"DUTYDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'port.sqlite3'}"} | settings


def feed_urls(env: dict[str, str], base: str) -> tuple[str, str]:
    """The engineering feed URL as the CLI and as the API of the server at `base` give it."""
    cli = [sys.executable, "-m", "dutydesk"]
    run = {"env": env, "capture_output": True, "text": True, "check": True}
    subprocess.run([*cli, "apply", str(EXAMPLE_TEAM)], **run)
    subprocess.run([*cli, "user", "add", "ops", "--role", "viewer"], **run)
    token = subprocess.run([*cli, "token", "create", "ops"], **run).stdout.strip()
    from_cli = subprocess.run([*cli, "feed", "url", "--rota", "engineering"], **run).stdout.strip()
    from_api = httpx.get(
        f"{base}/api/v1/rotas/engineering/feed", headers={"Authorization": f"Bearer {token}"}
    ).json()["url"]
    return from_cli, from_api


def test_the_port_setting_alone_moves_every_link(tmp_path: Path):
    port = free_port()
    env = address_env(tmp_path, DUTYDESK_PORT=str(port))
    server = start_serve(env)
    try:
        base = f"http://127.0.0.1:{port}"
        from_cli, from_api = feed_urls(env, base)
        assert from_cli == from_api
        assert from_api.startswith(f"{base}/ical/rotas/engineering/")
        assert httpx.get(from_api).text.startswith("BEGIN:VCALENDAR")
    finally:
        stop(server)


def test_serve_port_option_moves_the_links_it_gives(tmp_path: Path):
    port = free_port()
    env = address_env(tmp_path)
    server = start_serve(env, "--port", str(port))
    try:
        _, from_api = feed_urls(env, f"http://127.0.0.1:{port}")
        assert from_api.startswith(f"http://127.0.0.1:{port}/ical/rotas/engineering/")
    finally:
        stop(server)


def test_a_given_base_url_is_kept_whatever_the_port(tmp_path: Path):
    port = free_port()
    env = address_env(tmp_path, DUTYDESK_BASE_URL="https://duty.example.org")
    server = start_serve(env, "--port", str(port))
    try:
        from_cli, from_api = feed_urls(env, f"http://127.0.0.1:{port}")
        assert from_cli.startswith("https://duty.example.org/ical/")
        assert from_api.startswith("https://duty.example.org/ical/")
    finally:
        stop(server)
