"""The demo mailbox: `dutydesk serve` runs it in the same process (one Ctrl-C stops the web
pages, the worker and the mailbox), e-mail goes there when no SMTP server is set, and what it
keeps is read back with its envelope."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import httpx2 as httpx
import pytest
from bench.loopback import free_port

from dutydesk.errors import Invalid
from dutydesk.mailbox.catcher import start_catcher
from dutydesk.mailbox.store import deliver, received, smtp_url
from dutydesk.settings import Settings
from tests.cli.test_serve import wait_for_uvicorn
from tests.conftest import EXAMPLE_TEAM
from tests.worker_processes import wait_until

PASSWORD = "correct horse battery"


def refuses_connections(port: int) -> bool:
    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) != 0


def test_serve_catches_the_page_it_sends_and_one_interrupt_stops_everything(tmp_path: Path):
    mail_port, web_port = free_port(), free_port()
    maildir = tmp_path / "mail"
    env = {key: value for key, value in os.environ.items() if not key.startswith("DUTYDESK_")} | {
        "DUTYDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'demo.sqlite3'}",
        "DUTYDESK_PORT": str(web_port),
        "DUTYDESK_DEMO_MAILBOX": str(maildir),
        "DUTYDESK_DEMO_MAILBOX_PORT": str(mail_port),
        "DUTYDESK_WORKER_INTERVAL_SECONDS": "0.2",
    }
    cli = [sys.executable, "-m", "dutydesk"]
    run = {"env": env, "capture_output": True, "text": True, "check": True}
    subprocess.run([*cli, "db", "upgrade"], **run)
    subprocess.run([*cli, "apply", str(EXAMPLE_TEAM)], **run)
    subprocess.run(
        [*cli, "user", "add", "ada", "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
        **run,
    )
    server = subprocess.Popen(
        [*cli, "serve"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    try:
        wait_for_uvicorn(server)
        # Whoever is on call now (in hours or not) is paged by e-mail at once.
        subprocess.run([*cli, "alert", "trigger", "platform-api", "--summary", "Disk full"], **run)
        assert wait_until(lambda: len(received(maildir)) >= 1), "no e-mail reached the mailbox"

        base = f"http://127.0.0.1:{web_port}"
        with httpx.Client(base_url=base, headers={"accept": "text/html"}) as browser:
            form = browser.get("/sign-in").text
            token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form)
            assert token is not None
            signed_in = browser.post(
                "/sign-in",
                data={
                    "csrf_token": token.group(1),
                    "username": "ada",
                    "password": PASSWORD,
                    "next": "/",
                },
            )
            assert signed_in.status_code in (200, 303), signed_in.text
            listed = browser.get("/mailbox")
        assert listed.status_code == 200
        assert "Disk full" in listed.text
        assert "@example.org" in listed.text
        # The action links in the e-mail point where this server listens.
        assert f"http://127.0.0.1:{web_port}/act/" in listed.text
    finally:
        server.send_signal(signal.SIGINT)  # Ctrl-C
        server.wait(timeout=30)
        assert server.stderr is not None
        logged = server.stderr.read()
        server.stderr.close()
    # uvicorn ends on the signal it was sent, as a shell expects of a program interrupted.
    assert server.returncode in (0, 130), logged
    assert "Traceback" not in logged
    assert refuses_connections(mail_port)


def test_e_mail_goes_to_the_demo_mailbox_only_when_no_smtp_server_is_set(tmp_path):
    assert smtp_url(Settings(demo_mailbox=None)) is None
    on = Settings(demo_mailbox=str(tmp_path), demo_mailbox_port=2525)
    assert smtp_url(on) == "smtp://127.0.0.1:2525"
    both = Settings(demo_mailbox=str(tmp_path), smtp_url="smtp://mail.example.org:587")
    assert smtp_url(both) == "smtp://mail.example.org:587"


def test_the_envelope_is_kept_even_for_recipients_the_headers_do_not_name(tmp_path):
    content = (
        b"From: Dutydesk <dutydesk@localhost>\r\nTo: alice@example.org\r\n"
        b"Subject: =?utf-8?q?Caf=C3=A9_on_fire?=\r\n\r\nLine one\r\n<b>two</b>\r\n"
    )
    deliver(tmp_path, "dutydesk@localhost", ["alice@example.org", "audit@example.org"], content)

    [mail] = received(tmp_path)

    assert mail.sender == "dutydesk@localhost"
    assert mail.recipients == ["alice@example.org", "audit@example.org"]
    assert mail.subject == "Café on fire"
    assert mail.body == "Line one\n<b>two</b>\n"


def test_a_port_already_in_use_is_a_one_line_error(tmp_path):
    settings = Settings(demo_mailbox=str(tmp_path / "mail"), demo_mailbox_port=free_port())
    first = start_catcher(settings)
    try:
        with pytest.raises(Invalid) as raised:
            start_catcher(settings)
    finally:
        first.stop()
    assert raised.value.message.startswith("DUTYDESK_DEMO_MAILBOX_PORT: cannot receive mail on")
    assert "\n" not in raised.value.message
