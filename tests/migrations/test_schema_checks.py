"""Commands refuse to run on a database whose schema does not match, and say what to do."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from dutydesk import migrate
from dutydesk.cli import main
from dutydesk.composition import bootstrap
from dutydesk.settings import Settings


def run_who(url: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    runtime = bootstrap(Settings(database_url=url))
    with pytest.raises(SystemExit) as exited:
        main(["who"], runtime)
    runtime.close()
    code = exited.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


def test_an_empty_database_asks_for_db_upgrade(tmp_path: Path, capsys):
    code, err = run_who(f"sqlite:///{tmp_path / 'empty.sqlite3'}", capsys)
    assert code == 2
    assert "no Dutydesk schema yet: run `dutydesk db upgrade` first" in err


def test_a_database_from_a_newer_dutydesk_asks_for_a_newer_dutydesk(tmp_path: Path, capsys):
    url = f"sqlite:///{tmp_path / 'newer.sqlite3'}"
    runtime = bootstrap(Settings(database_url=url))
    migrate.upgrade(runtime.engine)
    with runtime.engine.begin() as connection:
        connection.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    runtime.close()
    code, err = run_who(url, capsys)
    assert code == 2
    assert "(revision 9999) is newer than this Dutydesk knows" in err
