"""No secret reaches the logs of a real `dutydesk serve`: each kind is issued the way an admin
issues it, used once the way a client uses it (and once the wrong way, in a query string or in
the wrong letter case), and then the whole of the server's output is searched for it."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx2 as httpx
from bench.loopback import free_port

from dutydesk.escalation.links import ActionLink, sign_action
from tests.conftest import EXAMPLE_TEAM

SECRET_KEY = "a-test-secret-key-" + "x" * 32
PASSWORD = "a long sign-in passphrase"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


def test_no_secret_of_any_kind_is_logged(tmp_path: Path):
    env = {
        **os.environ,
        "DUTYDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "DUTYDESK_SECRET_KEY": SECRET_KEY,
        "DUTYDESK_LOG_LEVEL": "debug",
    }
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env["DUTYDESK_BASE_URL"] = base
    cli = [sys.executable, "-m", "dutydesk"]
    run = {"env": env, "capture_output": True, "text": True, "check": True}

    def issue(*args: str, stdin: str | None = None) -> str:
        return subprocess.run([*cli, *args], input=stdin, **run).stdout.strip()  # type: ignore[call-overload,no-any-return]

    subprocess.run([*cli, "db", "upgrade"], **run)
    issue("apply", str(EXAMPLE_TEAM))
    issue(
        "user",
        "add",
        "alice",
        "--role",
        "admin",
        "--person",
        "alice",
        "--password-stdin",
        stdin=PASSWORD,
    )
    api_token = issue("token", "create", "alice")
    integration_key = issue("integration", "add", "platform-api")
    ping_url = issue("heartbeat", "add", "status-checks", "nightly-backup", "--every", "1d")
    feed_url = issue("feed", "url", "--rota", "engineering")
    webhook_secret = issue("webhook", "secret", "https://hooks.example.org/dutydesk")
    action_token = sign_action(
        SECRET_KEY,
        ActionLink(1, "acknowledge", "alice", datetime.now(UTC) + timedelta(hours=1)),
    )
    ping_token = ping_url.rsplit("/", 1)[1]
    feed_path = feed_url.removeprefix(base)
    feed_token = feed_path.rsplit("/", 1)[1].removesuffix(".ics")

    out_path, err_path = tmp_path / "stdout.log", tmp_path / "stderr.log"
    with out_path.open("w") as out, err_path.open("w") as err_file:
        server = subprocess.Popen(
            [*cli, "serve", "--port", str(port)],
            env=env,
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
        )
        started: list[str] = []
        try:
            assert server.stderr is not None
            for line in server.stderr:
                started.append(line)
                if "Uvicorn running on" in line:
                    break
            with httpx.Client(base_url=base) as client:
                session_cookie = use_every_secret(
                    client,
                    api_token=api_token,
                    integration_key=integration_key,
                    ping_token=ping_token,
                    feed_path=feed_path,
                    feed_token=feed_token,
                    action_token=action_token,
                    webhook_secret=webhook_secret,
                )
        finally:
            server.terminate()
            _, rest = server.communicate(timeout=30)
            err_file.write("".join(started) + (rest or ""))
    logged = out_path.read_text() + err_path.read_text()

    assert "GET /api/v1/oncall?token=… " in logged  # the access log is there, redacted
    secrets = {
        "API token": api_token,
        "integration key": integration_key,
        "heartbeat token": ping_token,
        "feed secret": feed_token,
        "action link": action_token,
        "session cookie": session_cookie,
        "webhook secret": webhook_secret,
        "password": PASSWORD,
    }
    for kind, secret in secrets.items():
        assert len(secret) >= 16, kind
        assert secret not in logged, f"the {kind} is in the log"
        # Nor a recognisable part of one (a log line cut short, an encoded form).
        assert secret[:16] not in logged, f"the start of the {kind} is in the log"


def use_every_secret(
    client: httpx.Client,
    *,
    api_token: str,
    integration_key: str,
    ping_token: str,
    feed_path: str,
    feed_token: str,
    action_token: str,
    webhook_secret: str,
) -> str:
    """Each secret used as meant (the answer shows it worked) and as it should not be (in a
    query, in another letter case); returns the session cookie signing in gave."""
    bearer = {"Authorization": f"Bearer {api_token}"}
    assert client.get("/api/v1/oncall", headers=bearer).status_code == 200
    assert client.get("/api/v1/oncall", params={"token": api_token}).status_code == 401
    assert client.get("/api/v1/oncall", params={"api_key": api_token, "at": "x"}).status_code

    event = {
        "routing_key": integration_key,
        "event_action": "trigger",
        "payload": {"summary": "disk full", "source": "db-1", "severity": "critical"},
    }
    assert client.post("/v2/enqueue", json=event).status_code == 202
    assert client.post(f"/v2/enqueue?routing_key={integration_key}", json=event).status_code
    generic = {"summary": "queue backed up", "status": "firing"}
    assert client.post(f"/hooks/generic/{integration_key}", json=generic).status_code < 500
    assert client.post(f"/HOOKS/generic/{integration_key}", json=generic).status_code == 404

    assert client.get(f"/hooks/heartbeat/{ping_token}").status_code == 200
    assert client.post(f"/Hooks/Heartbeat/{ping_token}").status_code == 404

    assert client.get(feed_path).text.startswith("BEGIN:VCALENDAR")
    assert client.get(feed_path.removesuffix(".ics") + ".ICS").status_code == 404
    assert client.get(feed_path, params={"token": feed_token}).status_code == 200

    assert client.get(f"/act/{action_token}", headers={"accept": "text/html"}).status_code < 500
    assert client.get(f"/ACT/{action_token}").status_code == 404

    # A webhook secret is what a receiver verifies signatures with; one pasted into a URL by
    # mistake must not be kept either.
    assert client.get("/api/v1/oncall", params={"webhook_secret": webhook_secret}).status_code
    assert client.get("/healthz", params={"signature": webhook_secret}).status_code == 200

    form = client.get("/sign-in", headers={"accept": "text/html"})
    found = _CSRF.search(form.text)
    assert found is not None
    signed_in = client.post(
        "/sign-in",
        data={"csrf_token": found.group(1), "username": "alice", "password": PASSWORD},
        headers={"accept": "text/html"},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303, signed_in.text
    session_cookie = signed_in.cookies["dutydesk_session"]
    assert client.get("/", headers={"accept": "text/html"}).status_code == 200
    assert client.get("/alerts", params={"session": session_cookie}).status_code < 500
    return session_cookie
