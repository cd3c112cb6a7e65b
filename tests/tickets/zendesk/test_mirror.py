"""Zendesk tickets mirrored through POST /hooks/zendesk: one mirror per ticket and one message
per comment however often Zendesk sends them, never moved backwards by late news, and their
clocks, reminders and pages run like any ticket's."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from dutydesk.alerts.models import Alert
from dutydesk.audit.models import AuditEntry
from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.tenants import service as tenants
from dutydesk.tickets import service
from dutydesk.tickets.due import tickets_due
from dutydesk.tickets.support import support_policy
from tests.tickets.zendesk.webhooks import (
    ZENDESK_URL,
    comment_event,
    counts,
    mirror_of,
    thread,
    ticket_event,
    trigger_body,
)

# Wednesday 14 January 2026 10:00 GMT (the clock fixture): bob is on support's rota.
NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
ZD = 35436


def _at(minutes: float) -> datetime:
    return NOW + timedelta(minutes=minutes)


@pytest.fixture
def acme(runtime, example_team):
    with unit_of_work(runtime.sessions) as session:
        tenants.add_tenant(session, "acme", "Acme", ["acme.com"], actor="ada", now=NOW)
        tenants.add_tenant(session, "globex", "Globex", ["globex.com"], actor="ada", now=NOW)
        session.commit()


def _sent(zendesk, payload):
    """Send the payload when it happened in Zendesk (its `updated_at`), as Zendesk does; news
    that arrives late leaves the clock where it is."""
    said = (payload.get("detail") or payload.get("ticket") or {}).get("updated_at")
    if said is not None:
        zendesk.clock.set(max(zendesk.clock.now(), datetime.fromisoformat(said)))
    answer = zendesk.send(payload)
    assert answer.status_code == 200, answer.text
    return answer.json()


def _priority_changes(runtime, ticket_id):
    with unit_of_work(runtime.read_sessions) as session:
        return [
            (c.old, c.new, c.changed_by, c.reason)
            for c in service.priority_changes(session, ticket_id)
        ]


def _mail_to(runtime, address):
    with unit_of_work(runtime.read_sessions) as session:
        return list(
            session.scalars(
                select(OutboxMessage.idempotency_key).where(OutboxMessage.destination == address)
            )
        )


def test_a_new_zendesk_ticket_becomes_a_mirrored_ticket_owing_its_first_response(zendesk, runtime):
    assert _sent(zendesk, ticket_event("created", ZD, NOW))["status"] == "created"
    ticket = mirror_of(runtime, ZD)
    assert (ticket.id, ticket.source, ticket.external_id, ticket.status) == (
        1,
        "zendesk",
        str(ZD),
        "new",
    )
    assert ticket.external_url == f"{ZENDESK_URL}/agent/tickets/{ZD}"
    assert ticket.subject == "Cannot deploy" and ticket.priority is None
    assert ticket.external_updated_at == NOW
    # Untriaged: 2 support days from now.
    assert (ticket.clock_kind, ticket.answer_due_at) == (
        "first_response",
        datetime(2026, 1, 16, 10, 0, tzinfo=UTC),
    )
    assert thread(runtime, 1) == [("tenant", "Every deploy fails since 09:00", "description")]
    with unit_of_work(runtime.read_sessions) as session:
        [entry] = session.scalars(select(AuditEntry).where(AuditEntry.subject == "ticket:1"))
        assert (entry.actor, entry.summary) == ("zendesk", "opened ticket #1")


def test_the_same_ticket_never_makes_two_mirrors(zendesk, runtime):
    created = ticket_event("created", ZD, NOW)
    _sent(zendesk, created)
    again = _sent(zendesk, created)
    assert again == {"status": "unchanged", "ticket": 1, "reason": "nothing new"}
    # Any event of a ticket not yet mirrored opens its mirror; later ones find it.
    _sent(zendesk, ticket_event("status_changed", 900, _at(1), status="OPEN"))
    _sent(zendesk, ticket_event("subject_changed", 900, _at(2), subject="Renamed", status="OPEN"))
    assert counts(runtime) == (2, 2)
    assert mirror_of(runtime, 900).subject == "Renamed"


def test_the_first_comment_becomes_the_description_it_stood_in_for(zendesk, runtime):
    _sent(zendesk, ticket_event("created", ZD, NOW))
    first = comment_event(ZD, 501, "Every deploy fails\nsince 09:00", NOW)
    assert _sent(zendesk, first)["status"] == "unchanged"
    assert thread(runtime, 1) == [("tenant", "Every deploy fails since 09:00", "comment:501")]


def test_a_ticket_first_heard_of_by_its_requesters_comment_starts_with_it(zendesk, runtime):
    _sent(zendesk, comment_event(ZD, 501, "Every deploy fails", NOW, author="Olive Ops"))
    # ticket.created, delivered late: nothing new.
    assert _sent(zendesk, ticket_event("created", ZD, NOW))["status"] == "unchanged"
    assert thread(runtime, 1) == [("tenant", "Every deploy fails", "comment:501")]
    assert mirror_of(runtime, ZD).requester_name == "Olive Ops"


def test_an_agents_public_comment_is_the_first_response_and_owes_updates(zendesk, runtime):
    _sent(zendesk, ticket_event("created", ZD, NOW, priority="HIGH"))
    reply = comment_event(
        ZD,
        502,
        "Looking at it now",
        _at(10),
        staff=True,
        author="Carol Agent",
        status="OPEN",
        priority="HIGH",
    )
    assert _sent(zendesk, reply)["status"] == "updated"
    ticket = mirror_of(runtime, ZD)
    assert (ticket.status, ticket.priority, ticket.first_replied_at) == ("open", "P2", _at(10))
    # P2: an update every 2 hours, from the reply.
    assert (ticket.clock_kind, ticket.answer_due_at) == ("update", _at(130))
    assert thread(runtime, 1)[-1] == ("reply", "Looking at it now", "comment:502")


def test_the_same_comment_never_makes_two_messages(zendesk, runtime):
    _sent(zendesk, ticket_event("created", ZD, NOW))
    reply = comment_event(ZD, 502, "Looking at it", _at(10), staff=True, status="OPEN")
    _sent(zendesk, reply)
    assert _sent(zendesk, reply) == {"status": "unchanged", "ticket": 1, "reason": "nothing new"}
    assert [m[2] for m in thread(runtime, 1)] == ["description", "comment:502"]


def test_a_private_comment_is_an_internal_note_and_stops_no_clock(zendesk, runtime):
    _sent(zendesk, ticket_event("created", ZD, NOW))
    before = mirror_of(runtime, ZD)
    note = comment_event(ZD, 503, "Probably the LB", _at(5), public=False, staff=True)
    assert _sent(zendesk, note)["status"] == "updated"
    after = mirror_of(runtime, ZD)
    assert thread(runtime, 1)[-1] == ("note", "Probably the LB", "comment:503")
    assert (after.clock_kind, after.answer_due_at, after.first_replied_at) == (
        before.clock_kind,
        before.answer_due_at,
        None,
    )


def test_an_end_users_comment_opens_a_pending_ticket_again(zendesk, runtime):
    _sent(zendesk, ticket_event("created", ZD, NOW, priority="NORMAL"))
    _sent(
        zendesk,
        comment_event(
            ZD, 502, "Which region?", _at(10), staff=True, status="PENDING", priority="NORMAL"
        ),
    )
    waiting = mirror_of(runtime, ZD)
    assert waiting.status == "pending" and waiting.answer_due_at is None
    answer = comment_event(ZD, 504, "eu-west-1", _at(70), status="OPEN", priority="NORMAL")
    _sent(zendesk, answer)
    reopened = mirror_of(runtime, ZD)
    assert reopened.status == "open" and reopened.clock_running_since == _at(70)
    # P3's update (4 hours) had used nothing while pending: due 4 hours after it ran again.
    assert reopened.answer_due_at == _at(70 + 240)
    assert thread(runtime, 1)[-1] == ("tenant", "eu-west-1", "comment:504")


def test_older_news_arriving_late_never_moves_a_ticket_backwards(zendesk, runtime):
    _sent(zendesk, ticket_event("created", ZD, NOW))
    _sent(zendesk, ticket_event("status_changed", ZD, _at(20), status="SOLVED", subject="Fixed"))
    late = ticket_event("status_changed", ZD, _at(10), status="PENDING", subject="Old name")
    assert _sent(zendesk, late) == {
        "status": "unchanged",
        "ticket": 1,
        "reason": "older than the news already taken",
    }
    ticket = mirror_of(runtime, ZD)
    assert (ticket.status, ticket.subject, ticket.external_updated_at) == (
        "solved",
        "Fixed",
        _at(20),
    )
    # A late comment is kept on the thread, and does nothing else: no reopening.
    _sent(zendesk, comment_event(ZD, 506, "Thanks", _at(15), status="OPEN"))
    assert mirror_of(runtime, ZD).status == "solved"
    assert thread(runtime, 1)[-1] == ("tenant", "Thanks", "comment:506")


@pytest.mark.parametrize(
    ("zendesk_priority", "ours"),
    [("URGENT", "P1"), ("HIGH", "P2"), ("NORMAL", "P3"), ("LOW", "P4"), (None, None)],
)
def test_zendesk_priorities_are_p1_to_p4(zendesk, runtime, zendesk_priority, ours):
    _sent(zendesk, ticket_event("created", ZD, NOW, priority=zendesk_priority))
    assert mirror_of(runtime, ZD).priority == ours


@pytest.mark.parametrize(
    ("zendesk_status", "ours"),
    [
        ("NEW", "new"),
        ("OPEN", "open"),
        ("PENDING", "pending"),
        ("HOLD", "open"),
        ("SOLVED", "solved"),
        ("CLOSED", "closed"),
        ("DELETED", "closed"),
    ],
)
def test_zendesk_statuses_map_onto_dutydesks(zendesk, runtime, zendesk_status, ours):
    _sent(zendesk, ticket_event("created", ZD, NOW))
    _sent(zendesk, ticket_event("status_changed", ZD, _at(1), status=zendesk_status))
    assert mirror_of(runtime, ZD).status == ours


def test_a_priority_from_zendesk_is_recorded_and_triage_here_stands_until_zendesk_changes_it(
    zendesk, runtime, api
):
    _sent(zendesk, ticket_event("created", ZD, NOW, priority="URGENT"))
    assert _priority_changes(runtime, 1) == [(None, "P1", "zendesk", "urgent in Zendesk")]
    # P1 pages at once through support's page_service, as any P1 does.
    with unit_of_work(runtime.read_sessions) as session:
        assert [a.dedup_key for a in session.scalars(select(Alert))] == ["ticket-1-priority"]
    triaged = api.post("/api/v1/tickets/1/priority", json={"priority": "P3", "reason": "one app"})
    assert triaged.status_code == 200, triaged.text
    _sent(zendesk, ticket_event("status_changed", ZD, _at(5), status="OPEN", priority="URGENT"))
    assert mirror_of(runtime, ZD).priority == "P3"
    _sent(zendesk, ticket_event("priority_changed", ZD, _at(9), status="OPEN", priority="HIGH"))
    assert mirror_of(runtime, ZD).priority == "P2"
    assert [change[1] for change in _priority_changes(runtime, 1)] == ["P1", "P3", "P2"]


def test_a_ticket_deleted_or_merged_in_zendesk_is_closed(zendesk, runtime):
    _sent(zendesk, ticket_event("created", ZD, NOW))
    gone = {"type": "zen:event-type:ticket.merged", "detail": {"id": str(ZD)}}
    assert _sent(zendesk, gone) == {
        "status": "updated",
        "ticket": 1,
        "reason": "closed: merged in Zendesk",
    }
    ticket = mirror_of(runtime, ZD)
    assert ticket.status == "closed" and ticket.clock_kind is None
    assert _sent(zendesk, gone)["reason"] == "closed already"


def test_the_trigger_body_gives_the_requester_and_with_it_the_tenant(zendesk, runtime, acme):
    made = _sent(zendesk, trigger_body(ZD, NOW, status="New", priority="-"))
    assert made["status"] == "created"
    ticket = mirror_of(runtime, ZD)
    assert (ticket.tenant_id, ticket.requester_email, ticket.requester_name) == (
        "acme",
        "ops@acme.com",
        "Olive Ops",
    )
    assert ticket.priority is None and ticket.status == "new"


def test_a_trigger_after_the_events_names_the_tenant_but_never_overrides_triage(
    zendesk, runtime, acme, api
):
    _sent(zendesk, ticket_event("created", ZD, NOW))
    _sent(zendesk, ticket_event("created", 901, NOW))
    assert mirror_of(runtime, ZD).tenant_id is None
    _sent(zendesk, trigger_body(ZD, _at(1)))
    assert mirror_of(runtime, ZD).tenant_id == "acme"
    # Triage gave 901 to Globex: the requester's address does not take it back.
    with unit_of_work(runtime.sessions) as session:
        ticket = service.get_ticket(session, mirror_of(runtime, 901).id)
        ticket.tenant_id = "globex"
        session.commit()
    _sent(zendesk, trigger_body(901, _at(1), requester={"email": "ops@acme.com"}))
    assert mirror_of(runtime, 901).tenant_id == "globex"
    assert mirror_of(runtime, 901).requester_email == "ops@acme.com"


def _documented_trigger(ticket_id, updated_at):
    """The trigger body of docs/integrations.md, as Zendesk fills it in (minutes, no seconds)."""
    return {
        "ticket": {
            "id": str(ticket_id),
            "updated_at": updated_at.strftime("%Y-%m-%dT%H:%MZ"),
            "requester": {"email": "ops@acme.com", "name": "Olive Ops"},
        }
    }


def test_the_documented_trigger_after_the_events_of_the_same_minute_still_names_the_tenant(
    zendesk, runtime, acme
):
    _sent(zendesk, ticket_event("created", ZD, _at(0.5)))
    # The trigger's time is cut to the minute: older than the event's, yet it names the tenant.
    assert zendesk.send(_documented_trigger(ZD, _at(0.5))).status_code == 200
    ticket = mirror_of(runtime, ZD)
    assert (ticket.tenant_id, ticket.requester_email) == ("acme", "ops@acme.com")
    assert ticket.external_updated_at == _at(0.5)


def test_a_mirror_opened_by_the_trigger_takes_its_subject_and_description_from_the_events(
    zendesk, runtime, acme
):
    assert _sent(zendesk, _documented_trigger(ZD, NOW))["status"] == "created"
    opened = mirror_of(runtime, ZD)
    assert (opened.subject, opened.tenant_id) == (f"Zendesk ticket {ZD}", "acme")
    assert thread(runtime, 1) == [("tenant", "(no text)", "description")]
    _sent(zendesk, ticket_event("created", ZD, _at(0.5)))
    assert mirror_of(runtime, ZD).subject == "Cannot deploy"
    assert thread(runtime, 1) == [("tenant", "Every deploy fails since 09:00", "description")]
    _sent(zendesk, comment_event(ZD, 501, "Every deploy fails since 09:00", _at(0.5)))
    assert thread(runtime, 1) == [("tenant", "Every deploy fails since 09:00", "comment:501")]


def test_a_mirrored_ticket_is_reminded_and_pages_at_its_breach_like_any_ticket(
    zendesk, runtime, clock
):
    _sent(zendesk, ticket_event("created", ZD, NOW, priority="HIGH"))
    reminded = []
    for minutes in (14, 15, 23, 30, 31):
        clock.set(_at(minutes))
        reminded.append(tickets_due(runtime, "test"))
    assert reminded == [0, 1, 1, 1, 0]
    with unit_of_work(runtime.read_sessions) as session:
        subjects = [
            m.subject
            for m in session.scalars(
                select(OutboxMessage)
                .where(OutboxMessage.destination == "bob@example.org")
                .order_by(OutboxMessage.id)
            )
        ]
        alerts = [(a.service_id, a.dedup_key) for a in session.scalars(select(Alert))]
    assert subjects == [
        "[Dutydesk] Ticket #1 (P2): first response due Wed 14 Jan 2026 10:30 (15 min left)",
        "[Dutydesk] Ticket #1 (P2): first response due Wed 14 Jan 2026 10:30 (7 min left)",
        "[Dutydesk] Ticket #1 (P2): first response overdue",
    ]
    assert alerts == [("platform-api", "ticket-1-breach")]


def test_an_agents_reply_in_zendesk_before_the_breach_means_nothing_pages(zendesk, runtime, clock):
    _sent(zendesk, ticket_event("created", ZD, NOW, priority="HIGH"))
    clock.set(_at(20))
    reply = comment_event(ZD, 502, "On it", _at(20), staff=True, status="OPEN", priority="HIGH")
    _sent(zendesk, reply)
    clock.set(_at(31))
    assert tickets_due(runtime, "test") == 0
    with unit_of_work(runtime.read_sessions) as session:
        assert session.scalars(select(Alert)).all() == []


def test_the_tenant_is_never_mailed_about_a_mirrored_ticket(zendesk, runtime, acme):
    _sent(zendesk, trigger_body(ZD, NOW))
    _sent(zendesk, comment_event(ZD, 502, "On it", _at(5), staff=True, status="OPEN"))
    _sent(zendesk, ticket_event("status_changed", ZD, _at(9), status="SOLVED"))
    assert _mail_to(runtime, "ops@acme.com") == []


def test_followers_are_told_of_an_agents_reply_in_zendesk(zendesk, runtime, api):
    _sent(zendesk, ticket_event("created", ZD, NOW))
    assert api.post("/api/v1/tickets/1/followers", json={"person": "dan"}).status_code == 200
    _sent(zendesk, comment_event(ZD, 502, "On it", _at(5), staff=True, author="Carol Agent"))
    with unit_of_work(runtime.read_sessions) as session:
        [told] = session.scalars(
            select(OutboxMessage).where(OutboxMessage.idempotency_key.like("ticket-follow-%"))
        ).all()
    assert told.text.startswith("Carol Agent replied in Zendesk on ticket #1:\nOn it")


def test_mirrored_tickets_are_in_the_queue_like_any_ticket(zendesk, runtime, api):
    _sent(zendesk, ticket_event("created", ZD, NOW, priority="URGENT"))
    queue = api.get("/api/v1/tickets").json()
    assert [(t["id"], t["source"], t["external_url"]) for t in queue] == [
        (1, "zendesk", f"{ZENDESK_URL}/agent/tickets/{ZD}")
    ]
    assert api.get("/api/v1/tickets", params={"unassigned": True}).json()[0]["id"] == 1


def test_a_mirrored_ticket_is_picked_up_noted_and_followed_here(zendesk, runtime, api):
    _sent(zendesk, ticket_event("created", ZD, NOW))
    assert api.post("/api/v1/tickets/1/assignee", json={"person": "carol"}).json()["assignee"] == (
        "carol"
    )
    assert api.post("/api/v1/tickets/1/notes", json={"body": "Ask about the LB"}).status_code == (
        201
    )
    assert api.post("/api/v1/tickets/1/followers", json={"person": "dan"}).status_code == 200
    assert [kind for kind, _, _ in thread(runtime, 1)] == ["tenant", "note"]


def test_the_same_event_over_and_over_changes_nothing_after_the_first(zendesk, runtime):
    _sent(zendesk, ticket_event("created", ZD, NOW, priority="LOW"))
    reply = comment_event(ZD, 502, "On it", _at(5), staff=True, status="OPEN", priority="LOW")
    for _ in range(3):
        _sent(zendesk, reply)
        _sent(zendesk, ticket_event("status_changed", ZD, _at(5), status="OPEN", priority="LOW"))
    assert counts(runtime) == (1, 2)
    assert len(_priority_changes(runtime, 1)) == 1
    with unit_of_work(runtime.read_sessions) as session:
        ticket = service.get_ticket(session, 1)
        assert (ticket.status, ticket.first_replied_at) == ("open", _at(5))
        assert support_policy(session) is not None
