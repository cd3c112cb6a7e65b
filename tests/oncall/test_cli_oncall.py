"""`dutydesk who` and `dutydesk schedule` on the example team: exact JSON, local time, errors.

The example team (examples/team.yaml): engineering is alice, bob, carol weekly from Monday
2026-01-05 09:30 Europe/London, covered Mon-Fri 09:30-17:30, skipping GB-ENG bank holidays;
escalation is bob, carol weekly from Wednesday 2026-01-07 10:00, round the clock.
"""

from __future__ import annotations

import itertools
import json

import pytest


@pytest.fixture
def who_json(cli, example_team):
    """`dutydesk who ARGS… --json`, parsed."""

    def run(*args: str) -> list[dict[str, object]]:
        result = cli("who", *args, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)

    return run


@pytest.fixture
def schedule_json(cli, example_team):
    """`dutydesk schedule ROTA --from A --to B --json`, parsed."""

    def run(rota: str, start: str, end: str) -> list[dict[str, object]]:
        result = cli("schedule", rota, "--from", start, "--to", end, "--json")
        assert result.code == 0, result.err
        return json.loads(result.out)

    return run


def test_who_without_arguments_answers_for_every_rota_now(who_json):
    # The clock stands at Wednesday 2026-01-14 10:00Z: week 2 of engineering (bob), and the
    # escalation handoff to carol happens at this very instant.
    assert who_json() == [
        {
            "rota": "engineering",
            "person": "bob",
            "from": "2026-01-14T09:30:00Z",
            "until": "2026-01-14T17:30:00Z",
            "source": "layer",
        },
        {
            "rota": "comms",
            "person": "erin",
            "from": "2026-01-14T09:30:00Z",
            "until": "2026-01-14T17:30:00Z",
            "source": "layer",
        },
        {
            "rota": "escalation",
            "person": "carol",
            "from": "2026-01-14T10:00:00Z",
            "until": "2026-01-21T10:00:00Z",
            "source": "layer",
        },
    ]


def test_who_in_summer_answers_in_british_summer_time(who_json):
    assert who_json("engineering", "escalation", "--at", "2026-06-10T12:00") == [
        {
            "rota": "engineering",
            "person": "bob",
            "from": "2026-06-10T09:30:00+01:00",
            "until": "2026-06-10T17:30:00+01:00",
            "source": "layer",
        },
        {
            "rota": "escalation",
            "person": "bob",
            "from": "2026-06-10T10:00:00+01:00",
            "until": "2026-06-17T10:00:00+01:00",
            "source": "layer",
        },
    ]


def test_a_time_without_an_offset_is_team_local_time_and_one_with_an_offset_is_exact(who_json):
    # The escalation handoff is at 10:00 London time, which is 09:00Z in summer.
    just_before = who_json("escalation", "--at", "2026-06-10T09:59")
    assert just_before[0]["person"] == "carol"
    assert just_before[0]["until"] == "2026-06-10T10:00:00+01:00"
    assert who_json("escalation", "--at", "2026-06-10T08:59Z")[0]["person"] == "carol"
    assert who_json("escalation", "--at", "2026-06-10T09:00Z")[0]["person"] == "bob"
    assert who_json("escalation", "--at", "2026-06-10T10:00+01:00")[0]["person"] == "bob"


def test_nobody_is_on_the_in_hours_rota_on_a_bank_holiday(who_json):
    # Monday 2026-05-25 is the spring bank holiday; escalation is 24x7 and carries on.
    assert who_json("engineering", "escalation", "--at", "2026-05-25T12:00") == [
        {
            "rota": "engineering",
            "person": None,
            "from": "2026-05-22T17:30:00+01:00",
            "until": "2026-05-26T09:30:00+01:00",
            "source": None,
        },
        {
            "rota": "escalation",
            "person": "carol",
            "from": "2026-05-20T10:00:00+01:00",
            "until": "2026-05-27T10:00:00+01:00",
            "source": "layer",
        },
    ]


def test_out_of_hours_nobody_is_on_and_the_answer_bounds_the_gap(who_json):
    assert who_json("engineering", "--at", "2026-01-17T12:00") == [
        {
            "rota": "engineering",
            "person": None,
            "from": "2026-01-16T17:30:00Z",
            "until": "2026-01-19T09:30:00Z",
            "source": None,
        }
    ]


def test_before_a_rota_starts_the_gap_has_no_beginning(who_json):
    assert who_json("escalation", "--at", "2026-01-01T12:00") == [
        {
            "rota": "escalation",
            "person": None,
            "from": None,
            "until": "2026-01-07T10:00:00Z",
            "source": None,
        }
    ]


def test_schedule_merges_a_whole_shift_into_one_stretch(schedule_json):
    assert schedule_json("escalation", "2026-01-12", "2026-01-22") == [
        {
            "person": "bob",
            "from": "2026-01-12T00:00:00Z",
            "until": "2026-01-14T10:00:00Z",
            "source": "layer",
        },
        {
            "person": "carol",
            "from": "2026-01-14T10:00:00Z",
            "until": "2026-01-21T10:00:00Z",
            "source": "layer",
        },
        {
            "person": "bob",
            "from": "2026-01-21T10:00:00Z",
            "until": "2026-01-22T00:00:00Z",
            "source": "layer",
        },
    ]


def test_schedule_skips_easter_bank_holidays_and_hands_over_on_the_monday(schedule_json):
    # Good Friday 2026-04-03 and Easter Monday 2026-04-06; bob's week starts on that Monday.
    assert schedule_json("engineering", "2026-04-02", "2026-04-08") == [
        {
            "person": "alice",
            "from": "2026-04-02T09:30:00+01:00",
            "until": "2026-04-02T17:30:00+01:00",
            "source": "layer",
        },
        {
            "person": "bob",
            "from": "2026-04-07T09:30:00+01:00",
            "until": "2026-04-07T17:30:00+01:00",
            "source": "layer",
        },
    ]


def test_schedule_is_ordered_and_has_no_overlaps(schedule_json):
    stretches = schedule_json("engineering", "2026-01-05", "2026-03-30")
    assert len(stretches) == 12 * 5  # twelve working weeks, no bank holidays in them
    for earlier, later in itertools.pairwise(stretches):
        assert earlier["until"] <= later["from"]
    assert [s["person"] for s in stretches[::5]] == ["alice", "bob", "carol"] * 4


def test_an_override_shows_in_who_and_splits_the_schedule(cli, who_json, schedule_json):
    added = cli(
        "override",
        "add",
        "engineering",
        "--person",
        "alice",
        "--from",
        "2026-01-15T12:00",
        "--until",
        "2026-01-15T15:00",
        "--note",
        "dentist",
    )
    assert added.code == 0, added.err
    assert who_json("engineering", "--at", "2026-01-15T13:00") == [
        {
            "rota": "engineering",
            "person": "alice",
            "from": "2026-01-15T12:00:00Z",
            "until": "2026-01-15T15:00:00Z",
            "source": "override",
        }
    ]
    assert schedule_json("engineering", "2026-01-15", "2026-01-16") == [
        {
            "person": "bob",
            "from": "2026-01-15T09:30:00Z",
            "until": "2026-01-15T12:00:00Z",
            "source": "layer",
        },
        {
            "person": "alice",
            "from": "2026-01-15T12:00:00Z",
            "until": "2026-01-15T15:00:00Z",
            "source": "override",
        },
        {
            "person": "bob",
            "from": "2026-01-15T15:00:00Z",
            "until": "2026-01-15T17:30:00Z",
            "source": "layer",
        },
    ]


def test_adjacent_overrides_of_one_person_merge_but_a_layer_next_to_them_does_not(
    cli, schedule_json
):
    for start, end, person in [
        ("2026-01-15T17:30", "2026-01-15T18:00", "bob"),
        ("2026-01-15T18:00", "2026-01-15T19:00", "bob"),
    ]:
        args = ["--person", person, "--from", start, "--until", end]
        assert cli("override", "add", "engineering", *args).code == 0
    assert schedule_json("engineering", "2026-01-15", "2026-01-16") == [
        {
            "person": "bob",
            "from": "2026-01-15T09:30:00Z",
            "until": "2026-01-15T17:30:00Z",
            "source": "layer",
        },
        {
            "person": "bob",
            "from": "2026-01-15T17:30:00Z",
            "until": "2026-01-15T19:00:00Z",
            "source": "override",
        },
    ]


def test_the_table_output_names_who_is_on_call(cli, example_team):
    result = cli("who", "--at", "2026-05-25T12:00")
    assert result.code == 0, result.err
    assert "nobody" in result.out
    assert "carol" in result.out


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.code == 2, (result.out, result.err)
    assert result.out == ""
    lines = result.err.strip().splitlines()
    assert len(lines) == 1, result.err
    assert lines[0].startswith("dutydesk: error: ")
    assert "Traceback" not in result.err
    for fragment in fragments:
        assert fragment in lines[0]


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        pytest.param(["who", "nope"], ["no rota 'nope'", "engineering"], id="who-unknown-rota"),
        pytest.param(
            ["who", "engineering", "nope", "--json"], ["no rota 'nope'"], id="who-one-unknown"
        ),
        pytest.param(["who", "--at", "tuesday"], ["--at", "'tuesday' is not a time"], id="at"),
        pytest.param(["who", "--at", "2026-02-30T10:00"], ["--at"], id="at-no-such-day"),
        pytest.param(["who", "--at", "2026-01-14T25:00"], ["--at"], id="at-hour-25"),
        pytest.param(
            ["schedule", "nope", "--from", "2026-01-12", "--to", "2026-01-13"],
            ["no rota 'nope'"],
            id="schedule-unknown-rota",
        ),
        pytest.param(
            ["schedule", "engineering", "--from", "soon", "--to", "2026-01-13"],
            ["--from", "'soon' is not a time"],
            id="schedule-from",
        ),
        pytest.param(
            ["schedule", "engineering", "--from", "2026-01-12", "--to", "later"],
            ["--to", "'later' is not a time"],
            id="schedule-to",
        ),
        pytest.param(
            ["schedule", "engineering", "--from", "2026-01-14", "--to", "2026-01-12"],
            ["'from'", "must be before"],
            id="schedule-backwards",
        ),
        pytest.param(
            ["schedule", "engineering", "--from", "2026-01-12", "--to", "2026-01-12"],
            ["must be before"],
            id="schedule-empty",
        ),
        pytest.param(
            ["schedule", "engineering", "--from", "2026-01-01", "--to", "2029-01-01"],
            ["longer than"],
            id="schedule-too-long",
        ),
    ],
)
def test_bad_input_is_one_line_on_stderr_and_exit_code_2(cli, example_team, args, fragments):
    assert_one_line_error(cli(*args), *fragments)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        pytest.param(["--person", "zed"], ["person", "no person 'zed'"], id="unknown-person"),
        pytest.param(["--from", "noon"], ["--from", "'noon' is not a time"], id="bad-from"),
        pytest.param(
            ["--from", "2026-01-16T12:00", "--until", "2026-01-16T11:00"],
            ["must be before"],
            id="backwards",
        ),
        pytest.param(
            ["--from", "2026-01-13T09:00", "--until", "2026-01-13T12:00"],
            ["until", "in the past"],
            id="in-the-past",
        ),
    ],
)
def test_a_bad_override_is_refused_and_nothing_is_written(cli, example_team, args, fragments):
    given = dict(zip(args[::2], args[1::2], strict=True))
    options = {
        "--person": "alice",
        "--from": "2026-01-16T09:00",
        "--until": "2026-01-16T12:00",
        **given,
    }
    flat = [part for pair in options.items() for part in pair]
    assert_one_line_error(cli("override", "add", "engineering", *flat), *fragments)
    listed = cli("override", "list", "engineering", "--all", "--json")
    assert listed.code == 0, listed.err
    assert json.loads(listed.out) == []


def test_an_override_on_an_unknown_rota_is_refused(cli, example_team):
    args = ["--person", "alice", "--from", "2026-01-16T09:00", "--until", "2026-01-16T12:00"]
    result = cli("override", "add", "nope", *args)
    assert_one_line_error(result, "no rota 'nope'")


def test_who_before_any_team_is_set_up_says_what_to_do(cli):
    assert_one_line_error(cli("who"), "no team is set up yet")


def test_override_list_and_remove_show_the_overrides_in_local_time(cli, example_team, clock):
    added = cli(
        "override",
        "add",
        "engineering",
        "--person",
        "dan",
        "--from",
        "2026-06-01T12:30",
        "--until",
        "2026-06-01T13:15",
        "--note",
        "lunch",
    )
    assert added.code == 0, added.err
    listed = cli("override", "list", "engineering", "--json")
    assert listed.code == 0, listed.err
    [override] = json.loads(listed.out)
    assert (override["person"], override["from"], override["until"], override["note"]) == (
        "dan",
        "2026-06-01T12:30:00+01:00",
        "2026-06-01T13:15:00+01:00",
        "lunch",
    )
    table = cli("override", "list", "engineering")
    assert table.code == 0, table.err
    assert "Mon 01 Jun 12:30" in table.out
    removed = cli("override", "remove", "engineering", str(override["id"]))
    assert removed.code == 0, removed.err
    assert json.loads(cli("override", "list", "engineering", "--json").out) == []


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("who", "--at", "9999-12-31T23:00"), "--at: '9999-12-31T23:00' is out of range"),
        (
            ("schedule", "engineering", "--from", "0001-01-01", "--to", "2026-01-01"),
            "--from: '0001-01-01' is out of range",
        ),
        (
            ("schedule", "engineering", "--from", "2026-02-01", "--to", "2026-01-01"),
            "'from' (2026-02-01T00:00:00+00:00) must be before 'to'",
        ),
    ],
)
def test_times_out_of_range_or_backwards_are_one_line_errors(cli, example_team, args, fragment):
    result = cli(*args)
    assert result.code == 2
    assert fragment in result.err
    assert "Traceback" not in result.err


def test_an_unencoded_plus_in_an_offset_is_still_understood(who_json):
    plain = who_json("engineering", "--at", "2026-01-14T10:00+00:00")
    spaced = who_json("engineering", "--at", "2026-01-14T10:00 00:00")
    assert plain == spaced
