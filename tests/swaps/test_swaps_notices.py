"""What swaps tell people: rows in the outbox, one per person and channel, never twice.

In the example team alice has an e-mail address and a Slack id; everyone else only e-mail.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage

THURSDAY = ("--from", "2026-01-15T12:00", "--until", "2026-01-15T15:00")


@pytest.fixture
def outbox(runtime):
    """(channel, destination, idempotency key) of every queued message, in order."""

    def read() -> list[tuple[str, str, str]]:
        with unit_of_work(runtime.read_sessions) as session:
            rows = session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))
            return [(m.channel, m.destination, m.idempotency_key) for m in rows]

    return read


@pytest.fixture
def texts(runtime):
    """Subject and text of the message with this idempotency key."""

    def read(key: str) -> tuple[str, str]:
        with unit_of_work(runtime.read_sessions) as session:
            message = session.scalar(
                select(OutboxMessage).where(OutboxMessage.idempotency_key == key)
            )
            assert message is not None, f"nothing queued as {key}"
            return message.subject, message.text

    return read


@pytest.fixture
def swap(cli, example_team):
    def run(*args: str) -> None:
        result = cli("swap", *args)
        assert result.code == 0, result.err

    return run


def test_an_offer_goes_to_each_colleague_on_each_of_their_channels(swap, outbox, texts):
    swap("request", "engineering", "--as", "bob", *THURSDAY, "--note", "dentist")
    assert outbox() == [
        ("email", "alice@example.org", "swap:1:offer:alice:email"),
        ("slack", "U01ALICE", "swap:1:offer:alice:slack"),
        ("email", "carol@example.org", "swap:1:offer:carol:email"),
    ]
    subject, text = texts("swap:1:offer:carol:email")
    assert subject == "Swap 1: can you cover bob on engineering?"
    assert text == (
        "bob asks for someone to cover their engineering shift,"
        " Thu 15 Jan 2026 12:00 – Thu 15 Jan 2026 15:00 (Europe/London).\n"
        "Note: dentist\n"
        "Take it: dutydesk swap take 1 --as carol\n"
        "Exchange it for one of yours of the same length:"
        " dutydesk swap exchange 1 --as carol --from … --until …\n"
        "Decline: dutydesk swap decline 1 --as carol"
    )


def test_the_requester_hears_of_an_acceptance(swap, outbox, texts):
    swap("request", "engineering", "--as", "bob", "--to", "carol", *THURSDAY)
    swap(
        "exchange",
        "1",
        "--as",
        "carol",
        "--from",
        "2026-01-20T12:00",
        "--until",
        "2026-01-20T15:00",
    )
    assert outbox()[-1] == ("email", "bob@example.org", "swap:1:accepted:email")
    assert texts("swap:1:accepted:email") == (
        "Swap 1 accepted by carol",
        "carol covers your engineering shift Thu 15 Jan 2026 12:00 – Thu 15 Jan 2026 15:00"
        " (Europe/London).\n"
        "In exchange you cover theirs: Tue 20 Jan 2026 12:00 – Tue 20 Jan 2026 15:00"
        " (Europe/London).",
    )


def test_the_requester_hears_of_each_decline(swap, outbox, texts):
    swap("request", "engineering", "--as", "bob", *THURSDAY)
    swap("decline", "1", "--as", "alice")
    swap("decline", "1", "--as", "carol")
    assert outbox()[-2:] == [
        ("email", "bob@example.org", "swap:1:declined:alice:email"),
        ("email", "bob@example.org", "swap:1:declined:carol:email"),
    ]
    assert texts("swap:1:declined:alice:email")[1].endswith("It is still open to the others.")
    assert texts("swap:1:declined:carol:email")[1].endswith(
        "Everyone it was offered to has declined: the request is closed."
    )


def test_a_cancel_tells_the_colleagues_still_considering_it(swap, outbox, texts):
    swap("request", "engineering", "--as", "bob", *THURSDAY)
    swap("decline", "1", "--as", "carol")
    swap("cancel", "1", "--as", "bob")
    assert outbox()[-2:] == [
        ("email", "alice@example.org", "swap:1:cancelled:alice:email"),
        ("slack", "U01ALICE", "swap:1:cancelled:alice:slack"),
    ]
    assert texts("swap:1:cancelled:alice:email") == (
        "Swap 1 withdrawn",
        "bob no longer needs cover on engineering for"
        " Thu 15 Jan 2026 12:00 – Thu 15 Jan 2026 15:00 (Europe/London).",
    )


def test_a_refused_answer_queues_nothing(cli, swap, outbox):
    swap("request", "engineering", "--as", "bob", "--to", "carol", *THURSDAY)
    queued = outbox()
    assert cli("swap", "take", "1", "--as", "alice").code == 2
    assert outbox() == queued
