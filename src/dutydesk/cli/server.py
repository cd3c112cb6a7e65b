"""`dutydesk serve` and `dutydesk db …`."""

from __future__ import annotations

import gc
import logging
import signal
import threading
from typing import Annotated

import typer
import uvicorn

from dutydesk import migrate, schema_check
from dutydesk.access_log import AccessLog
from dutydesk.app import create_app
from dutydesk.errors import Invalid
from dutydesk.logs import configure_logging, redact_handlers
from dutydesk.mailbox.catcher import start_catcher
from dutydesk.prometheus.exposition import serve_in_background
from dutydesk.runtime import Runtime
from dutydesk.terminal import runtime_of, stdout
from dutydesk.worker.cycles import default_cycles
from dutydesk.worker.loop import Worker, start_in_background

log = logging.getLogger(__name__)

db_app = typer.Typer(no_args_is_help=True, help="The database schema.")


# Allocations between young-generation collections (CPython's default is 2,000 before 3.14).
_YOUNG_COLLECTION_THRESHOLD = 50_000


def settle_garbage_collector() -> None:
    """Keep collector pauses out of request latency in a long-running process.

    Left alone, a full collection walks every object the application holds (routes, schemas,
    ORM mappings, compiled rotas) and stalls requests for 50-100 ms every few hundred requests:
    the 99th percentile of the Events API was twice its 95th. Objects made at startup live for
    the whole process, so they are frozen out of collections, and young collections run less
    often (reference counting frees almost everything without them).
    """
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(_YOUNG_COLLECTION_THRESHOLD, middle, oldest)


def serve(
    ctx: typer.Context,
    host: Annotated[str | None, typer.Option(help="Listen address (DUTYDESK_HOST).")] = None,
    port: Annotated[int | None, typer.Option(help="Listen port (DUTYDESK_PORT).")] = None,
    no_worker: Annotated[
        bool,
        typer.Option("--no-worker", help="Do not run the worker in this process."),
    ] = False,
) -> None:
    """Run the web service (API, calendar feeds, pages) and, unless told not to, the worker."""
    runtime = runtime_of(ctx, check_schema=False)
    # Links (feeds, action links, e-mails) point where this server listens, unless
    # DUTYDESK_BASE_URL says otherwise.
    runtime.settings = settings = runtime.settings.listening_on(host, port)
    configure_logging(settings.log_level)
    if settings.migrate_on_start:
        migrate.upgrade(runtime.engine)
    elif schema_check.current_revision(runtime.engine) != schema_check.head_revision():
        runtime_of(ctx)  # raises the clear "run dutydesk db upgrade" error
    app = create_app(runtime)
    # The access log is written by AccessLog rather than uvicorn's logger (access_log.py says
    # why), at uvicorn's level for it: info and below.
    writes_access_log = logging.getLevelName(settings.log_level.upper()) <= logging.INFO
    config = uvicorn.Config(
        AccessLog(app) if writes_access_log else app,
        host=settings.host,
        port=settings.port,
        log_level=settings.log_level,
        access_log=False,
    )
    # uvicorn sets up its loggers when the Config is made; add the redaction after that.
    redact_handlers("uvicorn", "uvicorn.error", "uvicorn.access")
    # In this process, so that one Ctrl-C stops the demo's web pages, worker and mailbox.
    catcher = start_catcher(settings) if settings.demo_mailbox else None
    background = None
    if settings.run_worker and not no_worker:
        background = start_in_background(Worker(runtime, default_cycles()))
    settle_garbage_collector()
    try:
        uvicorn.Server(config).run()
    finally:
        if background is not None:
            thread, stop = background
            stop.set()
            runtime.wake_worker()
            thread.join(timeout=30)
        if catcher is not None:
            catcher.stop()


def worker(
    ctx: typer.Context,
    once: Annotated[
        bool, typer.Option("--once", help="One pass over due work, then exit.")
    ] = False,
    metrics_port: Annotated[
        int | None,
        typer.Option(
            help="Answer Prometheus scrapes at /metrics on this port, on DUTYDESK_HOST"
            " (DUTYDESK_WORKER_METRICS_PORT).",
            min=1,
            max=65535,
        ),
    ] = None,
) -> None:
    """Run the worker alone: deliver messages, announce handoffs, send reminders."""
    runtime = runtime_of(ctx)
    configure_logging(runtime.settings.log_level)
    the_worker = Worker(runtime, default_cycles())
    port = metrics_port or runtime.settings.worker_metrics_port
    if port is not None and not once:
        _serve_worker_metrics(runtime, port)
    settle_garbage_collector()
    if once:
        handled = the_worker.run_once()
        stdout.print(", ".join(f"{name}: {count}" for name, count in handled.items()) or "idle")
        return
    stop = threading.Event()

    def stop_worker(*_: object) -> None:
        stop.set()
        runtime.wake_worker()

    for signal_number in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signal_number, stop_worker)
    the_worker.run_until(stop)


def _serve_worker_metrics(runtime: Runtime, port: int) -> None:
    settings = runtime.settings
    if not settings.metrics_enabled:
        raise Invalid("--metrics-port: metrics are turned off (DUTYDESK_METRICS_ENABLED=false)")
    try:
        serve_in_background(runtime.metrics.registry, settings, settings.host, port)
    except OSError as error:
        raise Invalid(
            f"--metrics-port: cannot listen on {settings.host}:{port}: {error.strerror or error}"
        ) from None
    log.info("worker metrics at http://%s:%d/metrics", settings.host, port)


@db_app.command("upgrade")
def db_upgrade(ctx: typer.Context) -> None:
    """Create or update the database schema to this version of Dutydesk."""
    runtime = runtime_of(ctx, check_schema=False)
    before = schema_check.current_revision(runtime.engine)
    migrate.upgrade(runtime.engine)
    after = schema_check.current_revision(runtime.engine)
    if before == after:
        stdout.print(f"The database is up to date (revision {after}).")
    else:
        stdout.print(f"Upgraded the database from {before or 'empty'} to revision {after}.")


@db_app.command("current")
def db_current(ctx: typer.Context) -> None:
    """Show the database's schema revision and the newest this version knows."""
    runtime = runtime_of(ctx, check_schema=False)
    stdout.print(
        f"database: {schema_check.current_revision(runtime.engine) or 'empty'};"
        f" this version: {schema_check.head_revision()}"
    )
