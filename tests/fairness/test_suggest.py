"""`dutydesk rota suggest` on a six-person 24x7 weekly rota with holidays declared.

The clock stands at Friday 4 December 2026; the next quarter is 2027Q1. The rota hands over on
Mondays at 09:00 and began on 5 January 2026 with ann, so the week of 4 January 2027 (52 turns
later) is eve's, and the current order from then is eve, fay, ann, ben, cat, dev. In the
quarter before, ann covered two of dev's weeks (overrides): she carries the most, dev the
least. Each person takes at least two of the quarter's thirteen weeks whatever the order, so
the spread cannot fall below ann's extra weeks; the suggestion gives dev the thirteenth.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from dutydesk.db import unit_of_work
from dutydesk.fairness import suggesting

SIX = """
team: paas
timezone: Europe/London
holidays: GB-ENG
people:
  - {id: ann, name: Ann}
  - {id: ben, name: Ben}
  - id: cat
    name: Cat
    unavailable: [{from: 2027-02-01, to: 2027-02-05, note: skiing}]
  - {id: dev, name: Dev, unavailable: [{from: 2027-03-08, to: 2027-03-09}]}
  - {id: eve, name: Eve}
  - {id: fay, name: Fay}
rotas:
  - id: ops
    name: Out of hours
    layers:
      - members: [ann, ben, cat, dev, eve, fay]
        shift: 1w
        handoff: "Mon 09:00"
        start: 2026-01-05
support:
  hours: ["Mon-Fri 09:00-17:00"]
"""
NOW = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)


@pytest.fixture
def six(make_team: Callable[[str], None], clock, cli) -> None:
    clock.set(datetime(2026, 10, 1, 12, 0, tzinfo=UTC))
    make_team(SIX)
    for start, end in (
        ("2026-10-05T09:00", "2026-10-12T09:00"),
        ("2026-11-16T09:00", "2026-11-23T09:00"),
    ):
        added = cli("override", "add", "ops", "--person", "ann", "--from", start, "--until", end)
        assert added.code == 0, added.err
    clock.set(NOW)


def test_the_suggestion_lowers_the_spread_and_avoids_holidays(runtime, six):
    with unit_of_work(runtime.read_sessions) as session:
        suggestion = suggesting.suggest(session, "ops", None, NOW)
    [change] = suggestion.layers
    assert suggestion.quarter == "2027Q1"
    assert change.current_order == ("eve", "fay", "ann", "ben", "cat", "dev")
    assert change.starts.isoformat() == "2027-01-04T09:00:00+00:00"
    # The current order puts cat on the week of her skiing holiday.
    assert change.current.clashes == 1
    assert change.suggested.clashes == 0
    assert suggestion.clashes == ()
    assert change.suggested.spread_out_of_hours < change.current.spread_out_of_hours
    assert (change.current.spread_out_of_hours, change.suggested.spread_out_of_hours) == (
        CURRENT_SPREAD,
        SUGGESTED_SPREAD,
    )
    assert change.suggested_order == SUGGESTED_ORDER
    assert change.suggested_out_of_hours == {
        "dev": 447.0,
        "fay": 513.0,
        "ann": 768.0,
        "ben": 512.0,
        "eve": 512.0,
        "cat": 616.0,
    }


CURRENT_SPREAD = 361.0
SUGGESTED_SPREAD = 321.0
SUGGESTED_ORDER = ("dev", "fay", "ann", "ben", "eve", "cat")


def schedule(cli, start, end):
    result = cli("schedule", "ops", "--from", start, "--to", end, "--json")
    assert result.code == 0, result.err
    return yaml.safe_load(result.out)


def test_the_diff_is_the_team_file_changed_from_the_quarter_and_applies(cli, six, tmp_path):
    before = schedule(cli, "2026-12-01", "2027-01-04T09:00")
    written = tmp_path / "suggested.yaml"
    result = cli("rota", "suggest", "ops", "--quarter", "2027Q1", "--write", str(written))
    assert result.code == 0, result.err
    assert result.out.splitlines()[:2] == ["--- team.yaml", "+++ team.yaml (suggested)"]
    added = [line for line in result.out.splitlines() if line.startswith("+ ")]
    assert added == [
        "+    end: 2027-01-04",
        "+  - members: [dev, fay, ann, ben, eve, cat]",
        "+    shift: 1w",
        "+    handoff: Mon 09:00",
        "+    start: 2027-01-04",
    ]
    assert "Out-of-hours spread 361.0 h now, 321.0 h suggested" in result.err
    applied = cli("apply", str(written))
    assert applied.code == 0, applied.err
    assert "~ update rota ops" in applied.out
    # The past and the rest of this quarter are as they were; the new order runs from 4 January.
    assert schedule(cli, "2026-12-01", "2027-01-04T09:00") == before
    turns = [s["person"] for s in schedule(cli, "2027-01-04T09:00", "2027-02-15T09:00")]
    assert turns == ["dev", "fay", "ann", "ben", "eve", "cat"]
    again = cli("rota", "suggest", "ops")
    assert again.code == 0 and again.out == ""
    assert "the current order is already the most even" in again.err


def test_a_holiday_no_order_avoids_is_named_and_exits_1(make_team, clock, cli):
    team = yaml.safe_load(SIX)
    for person in team["people"]:
        person["unavailable"] = [{"from": "2027-01-05", "to": "2027-01-05", "note": "offsite"}]
    make_team(yaml.safe_dump(team))
    clock.set(NOW)
    result = cli("rota", "suggest", "ops")
    assert result.code == 1
    assert result.out.startswith("--- team.yaml")
    assert (
        "needs an override: eve is away 2027-01-05 to 2027-01-05, during the shift"
        " Mon 04 Jan 2027 09:00 – Mon 11 Jan 2027 09:00"
    ) in result.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--quarter", "2027Q5"), "--quarter: '2027Q5' is not a quarter"),
        (("--quarter", "2026Q4"), "quarter: 2026Q4 has begun"),
    ],
)
def test_bad_input_exits_2(cli, six, args, message):
    result = cli("rota", "suggest", "ops", *args)
    assert result.code == 2
    assert message in result.err


def test_an_unknown_rota_exits_2(cli, six):
    result = cli("rota", "suggest", "nope")
    assert result.code == 2
    assert "no rota 'nope'" in result.err


def test_a_written_file_is_the_whole_team_file(cli, six, tmp_path: Path):
    written = tmp_path / "team.yaml"
    assert cli("rota", "suggest", "ops", "--write", str(written)).code == 0
    document = yaml.safe_load(written.read_text())
    assert [len(r["layers"]) for r in document["rotas"]] == [2]
    assert document["people"][2]["unavailable"][0]["note"] == "skiing"


def test_writing_says_a_hand_written_files_comments_are_not_kept(cli, six, tmp_path: Path):
    written = tmp_path / "team.yaml"
    written.write_text("# our team, see the wiki\n" + SIX, encoding="utf-8")
    result = cli("rota", "suggest", "ops", "--write", str(written))
    assert result.code == 0
    assert "# our team" not in written.read_text()
    assert f"Wrote {written}: the whole team file as `dutydesk export` writes it" in result.err
    assert "comments and the layout of a hand-written file are not kept" in result.err


def test_a_file_that_cannot_be_written_exits_2_with_one_line(cli, six, tmp_path: Path):
    result = cli("rota", "suggest", "ops", "--write", str(tmp_path / "missing" / "team.yaml"))
    assert result.code == 2
    assert "--write: cannot write" in result.err and "No such file or directory" in result.err
    assert "Traceback" not in result.err
