"""Fixtures for portal tests: two tenants with tickets, and browser-like clients that sign in
to the portal the way a tenant does (ask for a link, read it from the outbox, follow it)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from dutydesk.app import create_app
from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.runtime import Runtime
from dutydesk.tenants import service as tenants
from dutydesk.tickets import service as tickets
from dutydesk.tickets.support import support_policy

_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
_LINK = re.compile(r"http://dutydesk\.test/portal/link\?token=([A-Za-z0-9_-]+)")
ANN = "ann@acme.com"  # a contact of Acme
OPS_AT_ACME = "ops@acme.com"  # not a contact, but at Acme's domain
GUS = "gus@globex.com"  # a contact of Globex
# Text that only ever appears in internal notes: no portal answer may contain it.
NOTE_SECRET = "INTERNAL-ONLY-7f3a: the tenant is on the churn list"


@dataclass
class PortalBrowser:
    """A TestClient that asks for HTML like a browser, and finds its forms' CSRF tokens."""

    client: TestClient
    address: str = "198.51.100.7"
    answers: list[Any] = field(default_factory=list)

    def get(self, url: str, **kwargs: Any) -> Any:
        answer = self.client.get(url, follow_redirects=False, **kwargs)
        self.answers.append(answer)
        return answer

    def csrf(self, url: str = "/portal/") -> str:
        """The CSRF token from a portal page's form."""
        page = self.client.get(url)
        found = _CSRF.search(page.text)
        assert found is not None, f"no CSRF token on {url}: {page.status_code}"
        return found.group(1)

    def post(self, url: str, data: dict[str, str], *, token: str | None = None) -> Any:
        """Post a form with this browser's CSRF token (unless `token` is given)."""
        fields = {"csrf_token": token if token is not None else self.csrf()} | data
        answer = self.client.post(url, data=fields, follow_redirects=False)
        self.answers.append(answer)
        return answer

    @property
    def cookie(self) -> str | None:
        """The portal session cookie the browser holds, if any."""
        return next((c.value for c in self.client.cookies.jar if c.name == "dutydesk_portal"), None)


def last_link(runtime: Runtime, email: str) -> str | None:
    """The token of the newest sign-in link mailed to `email`, from the outbox."""
    with unit_of_work(runtime.read_sessions) as session:
        text = session.scalar(
            select(OutboxMessage.text)
            .where(OutboxMessage.destination == email)
            .order_by(OutboxMessage.id.desc())
            .limit(1)
        )
    found = _LINK.search(text or "")
    return found.group(1) if found else None


def links_mailed(runtime: Runtime) -> int:
    with unit_of_work(runtime.read_sessions) as session:
        return len(
            session.scalars(
                select(OutboxMessage.id).where(OutboxMessage.idempotency_key.like("portal-link-%"))
            ).all()
        )


@pytest.fixture
def portal_client(runtime: Runtime) -> Iterator[Callable[..., PortalBrowser]]:
    """`portal_client(address="198.51.100.7", https=False)`: a signed-out browser from that
    address, reaching the service over HTTPS or plain HTTP."""
    clients: list[TestClient] = []

    def open_at(address: str = "198.51.100.7", *, https: bool = False) -> PortalBrowser:
        client = TestClient(
            create_app(runtime),
            base_url="https://testserver" if https else "http://testserver",
            headers={"accept": "text/html"},
            client=(address, 40000),
        )
        clients.append(client)
        return PortalBrowser(client, address)

    yield open_at
    for client in clients:
        client.close()


def sign_in(runtime: Runtime, visitor: PortalBrowser, email: str) -> PortalBrowser:
    """Sign the browser in as `email` through the forms and the mailed link."""
    asked = visitor.post("/portal/", {"email": email})
    assert asked.status_code == 200, asked.text
    token = last_link(runtime, email)
    assert token is not None, f"no link mailed to {email}"
    confirm = visitor.get(f"/portal/link?token={token}")
    assert confirm.status_code == 200, confirm.text
    used = visitor.post("/portal/link", {"token": token}, token=_CSRF.search(confirm.text)[1])
    assert used.status_code == 303, used.text
    assert visitor.cookie is not None
    return visitor


@pytest.fixture
def tenant_browser(
    runtime: Runtime, portal_client: Callable[..., PortalBrowser]
) -> Callable[[str], PortalBrowser]:
    """`tenant_browser(email)`: a browser signed in to the portal as that address."""

    def open_as(email: str) -> PortalBrowser:
        return sign_in(runtime, portal_client(), email)

    return open_as


@dataclass(frozen=True)
class TwoTenants:
    """Acme's and Globex's tickets by name, and the number no ticket has."""

    acme: dict[str, int]
    globex: dict[str, int]
    unused: int


def open_ticket(session: Any, subject: str, email: str, body: str, **given: Any) -> int:
    ticket = tickets.open_ticket(
        session,
        support_policy(session),
        subject=subject,
        first=tickets.Incoming(body, author_email=email),
        source="mail",
        actor="mail",
        now=given.pop("now"),
        **given,
    )
    return ticket.id


@pytest.fixture
def two_tenants(runtime: Runtime, example_team: None) -> TwoTenants:
    """Acme (acme.com, contact Ann) and Globex (globex.com, contact Gus), each with tickets;
    Globex's have a reply and an internal note, and one is solved."""
    now = runtime.clock.now()
    with unit_of_work(runtime.sessions) as session:
        tenants.add_tenant(session, "acme", "Acme", ["acme.com"], actor="ada", now=now)
        tenants.add_contact(session, "acme", ANN, "Ann Acme", actor="ada", now=now)
        tenants.add_tenant(session, "globex", "Globex", ["globex.com"], actor="ada", now=now)
        tenants.add_contact(session, "globex", GUS, "Gus Globex", actor="ada", now=now)
        acme_deploys = open_ticket(session, "Acme deploys fail", ANN, "Every deploy 502s", now=now)
        globex_db = open_ticket(session, "Globex database slow", GUS, "Queries take 9 s", now=now)
        globex_dns = open_ticket(session, "Globex DNS question", GUS, "Which CNAME?", now=now)
        acme_logs = open_ticket(session, "Acme log drain", OPS_AT_ACME, "Logs stop", now=now)
        policy = support_policy(session)
        db_ticket = tickets.get_ticket(session, globex_db)
        tickets.reply(session, policy, db_ticket, "Looking at it", actor="carol", now=now)
        tickets.add_note(session, db_ticket, NOTE_SECRET, actor="carol", now=now)
        acme_ticket = tickets.get_ticket(session, acme_deploys)
        tickets.add_note(session, acme_ticket, NOTE_SECRET, actor="carol", now=now)
        tickets.reply(session, policy, acme_ticket, "Fixed the LB", actor="carol", now=now)
        tickets.set_status(
            session,
            policy,
            tickets.get_ticket(session, globex_dns),
            "solved",
            actor="carol",
            now=now,
        )
        session.commit()
    return TwoTenants(
        acme={"deploys": acme_deploys, "logs": acme_logs},
        globex={"db": globex_db, "dns": globex_dns},
        unused=99,
    )
