"""The runtime: settings, database and clock, put together once per process.

It is built by the composition root (`dutydesk.composition.bootstrap`), which also wires what
reacts across domains into its sessions; `build_runtime` alone is the part that knows no domain.
"""

from __future__ import annotations

import secrets
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import Engine, event
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, SessionTransaction, sessionmaker

from dutydesk.clock import Clock, SystemClock
from dutydesk.db import make_engine, make_read_session_factory, make_session_factory, unit_of_work
from dutydesk.metrics.commits import watch_commits
from dutydesk.settings import Settings
from dutydesk.team.models import SECRET_KEY_NAME, InstanceValue

if TYPE_CHECKING:
    from dutydesk.metrics.instruments import Metrics


@dataclass
class Runtime:
    """Everything a route, command or worker needs; built by `dutydesk.composition.bootstrap`,
    never at import."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    clock: Clock
    _secret_key: str | None = field(default=None, repr=False)
    # Set when a commit leaves work due now (a page to send), so an in-process worker wakes
    # at once instead of at its next interval. Only a shortcut: the work itself is in rows.
    work_waiting: threading.Event = field(default_factory=threading.Event, repr=False)
    # This process's counters and histograms (Prometheus): per runtime, never global; made on
    # first use (`metrics`), as most commands record nothing and prometheus_client takes a
    # twentieth of a second to import.
    _metrics: Metrics | None = field(default=None, repr=False)
    _metrics_lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    # Reads started in the background (the status page's check for a newer snapshot), waited
    # for on close: one still running when the engine is disposed would put its connection
    # back into a pool nobody closes.
    _background: list[threading.Thread] = field(default_factory=list, repr=False)

    @property
    def metrics(self) -> Metrics:
        """This process's instruments."""
        with self._metrics_lock:
            if self._metrics is None:
                from dutydesk.metrics.instruments import Metrics

                self._metrics = Metrics()
            return self._metrics

    def in_background(self, work: Callable[[], None], name: str) -> None:
        """Run `work` in a daemon thread that `close` waits for."""
        thread = threading.Thread(target=work, name=name, daemon=True)
        with self._metrics_lock:
            self._background[:] = [held for held in self._background if held.is_alive()]
            self._background.append(thread)
        thread.start()

    def close(self, wait_seconds: float = 5.0) -> None:
        """Wait for background reads, then close every pooled connection."""
        with self._metrics_lock:
            running = list(self._background)
        for thread in running:
            thread.join(wait_seconds)
        self.engine.dispose()

    def wake_worker(self) -> None:
        """Wake a worker waiting in this process (the one `dutydesk serve` runs)."""
        self.work_waiting.set()

    def secret_key(self) -> str:
        """DUTYDESK_SECRET_KEY, or else a key generated once and kept in the database."""
        if self._secret_key is None:
            if self.settings.secret_key is not None:
                self._secret_key = self.settings.secret_key.get_secret_value()
            else:
                self._secret_key = self._stored_secret_key()
        return self._secret_key

    def _stored_secret_key(self) -> str:
        # Read without the write lock: `dutydesk db upgrade` has made the key, and a caller may
        # be inside a write transaction of its own (on SQLite, a second writer would wait on it).
        with unit_of_work(self.read_sessions) as session:
            stored = session.get(InstanceValue, SECRET_KEY_NAME)
            if stored is not None:
                return stored.value
        # A database upgraded before the key was made with the schema: make it now.
        with unit_of_work(self.sessions) as session:
            stored = session.get(InstanceValue, SECRET_KEY_NAME)
            if stored is not None:
                return stored.value
            session.add(InstanceValue(key=SECRET_KEY_NAME, value=secrets.token_urlsafe(48)))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # another process made it first; use theirs
        with unit_of_work(self.sessions) as session:
            stored = session.get(InstanceValue, SECRET_KEY_NAME)
            assert stored is not None
            return stored.value


def build_runtime(settings: Settings | None = None, clock: Clock | None = None) -> Runtime:
    """The runtime from settings (read from the environment when not given), with nothing of
    the domains wired in: use `dutydesk.composition.bootstrap`, which calls this."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url, sqlite_synchronous=settings.sqlite_synchronous)
    runtime = Runtime(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        read_sessions=make_read_session_factory(engine),
        clock=clock or SystemClock(),
    )
    # The listeners hold the runtime weakly: SQLAlchemy keeps them in a table keyed weakly by
    # the sessions' class, and a strong hold on the runtime (which holds that class) from there
    # would keep every runtime a process ever built, with its engine (tests build hundreds).
    held = weakref.ref(runtime)
    work_waiting = runtime.work_waiting
    event.listen(runtime.sessions, "after_commit", lambda s: _wake_if_asked(work_waiting, s))
    event.listen(runtime.sessions, "after_soft_rollback", _forget_wake_on_rollback)
    watch_commits(runtime.sessions, lambda: _metrics_of(held))
    return runtime


def _metrics_of(held: weakref.ref[Runtime]) -> Metrics:
    runtime = held()
    if runtime is None:
        raise RuntimeError("the runtime these sessions belong to is gone")
    return runtime.metrics


# A session's `info` key: set it (ask_to_wake_worker) when the transaction queues due work.
WAKE = "wake_worker"


def ask_to_wake_worker(session: Session) -> None:
    """Wake this process's worker once the session's transaction has committed."""
    session.info[WAKE] = True


def _forget_wake_on_rollback(session: Session, previous: SessionTransaction) -> None:
    # Only the whole transaction's rollback: a savepoint rolled back (one refused event of the
    # Events API's batch) leaves the others' work, and their wake-up, in place.
    if not previous.nested:
        session.info.pop(WAKE, None)


def _wake_if_asked(work_waiting: threading.Event, session: Session) -> None:
    if session.info.pop(WAKE, False):
        work_waiting.set()
