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


def test_update_names_the_changed_fields(cli, tmp_path: Path):
    cli("apply", str(EXAMPLE_TEAM))
    changed = tmp_path / "team.yaml"
    changed.write_text(
        EXAMPLE_TEAM.read_text()
        .replace("Alice Archer", "Alice A. Archer")
        .replace('handoff: "Wed 10:00", start: 2026-01-07', 'handoff: "Wed 11:00", start: 2026-01-07')
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
