"""The body cap in a real `dutydesk serve`: a chunked body with no Content-Length is refused
with 413 once it passes DUTYDESK_MAX_BODY_BYTES, and one declaring too much is refused unread."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from bench.loopback import free_port

from tests.cli.test_serve import wait_for_uvicorn


@pytest.fixture
def served(tmp_path: Path) -> Iterator[int]:
    """A `dutydesk serve` capped at 4 KiB; yields its port."""
    env = {
        **os.environ,
        "DUTYDESK_DATABASE_URL": f"sqlite:///{tmp_path / 'served.sqlite3'}",
        "DUTYDESK_MAX_BODY_BYTES": "4096",
        "DUTYDESK_RUN_WORKER": "false",
    }
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "dutydesk", "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_for_uvicorn(server)
        yield port
    finally:
        server.terminate()
        server.communicate(timeout=30)


def exchange(port: int, head: bytes, chunks: list[bytes]) -> tuple[int, dict[str, str]]:
    """Send a request by hand and read the answer's status and JSON body."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(head)
        try:
            for chunk in chunks:
                connection.sendall(chunk)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before taking it all: that is the point
        answer = b""
        while b"\r\n\r\n" not in answer or not answer.endswith(b"}"):
            data = connection.recv(65536)
            if not data:
                break
            answer += data
    status_line, _, rest = answer.partition(b"\r\n")
    body = rest.partition(b"\r\n\r\n")[2]
    return int(status_line.split()[1]), json.loads(body)


def test_a_chunked_body_past_the_cap_is_refused(served: int):
    head = (
        b"POST /api/v1/alerts/1/notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
    )
    chunk = b"x" * 1024
    chunks = [b"%x\r\n%s\r\n" % (len(chunk), chunk)] * 64 + [b"0\r\n\r\n"]
    status, body = exchange(served, head, chunks)
    assert status == 413
    assert body == {
        "error": "too_large",
        "message": "the body is larger than 4 KiB (DUTYDESK_MAX_BODY_BYTES)",
    }


def test_a_body_declaring_too_much_is_refused_before_it_is_sent(served: int):
    head = (
        b"POST /v2/enqueue HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 104857600\r\nConnection: close\r\n\r\n"
    )
    status, body = exchange(served, head, [])  # not one byte of the 100 MB is sent
    assert status == 413
    assert body["error"] == "too_large"
