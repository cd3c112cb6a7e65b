"""GET /metrics: scraped after real traffic (events of every kind through the app, a page through
the outbox to a real SMTP server), parsed with prometheus_client's own parser."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert, text

from dutydesk.app import create_app
from dutydesk.cli import main as cli_main
from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.notify.models import DUE_STATUSES, OutboxMessage
from dutydesk.notify.service import enqueue
from dutydesk.prometheus.database import count_query, earliest_due_query
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.worker.cycles import default_cycles
from dutydesk.worker.loop import Worker

PAYLOADS = Path(__file__).parents[1] / "alerts" / "payloads"
TOKEN = "metrics-token-5f1e7c"
# A policy without hours paging a person, so a trigger pages whatever the clock says.
TEAM = """\
team: paas
timezone: UTC
people:
  - {id: alice, name: Alice Archer, email: alice@example.org}
escalation_policies:
  - id: 24x7
    name: 24x7
    steps:
      - notify: [{person: alice}]
services:
  - {id: platform-api, name: Platform API, escalation_policy: 24x7}
"""

Samples = dict[tuple[str, frozenset[tuple[str, str]]], float]


def parse(text: str) -> Samples:
    """Every sample of a scrape, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(samples: Samples, name: str, **labels: str) -> float | None:
    return samples.get((name, frozenset(labels.items())))


def label_values(samples: Samples, name: str, label: str) -> set[str]:
    return {dict(key)[label] for (sample, key) in samples if sample == name and label in dict(key)}


@pytest.fixture
def make_runtime(database_url: str, clock: FrozenClock) -> Iterator[Callable[..., Runtime]]:
    """A runtime on the test database with settings of the test's choosing."""
    made: list[Runtime] = []

    def make(**settings: Any) -> Runtime:
        built = bootstrap(
            Settings(
                database_url=database_url,
                base_url="http://dutydesk.test",
                secret_key="k" * 32,
                **settings,
            ),
            clock,
        )
        made.append(built)
        return built

    yield make
    for runtime in made:
        runtime.close()


def add_team(runtime: Runtime) -> None:
    with unit_of_work(runtime.sessions) as session:
        apply(session, read_team_file(TEAM, "team.yaml"), runtime.clock.now(), actor="cli")
        session.commit()


def trigger(routing_key: str, dedup_key: str) -> dict[str, Any]:
    return {
        "routing_key": routing_key,
        "event_action": "trigger",
        "dedup_key": dedup_key,
        "payload": {"summary": "disk full", "source": "db-1", "severity": "critical"},
    }


def test_a_scrape_after_real_traffic_counts_events_by_kind_pages_by_channel_and_routes_by_template(
    make_runtime, smtp, capsys
):
    runtime = make_runtime(smtp_url=smtp.url, metrics_token=TOKEN)
    add_team(runtime)

    def cli(*args: str) -> str:
        capsys.readouterr()
        with pytest.raises(SystemExit) as exited:
            cli_main(list(args), runtime)
        assert exited.value.code == 0
        return capsys.readouterr().out.strip()

    key = cli("integration", "add", "platform-api")
    ping_url = cli("heartbeat", "add", "platform-api", "backup", "--every", "1h")
    ping_token = ping_url.rsplit("/", 1)[1]
    alertmanager = json.loads((PAYLOADS / "alertmanager_v4.json").read_text(encoding="utf-8"))
    grafana = json.loads((PAYLOADS / "grafana_v1.json").read_text(encoding="utf-8"))
    with TestClient(create_app(runtime)) as client:
        assert client.post("/v2/enqueue", json=trigger(key, "disk-full")).status_code == 202
        assert client.post("/v2/enqueue", json={"event_action": "trigger"}).status_code == 400
        unknown = "u" * 32
        assert client.post("/v2/enqueue", json=trigger(unknown, "x")).status_code == 404
        change = {"routing_key": key, "payload": {"summary": "deploy 42", "source": "ci"}}
        assert client.post("/v2/change/enqueue", json=change).status_code == 202
        assert client.post(f"/hooks/alertmanager/{key}", json=alertmanager).status_code == 200
        assert client.post(f"/hooks/grafana/{key}", json=grafana).status_code == 200
        assert client.post(f"/hooks/grafana/{unknown}", json=grafana).status_code == 404
        generic = {"action": "trigger", "summary": "queue backed up", "dedup_key": "q"}
        assert client.post(f"/hooks/generic/{key}", json=generic).status_code == 200
        assert client.get(f"/hooks/heartbeat/{ping_token}").status_code == 200
        assert client.post(f"/hooks/heartbeat/{ping_token}").status_code == 200
        assert client.get("/no/such/page-with-secret-s3cr3t").status_code == 404
        assert client.get("/static/style.css").status_code == 200

        handled = Worker(runtime, default_cycles()).run_once()
        assert handled["escalations"] >= 1 and handled["deliveries"] >= 1
        assert smtp.mailbox.wait_for(1)

        answer = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/plain; version=0.0.4")
    samples = parse(answer.text)

    events = {
        ("events_v2", "accepted"): 1,
        ("events_v2", "refused"): 2,
        ("change_events", "accepted"): 1,
        ("alertmanager", "accepted"): 1,
        ("grafana", "accepted"): 1,
        ("grafana", "refused"): 1,
        ("generic", "accepted"): 1,
        ("heartbeat", "accepted"): 2,
    }
    for kind in ("events_v2", "change_events", "alertmanager", "grafana", "generic", "heartbeat"):
        for outcome in ("accepted", "refused", "failed"):
            counted = value(samples, "dutydesk_events_total", kind=kind, outcome=outcome)
            assert counted == events.get((kind, outcome), 0), (kind, outcome)

    pages = len(smtp.mailbox.messages)
    assert value(samples, "dutydesk_outbox_queued_total", channel="email") == pages
    assert (
        value(samples, "dutydesk_outbox_attempts_total", channel="email", outcome="sent") == pages
    )
    assert value(samples, "dutydesk_outbox_messages", status="pending") == 0
    assert value(samples, "dutydesk_outbox_oldest_due_age_seconds") == 0
    assert value(samples, "dutydesk_database_up") == 1

    assert label_values(samples, "dutydesk_worker_cycle_duration_seconds_count", "cycle") == {
        "holidays",
        "mail",
        "tickets",
        "incidents",
        "statuspage",
        "builds",
        "announcements",
        "swaps",
        "external_rotas",
        "heartbeats",
        "escalations",
        "handover",
        "deliveries",
    }
    assert value(samples, "dutydesk_worker_last_pass_timestamp_seconds") == (
        runtime.clock.now().timestamp()
    )

    routes = label_values(samples, "dutydesk_http_request_duration_seconds_count", "route")
    assert routes == {
        "/v2/enqueue",
        "/v2/change/enqueue",
        "/hooks/alertmanager/{key}",
        "/hooks/grafana/{key}",
        "/hooks/generic/{key}",
        "/hooks/heartbeat/{token}",
        "/static/{path}",
        "unmatched",
    }
    assert (
        value(
            samples,
            "dutydesk_http_requests_total",
            route="/hooks/heartbeat/{token}",
            method="GET",
            status="200",
        )
        == 1
    )
    for secret in (key, unknown, ping_token, "s3cr3t", TOKEN):
        assert secret not in answer.text


def test_the_outbox_depth_and_the_oldest_due_age_are_read_from_the_database(make_runtime):
    # No SMTP server: nothing is sent, and the messages wait.
    runtime = make_runtime()
    started = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        for n, due_in in enumerate((0, 30, 3600)):
            enqueue(
                session,
                channel="email",
                destination="alice@example.org",
                subject=f"message {n}",
                text="text",
                idempotency_key=f"metrics-{n}",
                now=started,
                due_at=started + timedelta(seconds=due_in),
            )
        session.commit()
    assert isinstance(runtime.clock, FrozenClock)
    runtime.clock.advance(timedelta(seconds=90))
    with TestClient(create_app(runtime)) as client:
        samples = parse(client.get("/metrics").text)
    assert value(samples, "dutydesk_outbox_messages", status="pending") == 3
    assert value(samples, "dutydesk_outbox_messages", status="failed") == 0
    # The first has been due for 90 s; the second for 60 s; the third is not due yet.
    assert value(samples, "dutydesk_outbox_oldest_due_age_seconds") == 90
    assert value(samples, "dutydesk_outbox_queued_total", channel="email") == 3


def test_a_queued_message_is_counted_only_once_its_transaction_commits(make_runtime):
    runtime = make_runtime()
    with unit_of_work(runtime.sessions) as session:
        enqueue(
            session,
            channel="email",
            destination="alice@example.org",
            subject="rolled back",
            text="text",
            idempotency_key="rolled-back",
            now=runtime.clock.now(),
        )
        session.rollback()
    assert runtime.metrics.outbox_queued.labels("email")._value.get() == 0


def test_metrics_need_the_token_when_one_is_set(make_runtime, caplog):
    runtime = make_runtime(metrics_token=TOKEN)
    caplog.set_level(logging.DEBUG)
    with TestClient(create_app(runtime)) as client:
        for headers in (
            {},
            {"Authorization": "Bearer wrong-token"},
            {"Authorization": f"Basic {TOKEN}"},
            {"Authorization": f"Bearer {TOKEN}x"},
        ):
            refused = client.get("/metrics", headers=headers)
            assert refused.status_code == 401, headers
            assert refused.headers["www-authenticate"] == "Bearer"
            assert refused.json() == {
                "error": "unauthorized",
                "message": "metrics: send the bearer token set in DUTYDESK_METRICS_TOKEN",
            }
        allowed = client.get("/metrics", headers={"Authorization": f"Bearer {TOKEN}"})
        assert allowed.status_code == 200
        assert "dutydesk_events_total" in allowed.text
    assert TOKEN not in caplog.text
    assert TOKEN not in repr(runtime.settings)


def test_metrics_are_open_without_a_token(make_runtime):
    with TestClient(create_app(make_runtime())) as client:
        assert client.get("/metrics").status_code == 200


def test_metrics_turned_off_are_not_found_and_nothing_is_timed(make_runtime):
    runtime = make_runtime(metrics_enabled=False)
    with TestClient(create_app(runtime)) as client:
        assert client.get("/healthz").status_code == 200
        answer = client.get("/metrics", headers={"Accept": "application/json"})
    assert answer.status_code == 404
    assert runtime.metrics.http_duration.collect()[0].samples == []


def test_a_web_replica_without_a_worker_shows_no_worker_series(make_runtime):
    # Else "worker not cycling" would read a replica's never-set gauge as a stalled worker.
    with TestClient(create_app(make_runtime())) as client:
        text = client.get("/metrics").text
    assert "dutydesk_worker_" not in text


def test_a_database_that_does_not_answer_is_reported_not_a_failed_scrape(tmp_path, clock):
    runtime = bootstrap(
        Settings(database_url=f"sqlite:///{tmp_path}/missing/folder/dutydesk.sqlite3"), clock
    )
    try:
        with TestClient(create_app(runtime)) as client:
            answer = client.get("/metrics")
    finally:
        runtime.close()
    assert answer.status_code == 200
    samples = parse(answer.text)
    assert value(samples, "dutydesk_database_up") == 0
    assert "dutydesk_outbox_messages" not in answer.text


def plan_of(runtime: Runtime, query: Any) -> str:
    """The database's plan for a query, as text."""
    sql = str(query.compile(runtime.engine, compile_kwargs={"literal_binds": True}))
    postgres = runtime.engine.dialect.name == "postgresql"
    with runtime.engine.connect() as connection:
        rows = connection.execute(text(("EXPLAIN " if postgres else "EXPLAIN QUERY PLAN ") + sql))
        return "\n".join(str(row[-1]) for row in rows)


def test_a_scrape_reads_ranges_of_the_outbox_index_never_the_history_of_sent_messages(
    make_runtime,
):
    runtime = make_runtime()
    now = runtime.clock.now()
    sent = [
        {
            "idempotency_key": f"sent-{n}",
            "channel": "email",
            "destination": "alice@example.org",
            "subject": "sent",
            "text": "text",
            "status": "sent",
            "attempts": 1,
            "created_at": now,
            "due_at": now - timedelta(seconds=n),
            "sent_at": now,
        }
        for n in range(20_000)
    ]
    with runtime.engine.begin() as connection:
        connection.execute(insert(OutboxMessage), sent)
        connection.execute(text("ANALYZE"))
    for status in DUE_STATUSES:
        for query in (count_query(status), earliest_due_query(status)):
            plan = plan_of(runtime, query)
            if runtime.engine.dialect.name == "postgresql":
                assert "Index Only Scan using ix_outbox_messages_status_due_at" in plan, plan
                assert "Seq Scan" not in plan, plan
            else:
                assert "USING COVERING INDEX ix_outbox_messages_status_due_at (status=?)" in plan
                assert "SCAN" not in plan.replace("SEARCH", ""), plan
    with TestClient(create_app(runtime)) as client:
        samples = parse(client.get("/metrics").text)
    assert value(samples, "dutydesk_outbox_messages", status="pending") == 0


def test_an_empty_metrics_token_is_refused_rather_than_read_as_no_token(monkeypatch, capsys):
    monkeypatch.setenv("DUTYDESK_METRICS_TOKEN", " ")
    with pytest.raises(SystemExit) as exited:
        cli_main(["worker", "--once"])
    assert exited.value.code == 2
    assert "DUTYDESK_METRICS_TOKEN: must not be empty; unset it to need no token" in (
        capsys.readouterr().err
    )
