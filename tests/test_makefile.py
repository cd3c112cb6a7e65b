"""The Makefile a new user runs: what `make demo` and `make test` install, and the address shown.

Each test runs the real `make -n` (print, do not run) on a copy of the Makefile, with the venv's
install stamps arranged as a previous run would have left them.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import SLOW

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def checkout(tmp_path: Path) -> Path:
    """A copy of the Makefile and pyproject.toml, with a venv whose python exists."""
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, tmp_path / name)
    (tmp_path / ".venv" / "bin").mkdir(parents=True)
    (tmp_path / ".venv" / "bin" / "python").touch()
    return tmp_path


def planned(checkout: Path, target: str, **env: str) -> str:
    """What `make TARGET` would run, without running it."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DUTYDESK_", "MAKE"))}
    done = subprocess.run(
        ["make", "-n", target],
        cwd=checkout,
        env=clean | env,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def stamp(checkout: Path, *names: str) -> None:
    for name in names:
        (checkout / ".venv" / f".installed-{name}").touch()


def test_demo_installs_the_service_without_the_test_extras(checkout):
    plan = planned(checkout, "demo")
    assert "pip install --quiet -e '.[demo]'" in plan
    assert "test" not in plan.split("dutydesk db upgrade")[0]


def test_test_installs_the_test_extras_into_a_venv_the_demo_made(checkout):
    stamp(checkout, "demo")
    assert "pip install --quiet -e '.[demo,test]'" in planned(checkout, "install")


def test_the_demo_installs_nothing_more_into_a_venv_the_tests_made(checkout):
    stamp(checkout, "demo", "test")
    assert "pip install" not in planned(checkout, "demo")
    assert "pip install" not in planned(checkout, "install")


def test_a_changed_pyproject_installs_again(checkout):
    stamp(checkout, "demo", "test")
    old = 1_000_000_000
    for name in (".installed-demo", ".installed-test"):
        os.utime(checkout / ".venv" / name, (old, old))
    assert "pip install --quiet -e '.[demo]'" in planned(checkout, "install-demo")


def test_the_demo_names_the_address_it_listens_on(checkout):
    assert "Open http://127.0.0.1:8000 " in planned(checkout, "demo")
    assert "Open http://127.0.0.1:8123 " in planned(checkout, "demo", DUTYDESK_PORT="8123")
    moved = planned(checkout, "demo", DUTYDESK_HOST="localhost", DUTYDESK_PORT="9000")
    assert "Open http://localhost:9000 " in moved
    assert "http://localhost:9000/mailbox" in moved


def test_the_demo_replaces_its_api_token_instead_of_adding_one(checkout):
    assert "dutydesk token create demo --name demo --replace" in planned(checkout, "demo")


def test_every_slow_test_path_exists() -> None:
    """The slow list names paths: one that moved would silently join the fast loop."""
    assert [path for path in SLOW if not path.exists()] == []
