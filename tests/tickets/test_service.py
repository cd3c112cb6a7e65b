"""Tickets through their life: opened, answered, triaged, waiting, solved; the clock moves with
every change and every change is audited."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from dutydesk.audit.models import AuditEntry
from dutydesk.db import unit_of_work
from dutydesk.errors import Conflict, Invalid, NotFound
from dutydesk.tenants import service as tenants
from dutydesk.tickets import service as tickets
from dutydesk.tickets.support import support_policy

EXAMPLE_TEAM = Path(__file__).resolve().parents[2] / "examples" / "team.yaml"
# Wednesday 14 January 2026, 10:00 GMT: the clock fixture's time, inside support hours.
NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


@pytest.fixture
def session(runtime, example_team):
    with unit_of_work(runtime.sessions) as session:
        tenants.add_tenant(session, "acme", "Acme", ["acme.com"], actor="alice", now=NOW)
        yield session


def _open(session, **given):
    fields = {
        "subject": "Deploys fail with 502",
        "first": tickets.Incoming("Since 09:00 every deploy fails.", author_email="ops@acme.com"),
        "source": "web",
        "actor": "alice",
        "now": NOW,
    }
    return tickets.open_ticket(session, support_policy(session), **{**fields, **given})


def test_a_new_ticket_is_filed_under_the_senders_tenant_and_owes_a_first_response(session):
    ticket = _open(session)
    assert (ticket.id, ticket.tenant_id, ticket.status, ticket.priority) == (1, "acme", "new", None)
    # Untriaged: 2 support days of 8 hours (Mon-Fri 09:30-17:30): Friday 10:00.
    assert ticket.answer_due_at == datetime(2026, 1, 16, 10, 0, tzinfo=UTC)
    [first] = tickets.thread_of(session, ticket.id)
    assert (first.kind, first.author_email, first.body_text) == (
        "tenant",
        "ops@acme.com",
        "Since 09:00 every deploy fails.",
    )


def test_mail_from_an_unknown_sender_has_no_tenant_until_triage(session):
    ticket = _open(session, first=tickets.Incoming("Hello", author_email="who@example.org"))
    assert ticket.tenant_id is None


def test_a_priority_needs_a_reason_and_recomputes_the_clock(session):
    ticket = _open(session)
    with pytest.raises(Invalid, match="reason: say why"):
        tickets.set_priority(
            session, support_policy(session), ticket, "P2", reason=" ", actor="bob", now=NOW
        )
    later = NOW + timedelta(minutes=10)
    change = tickets.set_priority(
        session,
        support_policy(session),
        ticket,
        "P2",
        reason="every deploy of one tenant fails",
        actor="bob",
        now=later,
    )
    assert (change.old, change.new, change.changed_by) == (None, "P2", "bob")
    # P2: first response within 30 minutes, 10 of them used.
    assert ticket.answer_due_at == NOW + timedelta(minutes=30)
    entries = session.query(AuditEntry).filter(AuditEntry.action == "ticket.priority").all()
    assert [e.summary for e in entries] == [
        "ticket #1 untriaged → P2: every deploy of one tenant fails"
    ]
    with pytest.raises(Conflict, match="is P2 already"):
        tickets.set_priority(
            session, support_policy(session), ticket, "P2", reason="again", actor="bob", now=later
        )
    with pytest.raises(Invalid, match="priority: must be one of P1, P2, P3, P4"):
        tickets.set_priority(
            session, support_policy(session), ticket, "P9", reason="?", actor="bob", now=later
        )


def test_a_p1_counts_calendar_hours_in_the_example_team(session):
    ticket = _open(session, priority="P1", now=datetime(2026, 1, 17, 3, 0, tzinfo=UTC))
    assert ticket.answer_due_at == datetime(2026, 1, 17, 3, 20, tzinfo=UTC)  # a Saturday night


def test_a_public_reply_opens_the_ticket_and_makes_it_owe_updates(session):
    policy = support_policy(session)
    ticket = _open(session, priority="P3")
    reply_at = NOW + timedelta(minutes=45)
    message = tickets.reply(
        session, policy, ticket, "Looking into it.", actor="carol", person_id="carol", now=reply_at
    )
    assert message.kind == "reply" and message.message_id.startswith("<ticket-1.")
    assert (ticket.status, ticket.first_replied_at, ticket.clock_kind) == (
        "open",
        reply_at,
        "update",
    )
    assert ticket.answer_due_at == reply_at + timedelta(hours=4)


def test_pending_pauses_the_clock_and_the_tenants_answer_resumes_it(session):
    policy = support_policy(session)
    ticket = _open(session, priority="P2")
    tickets.reply(
        session,
        policy,
        ticket,
        "Which region?",
        actor="carol",
        person_id="carol",
        now=NOW,
        status="pending",
    )
    assert (ticket.status, ticket.answer_due_at, ticket.next_reminder_at) == ("pending", None, None)
    answered = datetime(2026, 1, 15, 11, 0, tzinfo=UTC)
    tickets.add_tenant_message(
        session,
        policy,
        ticket,
        tickets.Incoming("eu-west", author_email="ops@acme.com"),
        answered,
    )
    assert ticket.status == "open"
    assert ticket.answer_due_at == answered + timedelta(hours=2)


def test_solving_stops_the_clock_and_a_tenants_answer_reopens_it(session):
    policy = support_policy(session)
    ticket = _open(session, priority="P3")
    tickets.reply(
        session,
        policy,
        ticket,
        "Fixed.",
        actor="carol",
        person_id="carol",
        now=NOW,
        status="solved",
    )
    assert (ticket.status, ticket.answer_due_at, ticket.solved_at) == ("solved", None, NOW)
    again = NOW + timedelta(hours=1)
    tickets.add_tenant_message(
        session,
        policy,
        ticket,
        tickets.Incoming("Still broken", author_email="ops@acme.com"),
        again,
    )
    assert (ticket.status, ticket.answer_due_at) == ("open", again + timedelta(hours=4))


def test_a_closed_ticket_takes_no_more_messages(session):
    policy = support_policy(session)
    ticket = _open(session)
    tickets.set_status(session, policy, ticket, "closed", actor="bob", now=NOW)
    with pytest.raises(Conflict, match="is closed; open a new ticket"):
        tickets.add_tenant_message(session, policy, ticket, tickets.Incoming("hi"), NOW)
    with pytest.raises(Conflict, match="#1 is closed"):
        tickets.reply(session, policy, ticket, "hi", actor="carol", person_id="carol", now=NOW)


def test_an_internal_note_leaves_the_clock_alone(session):
    ticket = _open(session, priority="P2")
    due = ticket.answer_due_at
    note = tickets.add_note(
        session, ticket, "Probably the LB.", actor="bob", person_id="bob", now=NOW
    )
    assert note.kind == "note" and ticket.answer_due_at == due and ticket.status == "new"


def test_the_same_message_id_never_makes_a_second_message(session):
    first = tickets.Incoming("hi", author_email="ops@acme.com", message_id="<a@acme.com>")
    ticket = _open(session, first=first)
    with pytest.raises(Conflict, match=r"<a@acme\.com> is on ticket #1 already"):
        tickets.add_tenant_message(session, support_policy(session), ticket, first, NOW)


def test_picking_up_and_following(session):
    ticket = _open(session)
    tickets.assign(session, ticket, "carol", actor="carol", now=NOW)
    assert ticket.assignee_id == "carol"
    assert tickets.follow(session, ticket, "dan", actor="carol", now=NOW) is True
    assert tickets.follow(session, ticket, "dan", actor="carol", now=NOW) is False
    assert tickets.followers_of(session, ticket.id) == ["dan"]
    with pytest.raises(NotFound, match="no person 'zed'"):
        tickets.assign(session, ticket, "zed", actor="carol", now=NOW)
    tickets.assign(session, ticket, None, actor="carol", now=NOW)
    assert ticket.assignee_id is None


@pytest.mark.parametrize(
    ("given", "message"),
    [
        ({"source": "fax"}, "source: must be one of mail, web, api, cli, zendesk"),
        ({"tenant_id": "nobody"}, "no tenant 'nobody'"),
        ({"priority": "P0"}, "priority: must be one of P1, P2, P3, P4"),
        ({"subject": "x" * 501}, "subject: at most 500 characters"),
    ],
)
def test_bad_input_opens_nothing(session, given, message):
    with pytest.raises((Invalid, NotFound)) as refused:
        _open(session, **given)
    assert refused.value.message == message


def test_auto_assign_gives_new_tickets_to_whoever_is_on_support(runtime, make_team):
    make_team(
        EXAMPLE_TEAM.read_text().replace(
            "  rota: engineering ", "  rota: engineering\n  auto_assign: true "
        )
    )
    with unit_of_work(runtime.sessions) as session:
        ticket = _open(session)
        # bob is on the engineering rota on Wednesday 14 January 2026.
        assert ticket.assignee_id == "bob"


def test_auto_assign_without_a_rota_is_refused(cli, tmp_path):
    bad = tmp_path / "team.yaml"
    bad.write_text(EXAMPLE_TEAM.read_text().replace("  rota: engineering ", "  auto_assign: true "))
    result = cli("apply", str(bad))
    assert result.code == 2
    assert "auto_assign needs the rota whose person picks tickets up" in result.err


def test_a_reply_while_pending_keeps_waiting_and_a_reply_after_solving_takes_it_up(session):
    policy = support_policy(session)
    ticket = _open(session, priority="P2")
    tickets.reply(
        session, policy, ticket, "Which region?", actor="carol", now=NOW, status="pending"
    )
    tickets.reply(session, policy, ticket, "Any news?", actor="carol", now=NOW + timedelta(hours=1))
    assert (ticket.status, ticket.answer_due_at, ticket.clock_kind) == ("pending", None, "update")
    tickets.set_status(
        session, policy, ticket, "solved", actor="carol", now=NOW + timedelta(hours=2)
    )
    later = NOW + timedelta(hours=3)
    tickets.reply(session, policy, ticket, "One more thing", actor="carol", now=later)
    assert (ticket.status, ticket.answer_due_at) == ("open", later + timedelta(hours=2))
