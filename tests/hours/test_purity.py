"""The support-hours maths stands alone: the standard library, `holidays`, and itself."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

import dutydesk.hours

PACKAGE = Path(dutydesk.hours.__file__).parent
ALLOWED = {"holidays", "dutydesk.hours"}


def imported_names(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("path", sorted(PACKAGE.glob("*.py")), ids=lambda path: path.name)
def test_a_support_hours_module_imports_nothing_else_of_dutydesk(path):
    outside = {
        name
        for name in imported_names(path)
        if name.split(".")[0] not in sys.stdlib_module_names
        and not any(name == allowed or name.startswith(f"{allowed}.") for allowed in ALLOWED)
    }
    assert not outside, f"{path.name} imports {sorted(outside)}"
