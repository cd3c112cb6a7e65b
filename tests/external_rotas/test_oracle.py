"""The oracle: a second Dutydesk follows the first one's rota feeds as external rotas, and both
must say the same of who is on call, for every hour of a quarter, DST days included.

The first instance (the oracle) is the example team, with overrides and break cover, on a
SQLite file of its own, served by uvicorn on a loopback port with its real feed routes. The
second is the test's database (SQLite and PostgreSQL), with the same people and every rota
external, matched by the summary Dutydesk's feeds write ("Alice Archer on call").
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import uvicorn
import yaml

from dutydesk import migrate
from dutydesk.app import create_app
from dutydesk.calendars.service import rota_feed_path
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.external_rotas.due import refresh_external_rotas
from dutydesk.oncall.service import shifts, who
from dutydesk.overrides.service import add_override
from dutydesk.rotas.oncall import Segment
from dutydesk.rotas.service import list_rotas
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from tests.conftest import EXAMPLE_TEAM

DUTYDESK_SUMMARY = r"^(?P<name>.+) on call(?: \(override\))?$"
HOUR = timedelta(hours=1)


@dataclass(frozen=True)
class Quarter:
    """A quarter, the clocks of both instances at its start, and the DST change inside it."""

    start: datetime
    end: datetime
    clocks_change: datetime


# Europe/London: forward on Sunday 29 March 2026, back on Sunday 25 October 2026.
SPRING = Quarter(
    datetime(2026, 2, 2, tzinfo=UTC),
    datetime(2026, 5, 4, tzinfo=UTC),
    datetime(2026, 3, 29, 1, tzinfo=UTC),
)
AUTUMN = Quarter(
    datetime(2026, 9, 7, tzinfo=UTC),
    datetime(2026, 12, 7, tzinfo=UTC),
    datetime(2026, 10, 25, 1, tzinfo=UTC),
)


@dataclass
class Oracle:
    runtime: Runtime
    base_url: str
    feeds: dict[str, str]  # rota id -> the feed's whole URL


def serve(runtime: Runtime) -> Iterator[str]:
    """Serve the runtime's application on a loopback port until the generator is closed.

    The socket listens before uvicorn starts, so the first fetch connects at once and is
    answered as soon as the server runs: nothing waits for it to be ready.
    """
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(64)
    port = listener.getsockname()[1]
    server = uvicorn.Server(
        uvicorn.Config(create_app(runtime), log_level="warning", access_log=False, lifespan="off")
    )
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(30)
        listener.close()


@pytest.fixture(scope="module", params=[SPRING, AUTUMN], ids=["spring", "autumn"])
def quarter(request: pytest.FixtureRequest) -> Quarter:
    return request.param


@pytest.fixture(scope="module")
def oracle(tmp_path_factory: pytest.TempPathFactory, quarter: Quarter) -> Iterator[Oracle]:
    """The first instance: the example team with overrides and cover, served over HTTP; one
    per quarter for the module (its clock stands still, and nothing changes it)."""
    clock = FrozenClock(quarter.start)
    folder: Path = tmp_path_factory.mktemp("oracle")
    runtime = bootstrap(
        Settings(
            database_url=f"sqlite:///{folder / 'oracle.sqlite3'}",
            base_url="http://oracle.test",
            secret_key="o" * 32,
        ),
        clock,
    )
    migrate.upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        apply(
            session, read_team_file(EXAMPLE_TEAM.read_text(), "team.yaml"), clock.now(), actor="cli"
        )
        session.commit()
    change = quarter.clocks_change
    with unit_of_work(runtime.sessions) as session:
        for rota_id, person_id, start, end in (
            # Across the night the clocks change, and inside a weekday's covered hours.
            ("escalation", "dan", change - 20 * HOUR, change + 30 * HOUR),
            ("engineering", "erin", change + 3 * 24 * HOUR, change + 3 * 24 * HOUR + 5 * HOUR),
            # The person already on call, overriding their own shift (a joined stretch).
            ("comms", "dan", change + 8 * 24 * HOUR, change + 9 * 24 * HOUR),
            ("escalation", "alice", quarter.start + 40 * 24 * HOUR, quarter.start + 41 * 24 * HOUR),
        ):
            add_override(
                session,
                rota_id=rota_id,
                person_id=person_id,
                start=start,
                end=end,
                note=None,
                actor="cli",
                now=clock.now(),
            )
        session.commit()
    with unit_of_work(runtime.read_sessions) as session:
        paths = {
            rota.id: rota_feed_path(runtime.secret_key(), rota) for rota in list_rotas(session)
        }
    served = serve(runtime)
    base_url = next(served)
    try:
        yield Oracle(runtime, base_url, {rota: base_url + path for rota, path in paths.items()})
    finally:
        served.close()
        runtime.close()


@pytest.fixture
def follower(runtime: Runtime, clock: FrozenClock, make_team, oracle: Oracle, quarter: Quarter):
    """The second instance: the same people, every rota followed from the oracle's feed."""
    clock.set(quarter.start)
    example = yaml.safe_load(EXAMPLE_TEAM.read_text())
    team = {
        key: example[key] for key in ("team", "timezone", "holidays", "people") if key in example
    }
    team["rotas"] = [
        {
            "id": rota_id,
            "name": f"{rota_id} (followed)",
            "external": {
                "url": url,
                "match": {"by": "summary", "pattern": DUTYDESK_SUMMARY},
            },
        }
        for rota_id, url in oracle.feeds.items()
    ]
    make_team(yaml.safe_dump(team, sort_keys=False))
    assert refresh_external_rotas(runtime) == len(oracle.feeds)
    return runtime


def merged(segments: list[Segment]) -> list[tuple[str, datetime, datetime]]:
    """A schedule as (person, start, end), neighbours with the same person joined: a feed says
    who, not whether from a layer or an override."""
    joined: list[tuple[str, datetime, datetime]] = []
    for segment in segments:
        if joined and joined[-1][0] == segment.person and joined[-1][2] == segment.start:
            joined[-1] = (segment.person, joined[-1][1], segment.end)
        else:
            joined.append((segment.person, segment.start, segment.end))
    return joined


def test_who_agrees_with_the_oracle_every_hour_of_the_quarter(follower, oracle, quarter):
    rotas = list(oracle.feeds)
    hour, checked, staffed = quarter.start, 0, 0
    with (
        unit_of_work(oracle.runtime.read_sessions) as original,
        unit_of_work(follower.read_sessions) as followed,
    ):
        while hour < quarter.end:
            expected = [answer.now.person for answer in who(original, rotas, hour)]
            assert [answer.now.person for answer in who(followed, rotas, hour)] == expected, hour
            hour += HOUR
            checked += 1
            staffed += sum(person is not None for person in expected)
        # The override across the night the clocks change is followed as it is.
        assert who(followed, ["escalation"], quarter.clocks_change)[0].now.person == "dan"
    assert checked >= 24 * 90
    assert staffed > checked  # the 24x7 escalation rota, and the in-hours ones by day


def test_schedule_agrees_with_the_oracle_over_the_quarter(follower, oracle, quarter):
    with (
        unit_of_work(oracle.runtime.read_sessions) as original,
        unit_of_work(follower.read_sessions) as followed,
    ):
        for rota_id in oracle.feeds:
            expected = merged(shifts(original, rota_id, quarter.start, quarter.end))
            assert expected, rota_id
            assert merged(shifts(followed, rota_id, quarter.start, quarter.end)) == expected


def test_the_day_the_clocks_change_is_followed_to_the_minute(follower, oracle, quarter):
    day_start = quarter.clocks_change - timedelta(hours=1)
    minute = timedelta(minutes=1)
    with (
        unit_of_work(oracle.runtime.read_sessions) as original,
        unit_of_work(follower.read_sessions) as followed,
    ):
        for rota_id in oracle.feeds:
            at = day_start
            while at < day_start + timedelta(days=2):
                assert (
                    who(followed, [rota_id], at)[0].now.person
                    == who(original, [rota_id], at)[0].now.person
                ), (rota_id, at)
                at += 15 * minute
