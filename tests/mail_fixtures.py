"""Fixtures with a real IMAP server (Dovecot) that tenant mail is fetched from: one server per
pytest process, a fresh account (and so an empty mailbox) per test. A pytest plugin of
tests/conftest.py."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mailin.dovecot import Account, DovecotServer, start_dovecot


@pytest.fixture(scope="session")
def dovecot() -> Iterator[DovecotServer]:
    """A running Dovecot on loopback (IMAP with STARTTLS, and IMAPS), shared by a session."""
    server = start_dovecot()
    yield server
    server.stop()


@pytest.fixture
def imap_account(dovecot: DovecotServer) -> Account:
    """An account of its own on the Dovecot, with an empty INBOX."""
    return dovecot.add_account()
