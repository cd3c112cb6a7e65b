"""The team file's `support:`: applied, exported back unchanged, checked, and removed."""

from __future__ import annotations

from pathlib import Path

from dutydesk.db import unit_of_work
from dutydesk.tickets.team_section import export_support

EXAMPLE_TEAM = Path(__file__).resolve().parents[2] / "examples" / "team.yaml"


def _support(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        return export_support(session)


def test_the_example_teams_support_is_kept_with_defaults_for_what_it_leaves_out(cli, runtime):
    assert cli("apply", str(EXAMPLE_TEAM)).code == 0
    [support] = _support(runtime)
    assert (support.rota, support.page_service, support.page_at_once, support.hours) == (
        "engineering",
        "platform-api",
        ["P1"],
        ["Mon-Fri 09:30-17:30"],
    )
    assert support.skip_holidays is True
    assert support.untriaged == "2 support days"
    assert support.targets["P1"].calendar is True
    assert (support.targets["P4"].first_response, support.targets["P4"].update_every) == (
        "1 support day",
        "2 support days",
    )


def test_export_writes_support_as_the_file_has_it(cli):
    cli("apply", str(EXAMPLE_TEAM))
    exported = cli("export").out
    assert exported[: exported.index("incidents:")].endswith(
        "support:\n"
        "  hours: ['Mon-Fri 09:30-17:30']\n"
        "  rota: engineering\n"
        "  page_service: platform-api\n"
        "  page_at_once: [P1]\n"
        "  targets: {P1: {first_response: 20m, update_every: 1h, calendar: true}}\n"
    )
    assert "P2:" not in exported and "untriaged" not in exported


def test_a_changed_target_is_one_update_and_a_second_apply_changes_nothing(cli, tmp_path):
    cli("apply", str(EXAMPLE_TEAM))
    changed = tmp_path / "team.yaml"
    changed.write_text(
        EXAMPLE_TEAM.read_text().replace(
            "    P1: {first_response: 20m, update_every: 1h, calendar: true}\n",
            "    P1: {first_response: 20m, update_every: 1h, calendar: true}\n"
            "    P3: {first_response: 90m, update_every: 4h}\n",
        )
    )
    result = cli("apply", str(changed))
    assert result.code == 0, result.err
    assert "~ update support settings (targets)" in result.out
    assert "No changes" in cli("apply", str(changed)).out


def test_leaving_support_out_of_the_file_returns_to_the_defaults(cli, runtime, tmp_path):
    cli("apply", str(EXAMPLE_TEAM))
    without = tmp_path / "team.yaml"
    without.write_text(EXAMPLE_TEAM.read_text().split("support:")[0])
    result = cli("apply", str(without))
    assert result.code == 0, result.err
    assert "- remove support settings" in result.out
    assert _support(runtime) == []
    assert "support:" not in cli("export").out


def test_a_support_naming_a_rota_or_policy_not_in_the_file_is_refused(cli, tmp_path):
    bad = tmp_path / "team.yaml"
    bad.write_text(
        EXAMPLE_TEAM.read_text()
        .replace("  rota: engineering ", "  rota: nobody ")
        .replace("  page_service: platform-api ", "  page_service: nowhere ")
    )
    result = cli("apply", str(bad))
    assert result.code == 2
    assert "support.rota: 'nobody' is not a rota in this file (and 1 more problem)" in result.err
    only_the_service = tmp_path / "service.yaml"
    only_the_service.write_text(
        EXAMPLE_TEAM.read_text().replace(
            "  page_service: platform-api ", "  page_service: nowhere "
        )
    )
    result = cli("apply", str(only_the_service))
    assert result.code == 2
    assert "support.page_service: 'nowhere' is not a service in this file" in result.err


def test_a_target_that_does_not_read_names_its_line(cli, tmp_path):
    bad = tmp_path / "team.yaml"
    bad.write_text(EXAMPLE_TEAM.read_text().replace("first_response: 20m", "first_response: soon"))
    result = cli("apply", str(bad))
    assert result.code == 2
    assert result.err.startswith("dutydesk: error: ")
    assert "support.targets.P1.first_response" in result.err
    assert "'soon' is not a target like 20m, 2h, 1h30m, 1d or 2 support days" in result.err


def test_support_days_in_calendar_hours_are_refused(cli, tmp_path):
    bad = tmp_path / "team.yaml"
    bad.write_text(
        EXAMPLE_TEAM.read_text().replace(
            "P1: {first_response: 20m, update_every: 1h, calendar: true}",
            "P1: {first_response: 1 support day, update_every: 1h, calendar: true}",
        )
    )
    result = cli("apply", str(bad))
    assert result.code == 2
    assert "support days count only in support hours" in result.err
