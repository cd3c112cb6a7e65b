"""Team as code through the CLI: apply, dry-run, export round trip, and bad files."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import EXAMPLE_TEAM


def test_apply_creates_the_team_and_a_second_apply_changes_nothing(cli, tmp_path):
    first = cli("apply", str(EXAMPLE_TEAM))
    assert first.code == 0, first.err
    assert "+ create rota engineering" in first.out
    second = cli("apply", str(EXAMPLE_TEAM))
    assert second.code == 0
    assert "No changes: team paas is up to date." in second.out


def test_dry_run_shows_changes_and_makes_none(cli):
    planned = cli("apply", "--dry-run", str(EXAMPLE_TEAM))
    assert planned.code == 0
    assert "Would change" in planned.out
    assert "+ create person alice" in planned.out
    assert "no team is set up yet" in cli("who").err


def test_export_round_trips(cli, tmp_path: Path):
    cli("apply", str(EXAMPLE_TEAM))
    exported = tmp_path / "exported.yaml"
    assert cli("export", "-o", str(exported)).code == 0
    again = cli("apply", str(exported))
    assert again.code == 0
    assert "No changes" in again.out


def test_export_to_a_file_that_cannot_be_written_exits_2_with_one_line(cli, tmp_path: Path):
    cli("apply", str(EXAMPLE_TEAM))
    result = cli("export", "-o", str(tmp_path / "no-such-folder" / "team.yaml"))
    assert result.code == 2
    [line] = result.err.strip().splitlines()
    assert "--output: cannot write" in line and "No such file or directory" in line
    assert "Traceback" not in result.err


def test_update_names_the_changed_fields(cli, tmp_path: Path):
    cli("apply", str(EXAMPLE_TEAM))
    changed = tmp_path / "team.yaml"
    changed.write_text(
        EXAMPLE_TEAM.read_text()
        .replace("Alice Archer", "Alice A. Archer")
        .replace(
            'handoff: "Wed 10:00", start: 2026-01-07', 'handoff: "Wed 11:00", start: 2026-01-07'
        )
    )
    result = cli("apply", str(changed))
    assert result.code == 0
    assert "~ update person alice (name)" in result.out
    assert "~ update rota escalation (layers)" in result.out


def test_removing_a_person_from_the_file_removes_them(cli, tmp_path: Path):
    cli("apply", str(EXAMPLE_TEAM))
    smaller = tmp_path / "team.yaml"
    smaller.write_text(
        EXAMPLE_TEAM.read_text()
        .replace("  - {id: erin, name: Erin Evans, email: erin@example.org}\n", "")
        .replace("members: [dan, erin]", "members: [dan]")
    )
    result = cli("apply", str(smaller))
    assert result.code == 0, result.err
    assert "- remove person erin" in result.out
    assert "id: erin" not in cli("export").out


def test_a_file_with_another_team_name_is_refused(cli, tmp_path: Path):
    cli("apply", str(EXAMPLE_TEAM))
    other = tmp_path / "team.yaml"
    other.write_text(EXAMPLE_TEAM.read_text().replace("team: paas", "team: other"))
    result = cli("apply", str(other))
    assert result.code == 2
    assert "serves team 'paas'" in result.err


def test_the_installed_command_exits_2_with_one_line_and_changes_nothing(
    database_url, tmp_path: Path
):
    import os
    import subprocess
    import sys

    env = {**os.environ, "DUTYDESK_DATABASE_URL": database_url}
    dutydesk = [sys.executable, "-m", "dutydesk"]
    good = subprocess.run(
        [*dutydesk, "apply", str(EXAMPLE_TEAM)], env=env, capture_output=True, text=True
    )
    assert good.returncode == 0, good.stderr
    broken = tmp_path / "broken.yaml"
    broken.write_text(EXAMPLE_TEAM.read_text().replace("shift: 1w  ", "shift: 7x  "))
    bad = subprocess.run([*dutydesk, "apply", str(broken)], env=env, capture_output=True, text=True)
    assert bad.returncode == 2
    assert bad.stderr.strip().splitlines() == [
        f"dutydesk: error: {broken}:18: rotas[0].layers[0].shift: '7x' is not a shift length"
        " like 12h, 1d, 1w or 2w"
    ]
    assert "Traceback" not in bad.stderr
    again = subprocess.run(
        [*dutydesk, "apply", str(EXAMPLE_TEAM)], env=env, capture_output=True, text=True
    )
    assert "No changes" in again.stdout


def test_an_unreadable_file_is_a_clear_error(cli, tmp_path: Path):
    result = cli("apply", str(tmp_path / "missing.yaml"))
    assert result.code == 2
    assert result.err.startswith("dutydesk: error: ")
    assert "missing.yaml: cannot read" in result.err


def test_removing_someone_with_an_override_still_to_come_is_refused_and_nothing_changes(
    cli, tmp_path: Path
):
    cli("apply", str(EXAMPLE_TEAM))
    added = cli(
        "override",
        "add",
        "engineering",
        "--person",
        "erin",
        "--from",
        "2026-02-02T09:30",
        "--until",
        "2026-02-02T12:00",
    )
    assert added.code == 0, added.err
    smaller = tmp_path / "team.yaml"
    smaller.write_text(
        EXAMPLE_TEAM.read_text()
        .replace("  - {id: erin, name: Erin Evans, email: erin@example.org}\n", "")
        .replace("members: [dan, erin]", "members: [dan]")
        .replace("name: Escalation", "name: Escalation rota")
    )
    refused = cli("apply", str(smaller))
    assert refused.code == 2
    assert "cannot remove person erin: 1 override(s) for it are still to come" in refused.err
    exported = cli("export").out
    assert "id: erin" in exported
    assert "name: Escalation\n" in exported


def test_usage_mistakes_are_one_line_and_exit_code_2(cli):
    missing = cli("schedule", "engineering", "--to", "2026-02-01")
    assert missing.code == 2
    assert missing.err.strip().splitlines() == [
        "dutydesk: error: dutydesk schedule: Missing option '--from'."
        " (see dutydesk schedule --help)"
    ]
    unknown = cli("who", "--bogus")
    assert (unknown.code, unknown.err.count("\n")) == (2, 1)
    assert "No such option: --bogus" in unknown.err
    not_a_number = cli("token", "revoke", "abc")
    assert not_a_number.code == 2
    assert "token_id" in not_a_number.err


def test_asking_for_help_is_not_an_error(cli):
    assert cli("override").code == 0
    assert cli("who", "--help").code == 0


def test_removing_a_rota_with_an_override_still_to_come_is_refused(cli, tmp_path: Path):
    cli("apply", str(EXAMPLE_TEAM))
    added = cli(
        "override",
        "add",
        "comms",
        "--person",
        "alice",
        "--from",
        "2026-02-02T09:30",
        "--until",
        "2026-02-02T12:00",
    )
    assert added.code == 0, added.err
    text = EXAMPLE_TEAM.read_text()
    without_comms = text[: text.index("  - id: comms")] + text[text.index("  - id: escalation") :]
    without_comms = without_comms.replace("  comms_rota: comms", "  comms_rota: escalation")
    smaller = tmp_path / "team.yaml"
    smaller.write_text(without_comms)
    refused = cli("apply", str(smaller))
    assert refused.code == 2
    assert "cannot remove rota comms: 1 override(s) for it are still to come" in refused.err
    assert "id: comms" in cli("export").out
    assert cli("override", "remove", "comms", "1").code == 0
    assert cli("apply", str(smaller)).code == 0
    assert "id: comms" not in cli("export").out


def test_announcement_settings_round_trip_and_changes_are_named(cli, tmp_path: Path):
    announced = tmp_path / "team.yaml"
    announced.write_text(
        EXAMPLE_TEAM.read_text()
        .replace(
            "people:\n",
            "announce: {slack_channel: C0TEAM001, email: paas@example.org}\npeople:\n",
            1,
        )
        .replace(
            "escalation_policies:\n",
            '    announce: {slack_channel: C0ESCAL01, topic: "{mention} escalation",'
            " remind_before: false}\nescalation_policies:\n",
            1,
        )
    )
    assert cli("apply", str(announced)).code == 0
    exported = tmp_path / "exported.yaml"
    assert cli("export", "-o", str(exported)).code == 0
    assert "C0ESCAL01" in exported.read_text()
    assert "No changes" in cli("apply", str(exported)).out
    changed = tmp_path / "changed.yaml"
    changed.write_text(exported.read_text().replace("C0ESCAL01", "C0ESCAL02"))
    assert "~ update rota escalation (announce)" in cli("apply", str(changed)).out
