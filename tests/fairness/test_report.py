"""The load report against data made for it: three weeks of a 24x7 rota over Easter, a swap,
and pages in and out of hours; through the service, the command line, the API and the page.

Expected figures (hours): ann's week holds Good Friday and Easter Monday until 09:00, so 32 of
its 168 hours are working hours; ben's starts on Easter Monday, 32 too; cat's is a plain week,
40, and the period ends at Monday 20 April 00:00, nine hours before her week does. cat gives ann Wednesday 15 April 18:00 to Thursday 09:00 (15 hours, all out of hours).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from dutydesk.db import unit_of_work
from dutydesk.fairness import service
from dutydesk.fairness.load import jain_index

pytestmark = pytest.mark.usefixtures("easter_team")

PERIOD = ("--from", "2026-03-30", "--to", "2026-04-20")
START = datetime(2026, 3, 29, 23, 0, tzinfo=UTC)  # 2026-03-30 00:00 BST
END = datetime(2026, 4, 19, 23, 0, tzinfo=UTC)


@pytest.fixture
def loaded(cli, clock, raise_alert, run_cycle):
    """The swap made ahead of time, pages at their times, then the clock in May."""
    clock.set(datetime(2026, 3, 20, 12, 0, tzinfo=UTC))
    made = cli(
        "swap", "request", "ops", "--as", "cat", "--from", "2026-04-15T18:00",
        "--until", "2026-04-16T09:00", "--to", "ann", "--json",
    )  # fmt: skip
    assert made.code == 0, made.err
    taken = cli("swap", "take", str(json.loads(made.out)["id"]), "--as", "ann", "--json")
    assert taken.code == 0, taken.err
    clock.set(datetime(2026, 4, 4, 2, 0, tzinfo=UTC))  # Saturday 03:00 BST: ann, out of hours
    raise_alert("disk-full", "api")
    run_cycle()
    clock.set(datetime(2026, 4, 14, 9, 0, tzinfo=UTC))  # Tuesday 10:00 BST: cat, in hours
    raise_alert("cpu-high", "api")
    run_cycle()
    clock.set(datetime(2026, 5, 1, 9, 0, tzinfo=UTC))


def by_person(report):
    return {p.person: p for p in report.people}


def test_hours_pages_holidays_and_swaps_add_up_per_person(runtime, loaded):
    with unit_of_work(runtime.read_sessions) as session:
        report = service.load(session, START, END)
    people = by_person(report)
    rows = {
        name: (
            p.hours_on_call,
            p.hours_in_hours,
            p.hours_out_of_hours,
            p.pages,
            p.pages_out_of_hours,
            p.bank_holiday_shifts,
            p.swaps_given,
            p.swaps_taken,
        )
        for name, p in people.items()
    }
    assert rows == {
        "ann": (183.0, 32.0, 151.0, 1, 1, 2, 0, 1),
        "ben": (168.0, 32.0, 136.0, 0, 0, 1, 0, 0),
        "cat": (144.0, 40.0, 104.0, 1, 0, 0, 1, 0),
    }
    fair_share = (151 + 136 + 104) / 3
    assert people["ann"].expected_out_of_hours == pytest.approx(fair_share)
    assert report.fairness_index == pytest.approx(
        jain_index([151 / fair_share, 136 / fair_share, 104 / fair_share])
    )
    assert report.spread_hours == 47.0


def test_rota_load_prints_the_table_and_json(cli, loaded):
    shown = cli("rota", "load", *PERIOD)
    assert shown.code == 0, shown.err
    assert "fairness index 0.978" in shown.out
    assert "out-of-hours spread 47.0 h" in shown.out
    as_json = json.loads(cli("rota", "load", *PERIOD, "--rota", "ops", "--json").out)
    assert (as_json["fairness_index"], as_json["spread_hours"]) == (0.9779, 47.0)
    assert as_json["from"] == "2026-03-30T00:00:00+01:00"
    ann = next(p for p in as_json["people"] if p["person"] == "ann")
    assert (ann["hours_out_of_hours"], ann["pages_out_of_hours"], ann["swaps_taken"]) == (
        151.0,
        1,
        1,
    )


def test_the_default_period_is_the_last_whole_quarter(cli, clock, loaded):
    clock.set(datetime(2026, 7, 2, 9, 0, tzinfo=UTC))
    as_json = json.loads(cli("rota", "load", "--json").out)
    assert (as_json["from"], as_json["to"]) == (
        "2026-04-01T00:00:00+01:00",
        "2026-07-01T00:00:00+01:00",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--quarter", "2026Q5"), "--quarter: '2026Q5' is not a quarter"),
        (("--from", "2026-04-01"), "--to: give both --from and --to, or neither"),
        (
            ("--from", "yesterday-ish", "--to", "2026-04-01"),
            "--from: 'yesterday-ish' is not a time",
        ),
        (("--from", "2026-04-10", "--to", "2026-04-01"), "must be before"),
        (("--quarter", "2026Q1", "--from", "2026-01-01"), "--quarter: give a quarter or"),
        (("--from", "2020-01-01", "--to", "2026-01-01"), "longer than the 800 days"),
        (("--rota", "nope"), "no rota 'nope'"),
    ],
)
def test_bad_input_exits_2_with_one_line(cli, args, message):
    result = cli("rota", "load", *args)
    assert result.code == 2
    assert message in result.err
    assert result.err.count("\n") == 1


def test_the_api_answers_admins(runtime, loaded, token_for, api):
    admin = {"Authorization": f"Bearer {token_for('ada', 'admin')}"}
    answer = api.get(
        "/api/v1/fairness", params={"from": "2026-03-30", "to": "2026-04-20"}, headers=admin
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["spread_hours"] == 47.0
    only_ops = api.get(
        "/api/v1/fairness", params={"quarter": "2026Q2", "rota": "ops"}, headers=admin
    )
    assert only_ops.json()["rotas"] == ["ops"]


def test_the_api_refuses_anyone_but_admins(api):
    answer = api.get("/api/v1/fairness")  # the fixture's client is a responder
    assert answer.status_code == 403
    assert "admin" in json.dumps(answer.json())


@pytest.mark.parametrize(
    ("params", "status", "message"),
    [
        ({"quarter": "Q1"}, 422, "quarter: 'Q1' is not a quarter"),
        ({"from": "2026-04-01"}, 422, "give both from and to"),
        ({"from": "2026-04-01", "to": "2026-03-01"}, 422, "must be before"),
        ({"rota": "nope"}, 404, "no rota 'nope'"),
    ],
)
def test_the_api_answers_bad_input_with_4xx_json(api, token_for, params, status, message):
    admin = {"Authorization": f"Bearer {token_for('ada', 'admin')}"}
    answer = api.get("/api/v1/fairness", params=params, headers=admin)
    assert answer.status_code == status
    assert message in json.dumps(answer.json())


def test_the_page_shows_admins_the_report_and_a_nav_link(browser, loaded):
    admin = browser("ada", "admin")
    page = admin.get("/fairness?from=2026-03-30&to=2026-04-20")
    assert page.status_code == 200
    assert 'data-testid="fairness-index">0.978<' in page.text
    assert 'data-testid="spread">47.0 hours<' in page.text
    assert 'href="/fairness"' in admin.get("/").text


def test_the_page_is_refused_to_others_and_not_linked(browser):
    responder = browser("rhea", "responder")
    assert responder.get("/fairness").status_code == 403
    assert 'href="/fairness"' not in responder.get("/").text


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("quarter=2026Q9", "is not a quarter"),
        ("from=2026-04-01", "give both from and to"),
        ("rota=nope", "no rota"),
    ],
)
def test_the_page_shows_bad_input_beside_the_field(browser, query, message):
    page = browser("ada", "admin").get(f"/fairness?{query}")
    assert page.status_code == 400
    assert message in page.text
    assert 'class="field-error"' in page.text
