"""`dutydesk swap …` on the example team: request, take, exchange, decline, cancel.

The clock stands at Wednesday 2026-01-14 10:00Z. Engineering (Mon-Fri 09:30-17:30 London, UTC
in January) is bob's this week, carol's next (19-23 Jan) and alice's the week after.
"""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path

import pytest
import yaml
from sqlalchemy import func, select

from dutydesk.audit.models import AuditEntry
from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.overrides.models import Override
from dutydesk.swaps.models import SwapRequest
from dutydesk.terminal import cli_actor

THURSDAY = ("--from", "2026-01-15T12:00", "--until", "2026-01-15T15:00")
WEEKS = ("--from", "2026-01-12", "--to", "2026-02-02")


@pytest.fixture
def swap_cli(cli, example_team):
    """`dutydesk ARGS… --json` that must succeed, parsed."""

    def run(*args: str):
        result = cli(*args, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)

    return run


@pytest.fixture
def counts(runtime):
    """How many swaps, overrides, audit entries and outbox messages there are."""

    def count() -> dict[str, int]:
        with unit_of_work(runtime.read_sessions) as session:
            return {
                model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
                for model in (SwapRequest, Override, AuditEntry, OutboxMessage)
            }

    return count


def schedule(swap_cli):
    return [
        (s["person"], s["from"], s["until"]) for s in swap_cli("schedule", "engineering", *WEEKS)
    ]


def test_a_taken_swap_puts_the_taker_on_call_and_moves_nobody_else(swap_cli):
    before = schedule(swap_cli)
    made = swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY, "--note", "dentist")
    assert (made["status"], made["offered_to"], made["offered_to_rota"]) == (
        "open",
        ["alice", "carol"],
        True,
    )
    taken = swap_cli("swap", "take", str(made["id"]), "--as", "carol")
    assert (taken["status"], taken["kind"], taken["taker"]) == ("accepted", "take", "carol")
    assert len(taken["overrides"]) == 1

    who = swap_cli("who", "engineering", "--at", "2026-01-15T13:00")
    assert (who[0]["person"], who[0]["source"]) == ("carol", "override")
    after = schedule(swap_cli)
    thursday = [
        ("bob", "2026-01-15T09:30:00Z", "2026-01-15T12:00:00Z"),
        ("carol", "2026-01-15T12:00:00Z", "2026-01-15T15:00:00Z"),
        ("bob", "2026-01-15T15:00:00Z", "2026-01-15T17:30:00Z"),
    ]
    assert [s for s in after if s not in thursday] == [
        s for s in before if s != ("bob", "2026-01-15T09:30:00Z", "2026-01-15T17:30:00Z")
    ]
    assert [s for s in after if s[1].startswith("2026-01-15")] == thursday


def test_an_exchange_swaps_two_shifts_of_the_same_length(swap_cli):
    made = swap_cli(
        "swap", "request", "engineering", "--as", "bob", "--from", "2026-01-15T09:30",
        "--until", "2026-01-15T17:30", "--to", "carol",
    )  # fmt: skip
    assert made["offered_to"] == ["carol"]
    done = swap_cli(
        "swap", "exchange", str(made["id"]), "--as", "carol",
        "--from", "2026-01-20T09:30", "--until", "2026-01-20T17:30",
    )  # fmt: skip
    assert (done["status"], done["kind"], done["give_back_from"], done["give_back_until"]) == (
        "accepted",
        "exchange",
        "2026-01-20T09:30:00Z",
        "2026-01-20T17:30:00Z",
    )
    assert len(done["overrides"]) == 2
    assert swap_cli("who", "engineering", "--at", "2026-01-15T12:00")[0]["person"] == "carol"
    assert swap_cli("who", "engineering", "--at", "2026-01-20T12:00")[0]["person"] == "bob"
    assert swap_cli("who", "engineering", "--at", "2026-01-21T12:00")[0]["person"] == "carol"


def test_swap_list_shows_open_requests_by_rota(swap_cli):
    first = swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    second = swap_cli(
        "swap", "request", "engineering", "--as", "bob",
        "--from", "2026-01-16T09:30", "--until", "2026-01-16T12:00",
    )  # fmt: skip
    swap_cli("swap", "cancel", str(first["id"]), "--as", "bob")
    assert [s["id"] for s in swap_cli("swap", "list")] == [first["id"], second["id"]]
    assert [s["id"] for s in swap_cli("swap", "list", "--open")] == [second["id"]]
    assert swap_cli("swap", "list", "comms") == []


def test_the_table_names_offers_and_declines(cli, swap_cli):
    made = swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    assert cli("swap", "decline", str(made["id"]), "--as", "alice").code == 0
    shown = cli("swap", "list")
    assert shown.code == 0
    # Rich wraps cells to the terminal's width, so look at the words.
    words = shown.out.split()
    assert {"Swap", "requests", "(Europe/London)", "alice", "(no),", "carol", "open"} <= set(words)
    swap_cli("swap", "take", str(made["id"]), "--as", "carol")
    assert {"take", "by", "carol"} <= set(cli("swap", "list").out.split())


def test_human_output_says_what_happened(cli, example_team):
    made = cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    assert made.code == 0, made.err
    assert made.out.strip().startswith("Swap 1 offered to alice, carol. engineering: bob's")
    taken = cli("swap", "take", "1", "--as", "carol")
    assert taken.out.strip() == (
        "carol took swap 1. engineering: bob's Thu 15 Jan 2026 12:00 – Thu 15 Jan 2026 15:00"
        " (Europe/London), accepted."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ("engineering", "--as", "alice", *THURSDAY),
            "alice is not on call on engineering for all of that window: bob is on call"
            " Thu 15 Jan 2026 12:00 – Thu 15 Jan 2026 15:00 (Europe/London)",
        ),
        (
            (
                "engineering",
                "--as",
                "bob",
                "--from",
                "2026-01-15T17:00",
                "--until",
                "2026-01-15T18:00",
            ),
            "bob is not on call on engineering for all of that window: nobody is on call"
            " Thu 15 Jan 2026 17:30 – Thu 15 Jan 2026 18:00 (Europe/London)",
        ),
        (
            (
                "engineering",
                "--as",
                "bob",
                "--from",
                "2026-01-14T09:30",
                "--until",
                "2026-01-14T12:00",
            ),
            "from: the window must start in the future (2026-01-14T09:30:00+00:00 has passed)",
        ),
        (
            (
                "engineering",
                "--as",
                "bob",
                "--from",
                "2026-01-15T15:00",
                "--until",
                "2026-01-15T12:00",
            ),
            "'from' (2026-01-15T15:00:00+00:00) must be before 'until' (2026-01-15T12:00:00+00:00)",
        ),
        (("engineering", "--as", "zed", *THURSDAY), "as: no person 'zed' in the team"),
        (
            ("enginering", "--as", "bob", *THURSDAY),
            "no rota 'enginering' (rotas: engineering, comms, escalation)",
        ),
        (
            ("engineering", "--as", "bob", "--to", "dan", *THURSDAY),
            "to: dan is not on the engineering rota (its members: alice, bob, carol)",
        ),
        (
            ("engineering", "--as", "bob", "--to", "bob", *THURSDAY),
            "to: you cannot offer a swap to yourself",
        ),
        (
            ("engineering", "--as", "bob", "--to", "zed", *THURSDAY),
            "to: no person 'zed' in the team",
        ),
        (
            ("engineering", "--as", "bob", "--from", "tomorrow", "--until", "2026-01-15T15:00"),
            "--from: 'tomorrow' is not a time; use ISO 8601 like 2026-03-29T09:30 (team local time) or 2026-03-29T08:30Z",
        ),
    ],
    ids=[
        "not the holder",
        "past covered hours",
        "in the past",
        "backwards",
        "unknown requester",
        "unknown rota",
        "not a member",
        "to yourself",
        "unknown colleague",
        "not a time",
    ],
)
def test_a_bad_request_is_refused_clearly_and_changes_nothing(
    cli, example_team, counts, args, message
):
    before = counts()
    result = cli("swap", "request", *args)
    assert (result.code, result.err.strip()) == (2, f"dutydesk: error: {message}")
    assert counts() == before


def test_a_second_request_for_the_same_time_is_refused(cli, swap_cli, counts):
    swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    before = counts()
    again = cli(
        "swap",
        "request",
        "engineering",
        "--as",
        "bob",
        "--from",
        "2026-01-15T14:00",
        "--until",
        "2026-01-15T16:00",
    )
    assert (
        again.err.strip()
        == "dutydesk: error: swap 1 already asks for cover for part of that window"
    )
    assert counts() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("take", "1", "--as", "alice"), "swap 1 was not offered to alice"),
        (("take", "1", "--as", "bob"), "swap 1 is your own request; cancel it instead"),
        (
            ("take", "1", "--as", "dan"),
            "dan is not on the engineering rota, so cannot cover its shifts",
        ),
        (("take", "1", "--as", "zed"), "as: no person 'zed' in the team"),
        (("take", "9", "--as", "carol"), "no swap request 9"),
        (("decline", "1", "--as", "alice"), "swap 1 was not offered to alice"),
        (("cancel", "1", "--as", "carol"), "only bob, who asked, can cancel swap 1"),
        (
            (
                "exchange",
                "1",
                "--as",
                "carol",
                "--from",
                "2026-01-20T09:30",
                "--until",
                "2026-01-20T17:00",
            ),
            "an exchange gives back exactly the same length: swap 1 is 3h, the give-back window is 7h 30m",
        ),
        (
            (
                "exchange",
                "1",
                "--as",
                "carol",
                "--from",
                "2026-01-27T09:30",
                "--until",
                "2026-01-27T12:30",
            ),
            "carol is not on call on engineering for all of the give-back window: alice is on call"
            " Tue 27 Jan 2026 09:30 – Tue 27 Jan 2026 12:30 (Europe/London)",
        ),
        (
            (
                "exchange",
                "1",
                "--as",
                "carol",
                "--from",
                "2026-01-15T13:00",
                "--until",
                "2026-01-15T16:00",
            ),
            "from: the give-back window overlaps the window of the swap",
        ),
        (
            (
                "exchange",
                "1",
                "--as",
                "carol",
                "--from",
                "2026-01-13T09:30",
                "--until",
                "2026-01-13T12:30",
            ),
            "from: the give-back window must start in the future",
        ),
    ],
    ids=[
        "take, not offered",
        "take your own",
        "take, not on the rota",
        "take, unknown person",
        "take, no such swap",
        "decline, not offered",
        "cancel someone else's",
        "exchange of another length",
        "exchange of a shift the taker does not hold",
        "exchange overlapping the window",
        "exchange in the past",
    ],
)
def test_a_bad_answer_is_refused_clearly_and_changes_nothing(cli, swap_cli, counts, args, message):
    swap_cli("swap", "request", "engineering", "--as", "bob", "--to", "carol", *THURSDAY)
    before = counts()
    result = cli("swap", *args)
    assert (result.code, result.err.strip()) == (2, f"dutydesk: error: {message}")
    assert counts() == before
    assert swap_cli("swap", "list")[0]["status"] == "open"


def test_a_taker_already_on_call_in_the_window_is_refused(cli, swap_cli, counts):
    swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    # After the request, carol was put on for an hour of it by hand.
    assert (
        cli(
            "override",
            "add",
            "engineering",
            "-p",
            "carol",
            "--from",
            "2026-01-15T13:00",
            "--until",
            "2026-01-15T14:00",
        ).code
        == 0
    )
    before = counts()
    result = cli("swap", "take", "1", "--as", "carol")
    assert result.err.strip() == (
        "dutydesk: error: carol is already on call on engineering during swap 1:"
        " Thu 15 Jan 2026 13:00 – Thu 15 Jan 2026 14:00 (Europe/London)"
    )
    assert counts() == before


def test_a_requester_who_no_longer_holds_the_window_cannot_be_covered(cli, swap_cli, counts):
    swap_cli("swap", "request", "engineering", "--as", "bob", "--to", "carol", *THURSDAY)
    assert (
        cli(
            "override",
            "add",
            "engineering",
            "-p",
            "alice",
            "--from",
            "2026-01-15T14:00",
            "--until",
            "2026-01-15T15:00",
        ).code
        == 0
    )
    before = counts()
    result = cli("swap", "take", "1", "--as", "carol")
    assert result.err.strip() == (
        "dutydesk: error: bob is not on call on engineering for all of the swap's window:"
        " alice is on call Thu 15 Jan 2026 14:00 – Thu 15 Jan 2026 15:00 (Europe/London)"
    )
    assert counts() == before


def test_an_answered_swap_cannot_be_answered_again(cli, swap_cli, counts):
    swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    swap_cli("swap", "take", "1", "--as", "carol")
    before = counts()
    for args in (
        ("take", "1", "--as", "alice"),
        ("decline", "1", "--as", "alice"),
        ("cancel", "1", "--as", "bob"),
    ):
        result = cli("swap", *args)
        assert result.err.strip() == "dutydesk: error: swap 1 is accepted, not open"
    assert counts() == before


def test_a_swap_whose_window_has_started_cannot_be_taken(cli, swap_cli, clock, counts):
    swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    clock.advance(timedelta(days=1, hours=2))  # Thursday 12:00, the start of the window
    before = counts()
    result = cli("swap", "take", "1", "--as", "carol")
    assert result.err.strip() == (
        "dutydesk: error: swap 1 has expired: its window started Thu 15 Jan 2026 12:00"
    )
    assert counts() == before


def test_declines_by_everyone_close_the_request(cli, swap_cli):
    swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    first = swap_cli("swap", "decline", "1", "--as", "alice")
    assert (first["status"], first["declined_by"]) == ("open", ["alice"])
    again = cli("swap", "decline", "1", "--as", "alice")
    assert again.err.strip() == "dutydesk: error: alice has already declined swap 1"
    last = swap_cli("swap", "decline", "1", "--as", "carol")
    assert (last["status"], last["declined_by"], last["resolved_by"]) == (
        "declined",
        ["alice", "carol"],
        cli_actor(),
    )


def test_a_cancelled_request_cannot_be_taken(cli, swap_cli):
    swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    assert swap_cli("swap", "cancel", "1", "--as", "bob")["status"] == "cancelled"
    result = cli("swap", "take", "1", "--as", "carol")
    assert result.err.strip() == "dutydesk: error: swap 1 is cancelled, not open"


def test_removing_a_rota_takes_its_swap_requests_with_it(cli, swap_cli, make_team):
    swap_cli("swap", "request", "engineering", "--as", "bob", *THURSDAY)
    team = yaml.safe_load((Path(__file__).parents[2] / "examples" / "team.yaml").read_text())
    team["rotas"] = [r for r in team["rotas"] if r["id"] != "engineering"]
    in_hours = team["escalation_policies"][0]
    in_hours["steps"] = in_hours["steps"][1:]  # it named the engineering rota
    del team["support"]["rota"]  # and so did support
    make_team(yaml.safe_dump(team))
    assert swap_cli("swap", "list") == []
    removed = [
        e for e in swap_cli("audit", "--rota", "engineering") if e["action"] == "rota.remove"
    ]
    assert len(removed) == 1
