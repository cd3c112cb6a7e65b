"""A command imports the models it uses; every other table is known before anything is written."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

# A new process, as a command is: a user is written (its foreign key names people's table) with
# only auth's models imported by then, and nothing of the other domains.
WRITE_A_USER_FIRST = textwrap.dedent(
    """
    import sys
    from datetime import UTC, datetime

    from dutydesk.auth.models import User
    from dutydesk.composition import bootstrap
    from dutydesk.db import unit_of_work

    runtime = bootstrap()
    assert "dutydesk.people.models" not in sys.modules
    assert "dutydesk.alerts.models" not in sys.modules
    with unit_of_work(runtime.sessions) as session:
        session.add(User(username="ops", role="admin", created_at=datetime.now(UTC)))
        session.commit()
    with unit_of_work(runtime.read_sessions) as session:
        print(session.query(User.username).one()[0])
    """
)


def test_a_write_with_only_its_own_models_imported_finds_every_foreign_key(database_url):
    environment = {**os.environ, "DUTYDESK_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-c", WRITE_A_USER_FIRST],
        env=environment,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "ops"


def test_reading_imports_no_model_the_command_does_not_use(database_url):
    read_only = textwrap.dedent(
        """
        import sys
        from dutydesk.composition import bootstrap
        from dutydesk.db import unit_of_work
        from dutydesk.team.service import find_team

        runtime = bootstrap()
        with unit_of_work(runtime.read_sessions) as session:
            find_team(session)
        print(sorted(m for m in sys.modules if m.endswith(".models")))
        """
    )
    environment = {**os.environ, "DUTYDESK_DATABASE_URL": database_url}
    done = subprocess.run(
        [sys.executable, "-c", read_only], env=environment, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "['dutydesk.team.models']"
