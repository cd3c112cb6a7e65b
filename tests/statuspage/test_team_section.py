"""The team file's `status_page:`: its groups and components made as the file's own, kept in step
by every apply (their live state left as it is), exported back; components made through the
API or the pages left alone."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid
from dutydesk.statuspage import components, snapshot
from dutydesk.statuspage.components import ComponentFields
from dutydesk.statuspage.models import StatusComponent
from dutydesk.team_as_code.spec import read_team_file

TEAM = """\
team: paas
services:
  - {id: platform-api, name: Platform API}
  - {id: router, name: Router}
status_page:
  name: Example Platform status
  groups:
    - id: hosting
      name: Hosting
  components:
    - id: routing
      name: App routing
      group: hosting
      description: Requests to tenants' apps
      services: [router]
    - id: api
      name: Platform API
      services: [platform-api, router]
    - id: logs
      name: Logs
      group: hosting
      only_show_if_degraded: true
"""
# The same team before it has a status page.
BASE = TEAM[: TEAM.index("status_page:")]


@pytest.fixture
def apply_text(cli, tmp_path: Path):
    """Apply a team file given as text with `dutydesk apply`; returns the CLI's result."""

    def apply(text: str):
        path = tmp_path / "team.yaml"
        path.write_text(text)
        return cli("apply", str(path))

    return apply


@pytest.fixture
def export_text(cli):
    """`dutydesk export`'s text."""

    def export() -> str:
        result = cli("export")
        assert result.code == 0, result.err
        return result.out

    return export


def rows(runtime) -> list[tuple[object, ...]]:
    """Every component in page order: id, position, group, group id, services, the file's."""
    with unit_of_work(runtime.read_sessions) as session:
        return [
            (c.id, c.position, c.is_group, c.group_id, c.services, c.from_file)
            for c in components.list_components(session)
        ]


def component(runtime, component_id: str) -> StatusComponent:
    with unit_of_work(runtime.read_sessions) as session:
        found = components.get_component(session, component_id)
        session.expunge(found)
        return found


def page(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        stored = snapshot.stored(session)
    assert stored is not None
    return stored[1]


def test_applying_makes_the_files_groups_and_components_in_the_pages_order(runtime, apply_text):
    result = apply_text(TEAM)

    assert result.code == 0, result.err
    assert "+ create status_page settings" in result.out
    # Listed components in order, a group where its first component is, with all of its own.
    assert rows(runtime) == [
        ("hosting", 1, True, None, [], True),
        ("routing", 2, False, "hosting", ["router"], True),
        ("logs", 3, False, "hosting", [], True),
        ("api", 4, False, None, ["platform-api", "router"], True),
    ]
    routing = component(runtime, "routing")
    assert (routing.name, routing.description) == ("App routing", "Requests to tenants' apps")
    assert component(runtime, "logs").only_show_if_degraded is True
    shown = page(runtime)
    assert shown.name == "Example Platform status"
    assert [c.id for c in shown.components] == ["hosting", "routing", "logs", "api"]
    assert shown.component("hosting").components == ("routing", "logs")
    assert shown.component("routing").status == "operational"


def test_a_second_apply_changes_nothing(runtime, apply_text):
    apply_text(TEAM)
    with unit_of_work(runtime.read_sessions) as session:
        version = snapshot.stored_version(session)

    again = apply_text(TEAM)

    assert again.code == 0
    assert "No changes: team paas is up to date." in again.out
    with unit_of_work(runtime.read_sessions) as session:
        assert snapshot.stored_version(session) == version


def test_a_changed_file_renames_removes_and_adds_and_leaves_the_live_state(
    runtime, clock, apply_text
):
    apply_text(TEAM)
    clock.advance(timedelta(minutes=5))
    with unit_of_work(runtime.sessions) as session:
        routing = components.get_component(session, "routing")
        components.set_state(session, routing, "major_outage", now=clock.now())
        session.commit()
    changed = (
        TEAM.replace("name: App routing", "name: Routing")
        .replace("    - id: logs\n      name: Logs\n      group: hosting\n", "")
        .replace("      only_show_if_degraded: true\n", "")
        + "    - id: metrics\n      name: Metrics\n      group: hosting\n"
    )

    result = apply_text(changed)

    assert result.code == 0, result.err
    assert "~ update status_page settings (components)" in result.out
    assert rows(runtime) == [
        ("hosting", 1, True, None, [], True),
        ("routing", 2, False, "hosting", ["router"], True),
        ("metrics", 3, False, "hosting", [], True),
        ("api", 4, False, None, ["platform-api", "router"], True),
    ]
    routing = component(runtime, "routing")
    assert routing.name == "Routing"
    assert routing.status == "major_outage"
    shown = page(runtime)
    assert shown.component("logs") is None
    assert shown.component("routing").name == "Routing"
    assert shown.component("routing").status == "major_outage"
    assert shown.component("hosting").status == "major_outage"  # its worst component's
    assert shown.component("hosting").components == ("routing", "metrics")


def test_a_file_component_changed_through_the_api_is_put_back_by_the_next_apply(
    runtime, clock, apply_text
):
    apply_text(TEAM)
    with unit_of_work(runtime.sessions) as session:
        api = components.get_component(session, "api")
        components.change_component(
            session, api, ComponentFields(name="API v2", group_id="hosting"), now=clock.now()
        )
        session.commit()

    result = apply_text(TEAM)

    assert "~ update status_page settings (components)" in result.out
    api = component(runtime, "api")
    assert (api.name, api.group_id) == ("Platform API", None)


def test_a_component_made_through_the_api_is_left_alone_and_not_exported(
    runtime, clock, apply_text, export_text
):
    apply_text(BASE)
    with unit_of_work(runtime.sessions) as session:
        components.create_component(
            session, ComponentFields(name="Dashboard", position=9), now=clock.now(),
            component_id="dashboard",
        )  # fmt: skip
        session.commit()
    apply_text(TEAM)
    apply_text(TEAM.replace("name: Logs", "name: App logs"))

    dashboard = component(runtime, "dashboard")
    assert (dashboard.name, dashboard.position, dashboard.from_file) == ("Dashboard", 9, False)
    exported = yaml.safe_load(export_text())["status_page"]
    assert [c["id"] for c in exported["components"]] == ["routing", "api", "logs"]

    # Without `status_page:`, the file's components go and the page has its default name.
    result = apply_text(BASE)
    assert "- remove status_page settings" in result.out
    assert [row[0] for row in rows(runtime)] == ["dashboard"]
    assert page(runtime).name == "paas status"
    assert "status_page" not in yaml.safe_load(export_text())


def test_a_component_made_through_the_api_with_an_id_of_the_file_is_taken_over(
    runtime, clock, apply_text, export_text
):
    apply_text(BASE)
    with unit_of_work(runtime.sessions) as session:
        made = components.create_component(
            session, ComponentFields(name="Old API", status="partial_outage"),
            now=clock.now(), component_id="api",
        )  # fmt: skip
        session.commit()
        assert made.from_file is False

    assert apply_text(TEAM).code == 0

    api = component(runtime, "api")
    assert (api.name, api.from_file, api.status) == ("Platform API", True, "partial_outage")
    assert api.services == ["platform-api", "router"]
    assert "Old API" not in export_text()


def test_a_component_that_becomes_a_group_is_made_again_as_one(runtime, apply_text):
    apply_text(TEAM)
    as_group = TEAM.replace(
        "    - id: logs\n      name: Logs\n      group: hosting\n      only_show_if_degraded: true\n",
        "",
    ).replace("    - id: hosting\n", "    - id: logs\n      name: Logs\n    - id: hosting\n")

    assert apply_text(as_group).code == 0

    assert ("logs", 4, True, None, [], True) in rows(runtime)


def test_a_group_made_through_the_api_is_not_taken_over_as_a_component(runtime, clock, apply_text):
    apply_text(BASE)
    with unit_of_work(runtime.sessions) as session:
        components.create_component(
            session, ComponentFields(name="APIs", is_group=True), now=clock.now(),
            component_id="api",
        )  # fmt: skip
        session.commit()

    result = apply_text(TEAM)

    assert result.code != 0
    assert "'api' is a group made through the API or the pages" in result.err
    assert [row[0] for row in rows(runtime)] == ["api"]  # nothing was applied
    assert page(runtime).name == "paas status"


def test_export_then_apply_round_trips(runtime, apply_text, export_text):
    with_lines = TEAM.replace(
        "      description: Requests to tenants' apps\n",
        "      description: |\n        Requests to tenants' apps.\n        Not the API.\n",
    )
    apply_text(with_lines)
    exported = export_text()

    assert yaml.safe_load(exported)["status_page"] == {
        "name": "Example Platform status",
        "groups": [{"id": "hosting", "name": "Hosting"}],
        "components": [
            {
                "id": "routing",
                "name": "App routing",
                "description": "Requests to tenants' apps.\nNot the API.",
                "group": "hosting",
                "services": ["router"],
            },
            {"id": "api", "name": "Platform API", "services": ["platform-api", "router"]},
            {"id": "logs", "name": "Logs", "group": "hosting", "only_show_if_degraded": True},
        ],
    }
    again = apply_text(exported)
    assert "No changes" in again.out
    assert export_text() == exported


def test_an_empty_status_page_round_trips(apply_text, export_text):
    apply_text("team: paas\nstatus_page: {}\n")

    exported = export_text()

    assert yaml.safe_load(exported)["status_page"] == {}
    assert "No changes" in apply_text(exported).out


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            ("    - id: logs\n", "    - id: hosting\n"),
            "19: status_page.components[2].id: duplicate status page id 'hosting'",
        ),
        (
            ("      group: hosting\n      description", "      group: hostng\n      description"),
            "13: status_page.components[0].group: 'hostng' is not one of the groups of status_page",
        ),
        (
            ("services: [platform-api, router]", "services: [platform-api, routr]"),
            "18: status_page.components[1].services: 'routr' is not a service in this file",
        ),
        (
            ("name: Hosting", "name: '  '"),
            "9: status_page.groups[0].name: must not be blank",
        ),
        (
            ("description: Requests to tenants' apps", 'description: "Requests\\tto apps"'),
            "14: status_page.components[0].description: must not contain tabs (found U+0009)",
        ),
    ],
)
def test_a_mistake_in_status_page_is_refused_with_its_line(
    runtime, apply_text, tmp_path: Path, change, expected
):
    result = apply_text(TEAM.replace(*change, 1))

    assert result.code == 2
    assert result.err.strip() == f"dutydesk: error: {tmp_path / 'team.yaml'}:{expected}"
    assert rows(runtime) == []


def test_a_description_may_span_lines_but_a_name_may_not():
    spec = read_team_file(
        TEAM.replace("name: Logs", 'name: Logs\n      description: "One\\nTwo"'), "team.yaml"
    )
    assert spec.status_page.components[2].description == "One\nTwo"
    with pytest.raises(Invalid, match="must be one line"):
        read_team_file(TEAM.replace("name: Logs", 'name: "Lo\\ngs"'), "team.yaml")


def test_the_example_team_has_a_status_page(runtime, example_team):
    shown = page(runtime)

    assert shown.name == "PaaS status"
    assert [(c.id, c.is_group) for c in shown.components] == [
        ("cf-api", False),
        ("tenant-apps", True),
        ("app-traffic", False),
        ("app-logs", False),
        ("app-metrics", False),
    ]
    assert component(runtime, "cf-api").services == ["platform-api"]
