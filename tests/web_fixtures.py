"""Fixtures for page tests: a browser-like client signed in through the sign-in form (`browser`),
and one nobody signed in with (`anonymous`). Every folder of tests sees them (tests/conftest.py)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from dutydesk.app import create_app
from dutydesk.auth import service as auth
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime

PASSWORD = "correct horse battery"
_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')


@dataclass
class Browser:
    """A TestClient that asks for HTML, like a browser, and knows its CSRF token."""

    client: TestClient

    def get(self, url: str, **kwargs: object):  # type: ignore[no-untyped-def]
        return self.client.get(url, follow_redirects=False, **kwargs)  # type: ignore[arg-type]

    def csrf(self, url: str = "/sign-in") -> str:
        """The CSRF token from a page's form."""
        page = self.client.get(url)
        found = _CSRF.search(page.text)
        assert found is not None, f"no CSRF token on {url}"
        return found.group(1)

    def post(self, url: str, data: dict[str, str], *, token: str | None = None, **kwargs: object):  # type: ignore[no-untyped-def]
        """Post a form with this browser's CSRF token (unless `token` is given)."""
        fields = {"csrf_token": token if token is not None else self.csrf("/")} | data
        return self.client.post(url, data=fields, follow_redirects=False, **kwargs)  # type: ignore[arg-type]


def add_user(runtime: Runtime, username: str, role: str, person: str | None) -> None:
    with unit_of_work(runtime.sessions) as session:
        auth.add_user(
            session,
            username=username,
            role=role,
            person_id=person,
            password=PASSWORD,
            now=runtime.clock.now(),
        )
        session.commit()


@pytest.fixture
def browser(runtime: Runtime) -> Iterator[Callable[..., Browser]]:
    """`browser(username, role="responder", person=None)`: a new user, signed in."""
    clients: list[TestClient] = []

    def open_as(username: str, role: str = "responder", person: str | None = None) -> Browser:
        add_user(runtime, username, role, person)
        client = TestClient(create_app(runtime), headers={"accept": "text/html"})
        clients.append(client)
        signed_out = Browser(client)
        answer = signed_out.post(
            "/sign-in",
            {"username": username, "password": PASSWORD, "next": "/"},
            token=signed_out.csrf("/sign-in"),
        )
        assert answer.status_code == 303, answer.text
        return Browser(client)

    yield open_as
    for client in clients:
        client.close()


@pytest.fixture
def anonymous(runtime: Runtime) -> Iterator[Browser]:
    """A browser nobody has signed in with."""
    with TestClient(create_app(runtime), headers={"accept": "text/html"}) as client:
        yield Browser(client)
