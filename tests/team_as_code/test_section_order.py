"""The order sections are applied in: each after the sections whose ids it names."""

from __future__ import annotations

import pytest

from dutydesk.people.team_section import SECTION
from dutydesk.team_as_code.spec import RegisteredSection, apply_order


def section(key: str, *names: str) -> RegisteredSection:
    return RegisteredSection(key, names, SECTION)


def test_a_section_comes_after_the_ones_it_names_and_otherwise_keeps_the_file_order():
    sections = [section("a"), section("b", "d"), section("c", "a"), section("d", "a")]
    assert [s.key for s in apply_order(sections)] == ["a", "c", "d", "b"]


def test_sections_that_name_each_other_are_a_mistake_in_the_declarations():
    with pytest.raises(RuntimeError, match="in a circle: a names \\['b'\\], b names \\['a'\\]"):
        apply_order([section("a", "b"), section("b", "a")])
