"""The worker's own figures: each cycle's duration and lag, and `dutydesk worker --metrics-port`
for a worker that runs as a process of its own."""

from __future__ import annotations

import socket
from typing import Any

import httpx
import pytest
from bench.loopback import free_port

from dutydesk.cli import main as cli_main
from dutydesk.composition import bootstrap
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.worker.loop import Cycle, Worker
from tests.prometheus.test_metrics import TOKEN, parse, value
from tests.worker_processes import WorkerProcess, wait_until


class Stopwatch:
    """A monotonic timer that moves only when a cycle says it has worked for a while."""

    def __init__(self) -> None:
        self.seconds = 100.0

    def __call__(self) -> float:
        return self.seconds


def cycle_taking(stopwatch: Stopwatch, seconds: float, handled: int) -> Cycle:
    def run(_runtime: Runtime, _worker_id: str) -> int:
        stopwatch.seconds += seconds
        return handled

    return Cycle(f"takes-{seconds:g}s", run)


def broken(_runtime: Runtime, _worker_id: str) -> int:
    raise RuntimeError("a bug in a cycle")


def histogram(runtime: Runtime, name: str, cycle: str) -> tuple[float, float]:
    """(count, sum) of one cycle's histogram."""
    samples = {
        (s.name, s.labels.get("cycle")): s.value
        for family in runtime.metrics.registry.collect()
        for s in family.samples
    }
    return samples[(f"{name}_count", cycle)], samples[(f"{name}_sum", cycle)]


def counter(runtime: Runtime, name: str, cycle: str) -> float:
    return runtime.metrics.registry.get_sample_value(name, {"cycle": cycle}) or 0.0


def test_each_cycle_records_how_long_it_took_and_how_long_past_its_interval_it_waited(
    runtime, caplog
):
    # DUTYDESK_WORKER_INTERVAL_SECONDS is 5: a cycle should run again at most 5 s after its
    # last run ended. A backlog keeps the slow cycle busy for 8 s, so in the second pass the
    # cycles after it wait 8 s (quick) and 8.5 s (broken): 3 s and 3.5 s past the interval.
    stopwatch = Stopwatch()
    slow = cycle_taking(stopwatch, 8.0, handled=3)
    quick = cycle_taking(stopwatch, 0.5, handled=0)
    worker = Worker(runtime, [slow, quick, Cycle("broken", broken)], timer=stopwatch)

    worker.run_once()
    assert histogram(runtime, "dutydesk_worker_cycle_lag_seconds", quick.name) == (1, 0.0)
    worker.run_once()

    assert histogram(runtime, "dutydesk_worker_cycle_duration_seconds", slow.name) == (2, 16.0)
    assert histogram(runtime, "dutydesk_worker_cycle_duration_seconds", quick.name) == (2, 1.0)
    assert histogram(runtime, "dutydesk_worker_cycle_lag_seconds", slow.name) == (2, 0.0)
    assert histogram(runtime, "dutydesk_worker_cycle_lag_seconds", quick.name) == (2, 3.0)
    assert histogram(runtime, "dutydesk_worker_cycle_lag_seconds", "broken") == (2, 3.5)
    assert counter(runtime, "dutydesk_worker_cycle_items_total", slow.name) == 6
    assert counter(runtime, "dutydesk_worker_cycle_failures_total", "broken") == 2
    assert counter(runtime, "dutydesk_worker_cycle_failures_total", slow.name) == 0
    assert runtime.metrics.registry.get_sample_value(
        "dutydesk_worker_last_pass_timestamp_seconds"
    ) == (runtime.clock.now().timestamp())
    assert "worker cycle broken failed" in caplog.text


def test_a_cycle_that_keeps_to_its_interval_has_no_lag(runtime):
    stopwatch = Stopwatch()
    quick = cycle_taking(stopwatch, 0.25, handled=1)
    worker = Worker(runtime, [quick], timer=stopwatch)
    for _ in range(3):
        worker.run_once()
        stopwatch.seconds += 5.0  # the idle wait between passes: the interval
    assert histogram(runtime, "dutydesk_worker_cycle_lag_seconds", quick.name) == (3, 0.0)


def scrape(port: int, **headers: str) -> httpx.Response:
    return httpx.get(f"http://127.0.0.1:{port}/metrics", headers=headers, timeout=5)


def test_a_separate_worker_answers_metrics_on_its_own_port_behind_the_token(database_url):
    port = free_port()
    worker = WorkerProcess(
        database_url,
        secret_key="k" * 32,
        interval_seconds=0.2,
        args=("--metrics-port", str(port)),
        env={"DUTYDESK_METRICS_TOKEN": TOKEN},
    )
    try:
        assert worker.started.wait(60), "".join(worker.output)

        def passed_twice() -> bool:
            try:
                answer = scrape(port, Authorization=f"Bearer {TOKEN}")
            except httpx.HTTPError:
                return False
            count = value(
                parse(answer.text),
                "dutydesk_worker_cycle_duration_seconds_count",
                cycle="deliveries",
            )
            return count is not None and count >= 2

        assert wait_until(passed_twice), "".join(worker.output)
        samples = parse(scrape(port, Authorization=f"Bearer {TOKEN}").text)
        assert (value(samples, "dutydesk_worker_last_pass_timestamp_seconds") or 0) > 0
        assert value(samples, "process_cpu_seconds_total") is not None
        # The database's facts come from the web replicas, not from every worker as well.
        assert not any(name.startswith("dutydesk_outbox_messages") for name, _ in samples)

        refused = scrape(port)
        assert refused.status_code == 401
        assert refused.headers["www-authenticate"] == "Bearer"
        assert refused.json()["error"] == "unauthorized"
        assert scrape(port, Authorization="Bearer wrong").status_code == 401
        elsewhere = httpx.get(f"http://127.0.0.1:{port}/", timeout=5)
        assert (elsewhere.status_code, elsewhere.json()["error"]) == (404, "not_found")
    finally:
        worker.stop()
    assert TOKEN not in "".join(worker.output)


def run_cli(runtime: Runtime, *args: str, capsys: Any) -> tuple[int, str]:
    capsys.readouterr()
    with pytest.raises(SystemExit) as exited:
        cli_main(list(args), runtime)
    code = exited.value.code
    return (code if isinstance(code, int) else 1), capsys.readouterr().err


def test_a_metrics_port_already_in_use_stops_the_worker_with_one_line(runtime, capsys):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code, err = run_cli(runtime, "worker", "--metrics-port", str(port), capsys=capsys)
    assert code == 2
    assert err.startswith(f"dutydesk: error: --metrics-port: cannot listen on 127.0.0.1:{port}: ")
    assert len(err.strip().splitlines()) == 1


def test_a_metrics_port_with_metrics_turned_off_is_refused(database_url, capsys):
    runtime = bootstrap(Settings(database_url=database_url, metrics_enabled=False))
    try:
        code, err = run_cli(runtime, "worker", "--metrics-port", "9464", capsys=capsys)
    finally:
        runtime.close()
    assert code == 2
    assert err.strip() == (
        "dutydesk: error: --metrics-port: metrics are turned off (DUTYDESK_METRICS_ENABLED=false)"
    )
