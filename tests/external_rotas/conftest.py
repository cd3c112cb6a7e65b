"""What the external rotas' tests share: a feed server per test, and the people of their team
files (alice, bob and carol, by the e-mails feeds name them with)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.external_rotas.feed_server import FeedServer, feed_server

# The `people:` of the tests' team files, as YAML.
PEOPLE = """people:
  - {id: alice, name: Alice Archer, email: alice@example.org}
  - {id: bob, name: Bob Brown, email: bob@example.org}
  - {id: carol, name: Carol Chen, email: carol@example.org}
"""


@pytest.fixture
def server() -> Iterator[FeedServer]:
    """A real HTTP server on loopback whose paths the test scripts."""
    with feed_server() as started:
        yield started
