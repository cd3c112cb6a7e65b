"""`dutydesk user add --password-stdin`, `user password` and `user unlock`: web sign-in secrets."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from sqlalchemy import select

from dutydesk.auth.models import User, WebSession
from dutydesk.auth.signin import MAX_FAILED_SIGNINS, sign_in
from dutydesk.db import unit_of_work
from dutydesk.errors import Unauthorized


def typed(monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))


def try_sign_in(runtime, username: str, password: str) -> bool:
    with unit_of_work(runtime.sessions) as session:
        try:
            sign_in(session, username, password, runtime.clock.now())
        except Unauthorized:
            return False
        finally:
            session.commit()
    return True


def test_a_password_given_on_stdin_is_stored_as_an_argon2_hash(runtime, cli, monkeypatch):
    typed(monkeypatch, "a long passphrase")
    assert cli("user", "add", "alice", "--password-stdin").code == 0
    with unit_of_work(runtime.read_sessions) as session:
        stored = session.scalar(select(User.password_hash).where(User.username == "alice"))
    assert stored is not None
    assert stored.startswith("$argon2id$")
    assert "a long passphrase" not in stored
    assert try_sign_in(runtime, "alice", "a long passphrase")


def test_a_new_password_replaces_the_old_and_ends_every_session(runtime, cli, monkeypatch):
    typed(monkeypatch, "the first passphrase")
    cli("user", "add", "alice", "--password-stdin")
    assert try_sign_in(runtime, "alice", "the first passphrase")

    typed(monkeypatch, "the second passphrase")
    result = cli("user", "password", "alice")

    assert result.code == 0, result.err
    assert not try_sign_in(runtime, "alice", "the first passphrase")
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalars(select(WebSession)).all() == []
    assert try_sign_in(runtime, "alice", "the second passphrase")


def test_a_short_password_is_refused_and_the_old_one_kept(runtime, cli, monkeypatch):
    typed(monkeypatch, "the first passphrase")
    cli("user", "add", "alice", "--password-stdin")
    typed(monkeypatch, "short")

    result = cli("user", "password", "alice")

    assert result.code == 2
    assert result.err == "dutydesk: error: password: at least 10 characters\n"
    assert try_sign_in(runtime, "alice", "the first passphrase")


def test_a_password_for_nobody_is_a_one_line_error(cli, monkeypatch):
    typed(monkeypatch, "a long passphrase")
    result = cli("user", "password", "ghost")
    assert result.code == 2
    assert "ghost" in result.err
    assert result.err.count("\n") == 1


def test_unlock_lifts_a_lock_out_at_once(runtime, clock, cli, monkeypatch):
    typed(monkeypatch, "a long passphrase")
    cli("user", "add", "alice", "--password-stdin")
    for _ in range(MAX_FAILED_SIGNINS):
        assert not try_sign_in(runtime, "alice", "wrong guess!")
    clock.advance(timedelta(minutes=1))
    assert not try_sign_in(runtime, "alice", "a long passphrase")  # locked

    assert cli("user", "unlock", "alice").code == 0

    assert try_sign_in(runtime, "alice", "a long passphrase")
