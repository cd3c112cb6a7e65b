"""The composition root: settings, database and clock, put together once per process."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

from sqlalchemy import Engine
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from dutydesk.clock import Clock, SystemClock
from dutydesk.db import make_engine, make_read_session_factory, make_session_factory, unit_of_work
from dutydesk.settings import Settings
from dutydesk.team.models import InstanceValue


@dataclass
class Runtime:
    """Everything a route, command or worker needs; built by `bootstrap`, never at import."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    read_sessions: sessionmaker[Session]
    clock: Clock
    _secret_key: str | None = field(default=None, repr=False)

    def secret_key(self) -> str:
        """DUTYDESK_SECRET_KEY, or else a key generated once and kept in the database."""
        if self._secret_key is None:
            if self.settings.secret_key is not None:
                self._secret_key = self.settings.secret_key.get_secret_value()
            else:
                self._secret_key = self._stored_secret_key()
        return self._secret_key

    def _stored_secret_key(self) -> str:
        with unit_of_work(self.sessions) as session:
            stored = session.get(InstanceValue, "secret_key")
            if stored is not None:
                return stored.value
            session.add(InstanceValue(key="secret_key", value=secrets.token_urlsafe(48)))
            try:
                session.commit()
            except IntegrityError:
                session.rollback()  # another process made it first; use theirs
        with unit_of_work(self.sessions) as session:
            stored = session.get(InstanceValue, "secret_key")
            assert stored is not None
            return stored.value


def bootstrap(settings: Settings | None = None, clock: Clock | None = None) -> Runtime:
    """Build the runtime from settings (read from the environment when not given)."""
    settings = settings or Settings()
    engine = make_engine(settings.database_url)
    return Runtime(
        settings=settings,
        engine=engine,
        sessions=make_session_factory(engine),
        read_sessions=make_read_session_factory(engine),
        clock=clock or SystemClock(),
    )
