"""External rotas: refreshing a feed of 5,000 events with 500 exceptions (< 1 s), and `who` on
an external rota against a native one (no dearer).

The refresh is the worker's, whole: a conditional GET of the feed from a server on loopback,
reading it (bench/external_feed.py's feed: eight layers of one-off shifts and ten daily
rotations with EXDATEs and moved instances), and storing its shifts in one transaction, the
old ones replaced. Each run's feed differs from the last (two versions, alternately), so every
run stores its shifts; the ceiling printed beside it is icalendar's parse of the same bytes
alone, the part no refresh can skip.

`who` is asked of the external rota (the same feed's 6,670 stored shifts) and of a native rota
of three layers (weekly, nightly, weekends) with 200 overrides over the year, in the same
database, through the service as the API and the CLI ask it.

Run: `.venv/bin/python -m bench.external_rotas` (SQLite and PostgreSQL; `sqlite` or
`postgresql` for one; PostgreSQL at DUTYDESK_BENCH_POSTGRES_URL or the local default).
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import icalendar
from sqlalchemy import create_engine, func, select, text

from bench.external_feed import EXCEPTIONS, NOW, feed
from bench.oncall import Timing, timed_ms
from bench.outbox import create_database_if_missing
from bench.ticket_queue import machine
from dutydesk import migrate
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.external_rotas.due import refresh_external_rotas
from dutydesk.external_rotas.feed import MatchBy, MatchRule, TeamPerson, default_window, read_feed
from dutydesk.external_rotas.fetch import FeedFetched, fetch_feed
from dutydesk.external_rotas.models import ExternalRota, ExternalShift
from dutydesk.oncall import service as oncall
from dutydesk.overrides.service import add_override
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file

CEILING_SECONDS = 1.0
ZONE = ZoneInfo("Europe/London")
RUNS = 5
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/dutydesk_bench_external"
PATH = "/private/bench-0123456789abcdef/feed.ics"
MATCH = r"On [Cc]all(?: -|:) (?P<name>Person \d+)"


class _Feeds:
    """Two versions of the feed, served alternately, each with its own ETag."""

    def __init__(self) -> None:
        first = feed()
        # The second version has one shift more: a change, so every run stores.
        extra = (
            b"BEGIN:VEVENT\r\nUID:extra@bench\r\nDTSTAMP:20260101T000000Z\r\n"
            b"DTSTART:20260120T000000Z\r\nDTEND:20260120T060000Z\r\n"
            b"SUMMARY:On Call - Person 3 - Extra\r\nEND:VEVENT\r\n"
        )
        second = first.replace(b"END:VCALENDAR", extra + b"END:VCALENDAR")
        self.versions = [first, second]
        self.served = 0

    def next(self) -> tuple[bytes, str]:
        body = self.versions[self.served % 2]
        self.served += 1
        return body, f'"v{self.served}"'


@contextmanager
def feed_server(feeds: _Feeds) -> Iterator[str]:
    """The feed on a loopback port; yields its URL."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            body, etag = feeds.next()
            self.send_response(200)
            self.send_header("Content-Type", "text/calendar; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.send_header("ETag", etag)
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}{PATH}"
    finally:
        server.shutdown()
        server.server_close()


def team_file(url: str) -> str:
    people = "\n".join(
        f"  - {{id: p{n}, name: Person {n}, email: person{n}@example.org}}" for n in range(20)
    )
    mapping = ", ".join(f"Person {n}: p{n}" for n in range(20))
    return f"""
team: bench
timezone: Europe/London
holidays: GB-ENG
people:
{people}
rotas:
  - id: native
    name: Native
    layers:
      - {{members: [p0, p1, p2, p3], shift: 1w, handoff: "Mon 09:30", start: 2025-10-06}}
      - members: [p4, p5, p6]
        shift: 1d
        handoff: "17:30"
        start: 2025-10-01
        hours: ["Mon-Fri 17:30-09:30"]
      - members: [p7, p8]
        shift: 1w
        handoff: "Sat 00:00"
        start: 2025-10-04
        hours: ["Sat-Sun 00:00-24:00"]
  - id: followed
    name: Followed
    external:
      url: {url}
      match: {{by: people, pattern: '{MATCH}', people: {{{mapping}}}}}
"""


def prepared(url: str, feed_url: str) -> Runtime:
    """A migrated database at `url` with the team, and 200 overrides on the native rota."""
    if url.startswith("postgresql"):
        create_database_if_missing(url)
        engine = create_engine(url)
        with engine.begin() as connection:
            connection.execute(text("DROP SCHEMA public CASCADE"))
            connection.execute(text("CREATE SCHEMA public"))
        engine.dispose()
    runtime = bootstrap(Settings(database_url=url), FrozenClock(NOW))
    migrate.upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        apply(session, read_team_file(team_file(feed_url), "team.yaml"), NOW, actor="bench")
        session.commit()
    chooser = random.Random(11)
    year_start = datetime(2026, 1, 1, tzinfo=UTC)
    with unit_of_work(runtime.sessions) as session:
        for _ in range(200):
            start = year_start + timedelta(hours=chooser.randrange(0, 364 * 24))
            add_override(
                session,
                rota_id="native",
                person_id=f"p{chooser.randrange(20)}",
                start=start,
                end=start + timedelta(hours=chooser.choice((2, 4, 8, 24))),
                note=None,
                actor="bench",
                now=year_start - timedelta(days=1),
            )
        session.commit()
    return runtime


def measure(engine_name: str, url: str) -> None:
    feeds = _Feeds()
    with feed_server(feeds) as feed_url:
        runtime = prepared(url, feed_url)
        try:
            timings = []
            for run in range(RUNS + 1):
                # Due now, as the refresh interval would make it.
                with unit_of_work(runtime.sessions) as session:
                    row = session.get(ExternalRota, "followed")
                    assert row is not None
                    row.next_fetch_at = NOW
                    session.commit()
                began = time.perf_counter()
                assert refresh_external_rotas(runtime, only="followed") == 1
                if run:  # the first one warms the process (imports, compiled statements)
                    timings.append(time.perf_counter() - began)
            with unit_of_work(runtime.read_sessions) as session:
                stored = session.scalar(select(func.count()).select_from(ExternalShift)) or 0
                row = session.get(ExternalRota, "followed")
                assert row is not None and row.failure_reason is None, row.failure_message
            fetch, read, parse = _parts(feed_url, feeds.versions[0])
            median = statistics.median(timings)
            floor = fetch + read
            print(
                f"  {engine_name}: refresh of {len(feeds.versions[0]) / 1e6:.2f} MB, 5,000 events"
                f" ({EXCEPTIONS} exceptions) -> {stored:,} shifts stored: median"
                f" {median * 1000:.0f} ms of {RUNS} (best {min(timings) * 1000:.0f} ms),"
                f" {median / CEILING_SECONDS:.0%} of the {CEILING_SECONDS:.0f} s target;"
                f" its fetch alone {fetch * 1000:.0f} ms and reading alone {read * 1000:.0f} ms"
                f" (the floor, {floor * 1000:.0f} ms: the refresh is {median / floor:.2f}x it);"
                f" icalendar's parse of the whole feed alone would take {parse * 1000:.0f} ms"
            )
            _who(engine_name, runtime)
        finally:
            runtime.close()


def _parts(feed_url: str, body: bytes) -> tuple[float, float, float]:
    """Medians, in seconds, of the refresh's parts alone: the fetch, the reading, and what
    icalendar's parse of the whole document would cost (the reading parses only part of it)."""
    fetches, reads, parses = [], [], []
    start, end = default_window(NOW)
    rule = MatchRule(MatchBy.PEOPLE, MATCH, {f"Person {n}": f"p{n}" for n in range(20)})
    people = [TeamPerson(f"p{n}", f"Person {n}", (f"person{n}@example.org",)) for n in range(20)]
    for _ in range(RUNS):
        began = time.perf_counter()
        fetched = fetch_feed(feed_url)
        fetches.append(time.perf_counter() - began)
        assert isinstance(fetched, FeedFetched)
        began = time.perf_counter()
        read_feed(body, window_start=start, window_end=end, zone=ZONE, rule=rule, people=people)
        reads.append(time.perf_counter() - began)
        began = time.perf_counter()
        icalendar.Calendar.from_ical(body)
        parses.append(time.perf_counter() - began)
    return statistics.median(fetches), statistics.median(reads), statistics.median(parses)


def _who(engine_name: str, runtime: Runtime) -> None:
    """`who` on the external rota and on the native one, at instants across the window."""
    chooser = random.Random(5)
    instants = [
        NOW + timedelta(minutes=chooser.randrange(-80 * 24 * 60, 170 * 24 * 60)) for _ in range(200)
    ]

    def ask(rota: str) -> Timing:
        def run() -> None:
            with unit_of_work(runtime.read_sessions) as session:
                for at in instants:
                    oncall.who(session, [rota], at)

        return timed_ms(run, repeats=7)

    native, followed = ask("native"), ask("followed")
    per = len(instants)
    each, best = followed.median_ms / per * 1000, followed.best_ms / per * 1000
    print(
        f"  {engine_name}: who on one rota, {per} instants: external"
        f" {each:.0f} µs each (best {best:.0f}),"
        f" native (3 layers, 200 overrides) {native.median_ms / per * 1000:.0f} µs each"
        f" (best {native.best_ms / per * 1000:.0f}); external/native"
        f" {followed.median_ms / native.median_ms:.2f}"
    )


def run(engines: tuple[str, ...] = ("sqlite", "postgresql")) -> None:
    print(f"external rotas: {machine()}")
    for engine in engines:
        if engine == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                measure("SQLite", f"sqlite:///{Path(folder) / 'bench.sqlite3'}")
        else:
            measure("PostgreSQL", os.environ.get("DUTYDESK_BENCH_POSTGRES_URL", DEFAULT_PG_URL))


if __name__ == "__main__":
    run(tuple(sys.argv[1:]) or ("sqlite", "postgresql"))
