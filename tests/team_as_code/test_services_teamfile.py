"""Services in the team file: read, checked with line numbers, like people and rotas."""

from __future__ import annotations

import pytest

from dutydesk.errors import Invalid
from dutydesk.team_as_code.spec import read_team_file

GOOD = """\
team: paas
services:
  - {id: platform-api, name: Platform API, description: The Cloud Foundry API}
  - id: router
    name: Router
"""


def error_for(text: str) -> str:
    with pytest.raises(Invalid) as raised:
        read_team_file(text, "team.yaml")
    return raised.value.message


def test_services_are_read_in_order_with_optional_descriptions():
    spec = read_team_file(GOOD, "team.yaml")
    assert [(s.id, s.name, s.description) for s in spec.services] == [
        ("platform-api", "Platform API", "The Cloud Foundry API"),
        ("router", "Router", None),
    ]


def test_a_file_without_services_has_none():
    assert read_team_file("team: paas\n", "team.yaml").services == []


def test_a_duplicate_service_id_names_the_line_of_the_second():
    text = GOOD.replace("id: router", "id: platform-api")
    assert error_for(text) == "team.yaml:4: services[1].id: duplicate service id 'platform-api'"


def test_a_service_id_that_is_not_a_slug_names_its_line():
    text = GOOD.replace("id: router", "id: Router API")
    assert error_for(text) == (
        "team.yaml:4: services[1].id: 'Router API' is not an id:"
        " use lower-case letters, digits, '-' and '_' (at most 64)"
    )


def test_a_service_without_a_name_is_refused():
    text = GOOD.replace("    name: Router\n", "")
    assert error_for(text) == "team.yaml:4: services[1].name: is required"


def test_an_unknown_service_field_is_refused():
    text = GOOD.replace("    name: Router\n", "    name: Router\n    colour: red\n")
    assert error_for(text) == "team.yaml:6: services[1].colour: is not a known field"
