"""People's declared unavailability in the team file: stored, exported back, and checked."""

from __future__ import annotations

import pytest
import yaml

from tests.fairness.test_suggest import SIX


def test_unavailability_is_exported_as_written(cli, make_team):
    make_team(SIX)
    exported = yaml.safe_load(cli("export").out)
    cat, dev = exported["people"][2], exported["people"][3]
    assert cat["unavailable"] == [
        {"from": yaml.safe_load("2027-02-01"), "to": yaml.safe_load("2027-02-05"), "note": "skiing"}
    ]
    assert dev["unavailable"] == [
        {"from": yaml.safe_load("2027-03-08"), "to": yaml.safe_load("2027-03-09")}
    ]
    assert "unavailable" not in exported["people"][0]


def test_changing_unavailability_updates_the_person(cli, make_team, tmp_path):
    make_team(SIX)
    changed = tmp_path / "team.yaml"
    changed.write_text(SIX.replace("2027-03-09", "2027-03-12"))
    applied = cli("apply", str(changed))
    assert applied.code == 0, applied.err
    assert "~ update person dev (unavailable)" in applied.out


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{from: 2027-01-08, to: 2027-01-04}", "to 2027-01-04 is before from 2027-01-08"),
        ('{from: 2027-01-04, to: 2027-01-08, note: "a\\nb"}', "must be one line"),
        ("{from: 2027-01-04}", "is required"),
        ("{from: 3027-01-04, to: 3027-01-05}", "is out of range"),
        ("{from: 2027-01-04, to: 2027-01-05, until: 2027-01-06}", "is not a known field"),
    ],
)
def test_bad_unavailability_is_refused_with_exit_2(cli, tmp_path, entry, message):
    team = tmp_path / "team.yaml"
    team.write_text(
        SIX.replace("{id: ann, name: Ann}", f"{{id: ann, name: Ann, unavailable: [{entry}]}}")
    )
    result = cli("apply", str(team))
    assert result.code == 2
    assert message in result.err
    assert "people[0].unavailable[0]" in result.err


def test_at_most_fifty_holidays_a_person(cli, tmp_path):
    days = [f"2027-{m:02d}-{d:02d}" for m in (1, 2) for d in range(1, 27)]  # 52 of them
    many = ", ".join(f"{{from: {day}, to: {day}}}" for day in days)
    team = tmp_path / "team.yaml"
    team.write_text(
        SIX.replace("{id: ann, name: Ann}", f"{{id: ann, name: Ann, unavailable: [{many}]}}")
    )
    result = cli("apply", str(team))
    assert result.code == 2
    assert "people[0].unavailable" in result.err
