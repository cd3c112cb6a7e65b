"""`dutydesk build`: record a result, the red builds, claim one, the report, and a source's
secret; bad input exits 2 with one line saying what is wrong."""

from __future__ import annotations

import csv
import io
import json
from datetime import timedelta

import pytest

from dutydesk.builds.secrets import source_secret
from tests.builds.conftest import SECRET_KEY

RECORD = (
    "build",
    "record",
    "--source",
    "concourse",
    "--pipeline",
    "paas-cf",
    "--job",
    "deploy",
    "--branch",
    "main",
    "--sha",
    "9fceb02d0ae5",
)


def test_recording_a_failure_turns_the_job_red_and_a_success_green(team, cli, clock):
    red = cli(*RECORD, "--build-id", "41", "--status", "failed")
    assert red.code == 0, red.err
    assert red.out.strip() == "Recorded result 1; the job turned red (red build 1)."
    clock.advance(timedelta(minutes=30))
    again = cli(*RECORD, "--build-id", "41", "--status", "failed")
    assert again.out.strip() == "Already recorded: this build and attempt came in before."
    flaky = cli(*RECORD, "--build-id", "41", "--attempt", "2", "--status", "succeeded")
    assert "green again: flaky" in flaky.out


def test_the_red_builds_and_a_claim(team, cli):
    cli(*RECORD, "--build-id", "41", "--status", "errored")
    assert cli("build", "claim", "1", "--as", "carol").out.strip() == (
        "Fixing the build: carol (red build 1, task 1)."
    )
    listed = cli("build", "red", "--json")
    [red] = json.loads(listed.out)
    assert (red["id"], red["claimed_by"], red["task"], red["told"]) == (1, "carol", 1, "bob")
    table = cli("build", "red")
    assert "paas-cf/deploy" in table.out and "carol" in table.out


def test_the_report_as_csv_and_json(team, cli, clock):
    cli(*RECORD, "--build-id", "41", "--status", "failed")
    clock.advance(timedelta(hours=2))
    cli(*RECORD, "--build-id", "42", "--status", "succeeded", "--sha", "0ddba11")
    rows = list(csv.reader(io.StringIO(cli("build", "report", "--csv").out)))
    assert rows == [
        ["week", "source", "pipeline", "job", "failures", "red_hours", "flaky", "impact"],
        ["2026-01-12", "concourse", "paas-cf", "deploy", "1", "2.00", "0", "2.00"],
    ]
    report = json.loads(cli("build", "report", "--json", "--weeks", "1").out)
    assert report["ranking"][0]["red_seconds"] == 7200.0
    assert "paas-cf/deploy" in cli("build", "report").out


def test_a_sources_secret_is_derived_from_the_secret_key(cli):
    shown = cli("build", "secret", "concourse")
    assert shown.code == 0
    assert shown.out.strip() == source_secret(SECRET_KEY, "concourse")
    assert source_secret(SECRET_KEY, "gitlab") != shown.out.strip()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--build-id", "1", "--status", "broke"), "status: one of failed, errored"),
        (("--build-id", "1", "--status", "failed", "--attempt", "0"), "attempt:"),
        (("--build-id", "1", "--status", "failed", "--finished-at", "soon"), "--finished-at:"),
        (("--build-id", "1", "--status", "failed", "--url", "ftp://x"), "url:"),
        (("--build-id", "", "--status", "failed"), "build_id:"),
        (("--status", "failed"), "--build-id"),
        (("--build-id", "1", "--status", "failed", "--attempt", "two"), "--attempt"),
    ],
)
def test_bad_input_exits_2_with_one_line(team, cli, args, message):
    answer = cli(*RECORD, *args)
    assert answer.code == 2
    assert message in answer.err
    assert len(answer.err.strip().splitlines()) == 1, answer.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("build", "secret", "Bad Source"), "source:"),
        (("build", "secret", "concourse\n"), "source:"),
        (("build", "claim", "9", "--as", "alice"), "no red build 9"),
        (("build", "report", "--weeks", "0"), "weeks:"),
        (("build", "report", "--json", "--csv"), "choose one"),
    ],
)
def test_bad_input_on_the_other_commands_exits_2_with_one_line(team, cli, args, message):
    answer = cli(*args)
    assert answer.code == 2
    assert message in answer.err
    assert len(answer.err.strip().splitlines()) == 1, answer.err
