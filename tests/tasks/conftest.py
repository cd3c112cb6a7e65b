"""Fixtures for tasks: the example team (alice … erin), and adding tasks at a given age."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from dutydesk.tasks.service import NewTask, add_task


@pytest.fixture
def add(runtime: Runtime, example_team: None) -> Callable[..., int]:
    """`add(title, age=timedelta(0), owner=None, **fields)`: a backlog task made `age` ago;
    returns its number."""

    def make(
        title: str, *, age: timedelta = timedelta(0), owner: str | None = None, **fields: object
    ) -> int:
        with unit_of_work(runtime.sessions) as session:
            task = add_task(
                session,
                NewTask(title=title, owner_id=owner, **fields),  # type: ignore[arg-type]
                source=None,
                actor="test",
                now=runtime.clock.now() - age,
            )
            session.commit()
            return task.id

    return make
