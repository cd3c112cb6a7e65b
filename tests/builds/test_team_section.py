"""The team file's `builds:`: which branches are main branches, applied, exported back, checked,
and left out of the export when it is the default."""

from __future__ import annotations

import yaml

TEAM = "team: paas\ntimezone: Europe/London\n"


def test_builds_main_branches_are_applied_and_exported(make_team, cli, tmp_path):
    make_team(TEAM + "builds:\n  main_branches: [trunk, release]\n")
    exported = yaml.safe_load(cli("export").out)
    assert exported["builds"] == {"main_branches": ["trunk", "release"]}


def test_the_default_main_branches_are_left_out_of_the_export(make_team, cli):
    make_team(TEAM + "builds:\n  main_branches: [main, master]\n")
    assert yaml.safe_load(cli("export").out)["builds"] == {}


def test_a_bad_builds_section_is_refused_with_where(cli, tmp_path):
    path = tmp_path / "team.yaml"
    for section, message in (
        ("builds:\n  main_branches: []\n", "main_branches"),
        ('builds:\n  main_branches: ["line\\nbreak"]\n', "main_branches"),
        ("builds:\n  main_branch: [main]\n", "main_branch"),
    ):
        path.write_text(TEAM + section)
        answer = cli("apply", str(path))
        assert answer.code == 2, section
        assert message in answer.err
