"""Zendesk's webhooks as the mirror's tests send them: its payloads, signed the way Zendesk signs
them, through the real application; and reads of what they left in the database."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from dutydesk.clock import FrozenClock
from dutydesk.db import unit_of_work
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.tickets.models import Ticket, TicketMessage

SECRET = "dGhpc19zZWNyZXRfaXNfZm9yX3Rlc3Rpbmdfb25seQ=="
OTHER_SECRET = "c2Vjb25kX3dlYmhvb2tzX3NpZ25pbmdfc2VjcmV0"
ZENDESK_URL = "https://acme-support.zendesk.com"
PATH = "/hooks/zendesk"


def zendesk_time(at: datetime) -> str:
    """A time as Zendesk writes it in headers and payloads: 2026-01-14T10:00:00Z."""
    return at.strftime("%Y-%m-%dT%H:%M:%SZ")


def zendesk_signature(secret: str, timestamp: str, body: bytes) -> str:
    """base64(HMAC-SHA256(secret, timestamp + body)), as Zendesk signs, written out here."""
    digest = hmac.new(secret.encode(), timestamp.encode() + body, hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def ticket_event(
    event: str, ticket_id: int | str, updated_at: datetime, **detail: Any
) -> dict[str, Any]:
    """A Zendesk ticket event (event subscriptions) about one ticket, as it is after it."""
    ticket = {
        "id": str(ticket_id),
        "subject": "Cannot deploy",
        "status": "NEW",
        "priority": None,
        "requester_id": "8447388090494",
        "description": "Every deploy fails since 09:00",
        "created_at": "2026-01-14T09:58:00Z",
        "updated_at": zendesk_time(updated_at),
        "via": {"channel": "web"},
    } | detail
    return {
        "type": f"zen:event-type:ticket.{event}",
        "account_id": 22129848,
        "id": f"event-{event}-{ticket_id}-{updated_at.timestamp()}",
        "time": zendesk_time(updated_at).replace("Z", ".123456789Z"),
        "zendesk_event_version": "2022-11-06",
        "subject": f"zen:ticket:{ticket_id}",
        "detail": ticket,
        "event": {},
    }


def comment_event(
    ticket_id: int | str,
    comment_id: int,
    body: str,
    updated_at: datetime,
    *,
    public: bool = True,
    staff: bool = False,
    author: str = "Ann Acme",
    **detail: Any,
) -> dict[str, Any]:
    """`ticket.comment_added`: a comment by an agent (`staff`) or an end user."""
    payload = ticket_event("comment_added", ticket_id, updated_at, **detail)
    payload["event"] = {
        "comment": {
            "id": comment_id,
            "body": body,
            "is_public": public,
            "author": {"id": "8447388090495", "is_staff": staff, "name": author},
        }
    }
    return payload


def trigger_body(ticket_id: int | str, updated_at: datetime, **ticket: Any) -> dict[str, Any]:
    """Dutydesk's trigger body, as Zendesk fills its placeholders in."""
    return {
        "ticket": {
            "id": str(ticket_id),
            "updated_at": zendesk_time(updated_at),
            "subject": "Cannot deploy",
            "status": "Open",
            "priority": "Normal",
            "description": "Every deploy fails since 09:00",
            "requester": {"email": "ops@acme.com", "name": "Olive Ops"},
        }
        | ticket
    }


@dataclass
class Zendesk:
    """Zendesk, sending webhooks to Dutydesk through the real application."""

    client: TestClient
    clock: FrozenClock
    secret: str = SECRET
    sent: int = 0

    def send(
        self,
        payload: dict[str, Any] | bytes,
        *,
        signed_at: datetime | None = None,
        secret: str | None = None,
        headers: dict[str, str] | None = None,
        invocation: str | None = None,
    ) -> Any:
        """POST the payload signed as Zendesk signs it: now, unless `signed_at` (each delivery a
        second apart, so that the same payload sent again is a new delivery, not a replay)."""
        body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
        self.sent += 1
        timestamp = zendesk_time(signed_at or self.clock.now() - timedelta(seconds=self.sent))
        sent_headers = {
            "Content-Type": "application/json",
            "User-Agent": "Zendesk Webhook",
            "X-Zendesk-Account-Id": "22129848",
            "X-Zendesk-Webhook-Id": "01GK8E6BKWMJZD2T8Y5AXJQMG5",
            "X-Zendesk-Webhook-Invocation-Id": invocation or f"83502055{self.sent:02d}",
            "X-Zendesk-Webhook-Signature-Timestamp": timestamp,
            "X-Zendesk-Webhook-Signature": zendesk_signature(
                secret or self.secret, timestamp, body
            ),
        } | (headers or {})
        return self.client.post(PATH, content=body, headers=sent_headers)


def zendesk_settings(database_url: str, **changes: Any) -> Settings:
    """The tests' settings with the Zendesk receiver on."""
    given: dict[str, Any] = {
        "database_url": database_url,
        "base_url": "http://dutydesk.test",
        "secret_key": "k" * 32,
        "zendesk_signing_secret": f"{SECRET} {OTHER_SECRET}",
        "zendesk_url": ZENDESK_URL,
    }
    return Settings(**(given | changes))


def counts(runtime: Runtime) -> tuple[int, int]:
    """How many tickets and messages there are: a refusal changes neither."""
    with unit_of_work(runtime.read_sessions) as session:
        tickets = session.scalar(select(func.count()).select_from(Ticket)) or 0
        messages = session.scalar(select(func.count()).select_from(TicketMessage)) or 0
    return tickets, messages


def mirror_of(runtime: Runtime, zendesk_id: int | str) -> Ticket:
    """The mirror of a Zendesk ticket, read afresh."""
    with unit_of_work(runtime.read_sessions) as session:
        ticket = session.scalar(
            select(Ticket).where(Ticket.source == "zendesk", Ticket.external_id == str(zendesk_id))
        )
        assert ticket is not None, f"Zendesk ticket {zendesk_id} is not mirrored"
        session.expunge(ticket)
        return ticket


def thread(runtime: Runtime, ticket_id: int) -> list[tuple[str, str, str | None]]:
    """A ticket's messages as (kind, text, external id), oldest first."""
    with unit_of_work(runtime.read_sessions) as session:
        return [
            (m.kind, m.body_text, m.external_id)
            for m in session.scalars(
                select(TicketMessage)
                .where(TicketMessage.ticket_id == ticket_id)
                .order_by(TicketMessage.created_at, TicketMessage.id)
            )
        ]
