"""How long the busiest pages take to render: the dashboard and a rota's month calendar.

No target is named by the web issue; Dutydesk holds itself to pages a person does not wait
for — under 100 ms each, measured in process (no network), the median of several requests on
the example team in SQLite with a week of overrides, break cover and an open swap request.
"""

from __future__ import annotations

import re
import tempfile
from datetime import timedelta
from pathlib import Path

from fastapi.testclient import TestClient

from bench.oncall import report, timed_ms
from dutydesk import migrate
from dutydesk.app import create_app
from dutydesk.auth import service as auth
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.overrides.service import add_override
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file

EXAMPLE_TEAM = Path(__file__).parent.parent / "examples" / "team.yaml"
PASSWORD = "benchmark password"
TARGET_MS = 100.0


def run() -> None:
    """Print the render times of the dashboard, a week and a month of the calendar."""
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/pages.sqlite3"
        runtime = bootstrap(Settings(database_url=url, secret_key="b" * 32))
        migrate.upgrade(runtime.engine)
        now = runtime.clock.now()
        with unit_of_work(runtime.sessions) as session:
            apply(
                session, read_team_file(EXAMPLE_TEAM.read_text(), "team.yaml"), now, actor="bench"
            )
            auth.add_user(
                session,
                username="alice",
                role="responder",
                person_id="alice",
                password=PASSWORD,
                now=now,
            )
            for day in range(1, 29):
                start = now + timedelta(days=day, hours=1)
                add_override(
                    session,
                    rota_id="engineering",
                    person_id="carol",
                    start=start,
                    end=start + timedelta(hours=2),
                    note=None,
                    actor="bench",
                    now=now,
                )
            session.commit()
        with TestClient(create_app(runtime), headers={"accept": "text/html"}) as client:
            form = client.get("/sign-in").text
            token = re.search(r'name="csrf_token" value="([0-9a-f]+)"', form)
            assert token is not None
            signed_in = client.post(
                "/sign-in",
                data={"csrf_token": token.group(1), "username": "alice", "password": PASSWORD},
                follow_redirects=False,
            )
            assert signed_in.status_code == 303
            target = f"(target < {TARGET_MS:.0f} ms)"
            for label, path in (
                ("page: dashboard", "/"),
                ("page: rota calendar, week", "/rotas/engineering"),
                ("page: rota calendar, month (28 overrides)", "/rotas/engineering?view=month"),
            ):
                assert client.get(path).status_code == 200, path
                report(label, timed_ms(lambda p=path: client.get(p), repeats=25), target)
        runtime.close()


if __name__ == "__main__":
    run()
