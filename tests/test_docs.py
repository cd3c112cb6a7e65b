"""The documentation matches the code: settings, commands, the OpenAPI spec and the quick start.

Run `.venv/bin/python -m tests.test_docs` to regenerate docs/openapi.json.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from dutydesk.app import create_app
from dutydesk.cli import app as cli_app
from dutydesk.composition import bootstrap
from dutydesk.settings import Settings, every_setting

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
DOCS = ROOT / "docs"
OPENAPI = DOCS / "openapi.json"
REGENERATE = ".venv/bin/python -m tests.test_docs"


def openapi_text() -> str:
    """The OpenAPI document of the application, as docs/openapi.json holds it."""
    runtime = bootstrap(Settings(database_url="sqlite://"))
    try:
        spec = create_app(runtime).openapi()
    finally:
        runtime.close()
    return json.dumps(spec, indent=2, sort_keys=True) + "\n"


def write_openapi() -> None:
    """Regenerate docs/openapi.json from the application."""
    OPENAPI.write_text(openapi_text(), encoding="utf-8")


def setting_env_names() -> list[str]:
    """DUTYDESK_<NAME> of every field of Settings."""
    return [setting.env_name for setting in every_setting()]


def command_paths(commands: Any, prefix: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    """Every command and subcommand in a {name: command} map, as name paths."""
    for name, sub in commands.items():
        path = (*prefix, name)
        yield path
        yield from command_paths(getattr(sub, "commands", {}), path)


def markdown_section(text: str, heading: str) -> str:
    """The body of a `## heading` section, up to the next heading of the same level."""
    match = re.search(rf"^## {re.escape(heading)}\s*$(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert match is not None, f"no '## {heading}' section"
    return match.group(1)


@pytest.mark.parametrize("env_name", setting_env_names())
def test_every_setting_is_in_the_configuration_guide(env_name: str) -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    assert f"`{env_name}`" in text, f"docs/configuration.md does not document {env_name}"


@pytest.mark.parametrize("env_name", setting_env_names())
def test_every_setting_is_in_the_readme_configuration_table(env_name: str) -> None:
    table = markdown_section(README.read_text(encoding="utf-8"), "Configuration")
    rows = [line for line in table.splitlines() if line.startswith("|")]
    assert any(f"`{env_name}`" in row for row in rows), f"README table lacks {env_name}"


def test_the_configuration_guide_names_no_setting_that_does_not_exist() -> None:
    text = (DOCS / "configuration.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"\bDUTYDESK_[A-Z_]+[A-Z]\b", text))
    unknown = documented - set(setting_env_names()) - {"DUTYDESK_TEST_DATABASE_URL"}
    assert not unknown, f"docs/configuration.md names settings that do not exist: {unknown}"


def test_the_cli_has_commands_to_document() -> None:
    paths = set(command_paths(cli_app.load_all()))
    assert {("who",), ("db", "upgrade"), ("override", "add")} <= paths


@pytest.mark.parametrize(
    "path",
    sorted(command_paths(cli_app.load_all())),
    ids=lambda path: " ".join(path),
)
def test_every_command_is_in_the_cli_reference(path: tuple[str, ...]) -> None:
    text = (DOCS / "cli.md").read_text(encoding="utf-8")
    usage = "dutydesk " + " ".join(path)
    assert re.search(rf"^#+ `{re.escape(usage)}\b", text, re.M), (
        f"docs/cli.md has no heading for `{usage}`"
    )


def test_openapi_json_matches_the_application() -> None:
    assert OPENAPI.exists(), f"docs/openapi.json is missing; run {REGENERATE}"
    up_to_date = OPENAPI.read_text(encoding="utf-8") == openapi_text()
    assert up_to_date, f"docs/openapi.json is out of date; regenerate it with {REGENERATE}"


def test_readme_quick_start_is_make_demo_then_make_test() -> None:
    quick_start = markdown_section(README.read_text(encoding="utf-8"), "Quick start")
    assert "make demo" in quick_start
    assert "make test" in quick_start


def test_ci_runs_make_test() -> None:
    script = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert re.search(r"^make test\s*$", script, re.M), ".ci/run must call `make test`"


def test_readme_links_to_every_guide() -> None:
    readme = README.read_text(encoding="utf-8")
    guides = sorted(p.relative_to(ROOT).as_posix() for p in DOCS.glob("*.md"))
    missing = [guide for guide in guides if f"]({guide})" not in readme]
    assert not missing, f"README.md does not link to {missing}"


def test_every_adr_has_context_decision_and_consequences() -> None:
    adrs = sorted((DOCS / "adr").glob("[0-9][0-9][0-9][0-9]-*.md"))
    assert adrs, "docs/adr/ has no records"
    for adr in adrs:
        text = adr.read_text(encoding="utf-8")
        for heading in ("Context", "Decision", "Consequences"):
            assert f"## {heading}" in text, f"{adr.name} lacks '## {heading}'"


if __name__ == "__main__":
    write_openapi()
    print(f"Wrote {OPENAPI.relative_to(ROOT)}")
