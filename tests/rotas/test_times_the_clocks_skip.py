"""A local time the clocks skip is refused with the reason, on the command line and the API.

In Europe/London the clocks go forward at 01:00 on Sunday 29 March 2026, so 01:30 that day
never happens. The example team's clock stands at Wednesday 14 January 2026.
"""

from __future__ import annotations

import json

import pytest

from tests.oncall.test_cli_oncall import assert_one_line_error

REASON = (
    "01:30 on 2026-03-29 does not exist in Europe/London: clocks go forward from 01:00 to 02:00"
)


@pytest.mark.parametrize(
    ("args", "field"),
    [
        pytest.param(
            "override add escalation --person carol"
            " --from 2026-03-29T01:30 --until 2026-03-29T03:00",
            "--from",
            id="override-add",
        ),
        pytest.param(
            "schedule escalation --from 2026-03-28 --to 2026-03-29T01:30",
            "--to",
            id="schedule",
        ),
        pytest.param("who --at 2026-03-29T01:30", "--at", id="who"),
        pytest.param(
            "cover escalation --by carol --from 2026-03-29T01:30 --for 1h",
            "--from",
            id="cover",
        ),
        pytest.param(
            "swap request escalation --as bob --from 2026-03-29T00:00 --until 2026-03-29T01:30",
            "--until",
            id="swap-request",
        ),
    ],
)
def test_the_cli_refuses_a_skipped_time_with_the_reason(cli, example_team, args, field):
    assert_one_line_error(cli(*args.split()), f"{field}: {REASON}")


def test_the_cli_writes_nothing_for_a_skipped_time(cli, example_team):
    cli("override", "add", "escalation", "--person", "carol", "--from", "2026-03-29T01:30")
    listed = cli("override", "list", "escalation", "--all", "--json")
    assert json.loads(listed.out) == []


def test_an_explicit_offset_in_the_gap_is_an_instant_and_accepted(cli, example_team):
    added = cli(
        "override",
        "add",
        "escalation",
        "--person",
        "carol",
        "--from",
        "2026-03-29T01:30Z",
        "--until",
        "2026-03-29T03:00",
    )
    assert added.code == 0, added.err


def test_a_time_that_happens_twice_is_taken_at_its_first_occurrence(cli, example_team):
    added = cli(
        "override",
        "add",
        "escalation",
        "--person",
        "carol",
        "--from",
        "2026-10-25T01:30",
        "--until",
        "2026-10-25T04:00",
    )
    assert added.code == 0, added.err
    [made] = json.loads(cli("override", "list", "escalation", "--all", "--json").out)
    assert made["from"] == "2026-10-25T01:30:00+01:00"


@pytest.mark.parametrize(
    ("method", "url", "body", "params", "field"),
    [
        pytest.param(
            "POST",
            "/api/v1/rotas/escalation/overrides",
            {"person": "carol", "from": "2026-03-29T01:30", "until": "2026-03-29T03:00"},
            None,
            "from",
            id="override",
        ),
        pytest.param(
            "GET",
            "/api/v1/rotas/escalation/shifts",
            None,
            {"from": "2026-03-28", "to": "2026-03-29T01:30"},
            "to",
            id="shifts",
        ),
        pytest.param("GET", "/api/v1/oncall", None, {"at": "2026-03-29T01:30"}, "at", id="oncall"),
        pytest.param(
            "POST",
            "/api/v1/rotas/escalation/cover",
            {"by": "carol", "from": "2026-03-29T01:30", "for": "1h"},
            None,
            "from",
            id="cover",
        ),
    ],
)
def test_the_api_refuses_a_skipped_time_with_the_reason(
    api, example_team, method, url, body, params, field
):
    answer = api.request(method, url, json=body, params=params)
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["message"] == f"{field}: {REASON}"
