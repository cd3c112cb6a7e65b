"""`dutydesk mail receive`, as an MTA pipes a message into it: sysexits codes an MTA acts on."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dutydesk.db import unit_of_work
from dutydesk.tickets import service
from tests.tickets.test_intake import mail

EXAMPLE_TEAM = Path(__file__).resolve().parents[2] / "examples" / "team.yaml"


def pipe(database_url: str, raw: bytes) -> subprocess.CompletedProcess[bytes]:
    environment = {**os.environ, "DUTYDESK_DATABASE_URL": database_url}
    return subprocess.run(
        [sys.executable, "-m", "dutydesk", "mail", "receive"],
        input=raw,
        env=environment,
        capture_output=True,
        check=False,
    )


def test_a_piped_message_becomes_a_ticket_and_exits_0(database_url, runtime, example_team):
    done = pipe(database_url, mail())
    assert done.returncode == 0, done.stderr
    assert done.stdout.decode().startswith("ticket #1: opened")
    with unit_of_work(runtime.read_sessions) as session:
        assert service.get_ticket(session, 1).subject == "Deploys fail"
    again = pipe(database_url, mail())
    assert (again.returncode, again.stdout.decode().split(":")[0]) == (0, "duplicate #1")


def test_what_is_not_a_message_goes_back_to_the_sender_with_65(database_url, example_team):
    done = pipe(database_url, b"")
    assert done.returncode == 65
    assert done.stderr.decode().startswith("refused: ")


def test_an_unavailable_database_asks_the_mta_to_try_again_with_75(tmp_path):
    missing = "postgresql+psycopg://nobody@127.0.0.1:9/none?connect_timeout=2"
    done = pipe(missing, mail())
    assert done.returncode == 75, done.stderr
    assert done.stderr.decode().count("\n") == 1
