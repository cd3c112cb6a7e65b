"""`dutydesk user add --password-stdin`, `user password` and `user unlock`: web sign-in secrets and throttling."""

from __future__ import annotations

import io

import pytest
from sqlalchemy import select

from dutydesk.auth.models import User, WebSession
from dutydesk.auth.signin import sign_in
from dutydesk.auth.throttle import PER_ADDRESS, PER_NAME_AND_ADDRESS
from dutydesk.db import unit_of_work
from dutydesk.errors import Unauthorized


def typed(monkeypatch: pytest.MonkeyPatch, line: str) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO(line + "\n"))


def try_sign_in(runtime, username: str, password: str, address: str = "192.0.2.1") -> bool:
    with unit_of_work(runtime.sessions) as session:
        try:
            sign_in(session, username, password, runtime.clock.now(), client_host=address)
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


def test_unlock_lets_a_throttled_address_try_the_name_again_at_once(runtime, cli, monkeypatch):
    typed(monkeypatch, "a long passphrase")
    cli("user", "add", "alice", "--password-stdin")
    for _ in range(PER_NAME_AND_ADDRESS):
        assert not try_sign_in(runtime, "alice", "wrong guess!")
    assert not try_sign_in(runtime, "alice", "a long passphrase")  # throttled

    assert cli("user", "unlock", "alice").code == 0

    assert try_sign_in(runtime, "alice", "a long passphrase")


def test_unlock_with_an_address_lifts_that_address_s_throttle_for_every_name(
    runtime, cli, monkeypatch
):
    typed(monkeypatch, "a long passphrase")
    cli("user", "add", "alice", "--password-stdin")
    for number in range(PER_ADDRESS):
        try_sign_in(runtime, f"guess{number}", "wrong guess!", address="2001:db8::1")
    assert not try_sign_in(runtime, "alice", "a long passphrase", address="2001:db8::2")

    assert cli("user", "unlock", "alice", "--address", "2001:db8::1").code == 0

    assert try_sign_in(runtime, "alice", "a long passphrase", address="2001:db8::2")


def test_a_new_password_forgets_the_failed_sign_ins(runtime, cli, monkeypatch):
    typed(monkeypatch, "a long passphrase")
    cli("user", "add", "alice", "--password-stdin")
    for _ in range(PER_NAME_AND_ADDRESS):
        try_sign_in(runtime, "alice", "wrong guess!")

    typed(monkeypatch, "another long passphrase")
    assert cli("user", "password", "alice").code == 0

    assert try_sign_in(runtime, "alice", "another long passphrase")
