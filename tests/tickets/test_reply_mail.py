"""A public reply reaches the requester through a real SMTP server, threaded: our Message-ID,
In-Reply-To their last message, References the thread, and [#n] in the subject."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from dutydesk.db import unit_of_work
from dutydesk.notify.delivery import deliver_due
from dutydesk.tickets import service as tickets
from dutydesk.tickets.support import support_policy
from tests.notify.servers import reconfigure

NOW = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)


def test_a_reply_is_mailed_threaded_and_followers_are_told(runtime, example_team, smtp, clock):
    reconfigure(runtime, smtp_url=smtp.url, smtp_from="Support <support@example.org>")
    with unit_of_work(runtime.sessions) as session:
        policy = support_policy(session)
        ticket = tickets.open_ticket(
            session,
            policy,
            subject="Deploys fail",
            first=tickets.Incoming(
                "Help", author_email="ops@acme.com", message_id="<first@acme.com>"
            ),
            source="mail",
            actor="mail",
            now=NOW,
        )
        tickets.add_tenant_message(
            session,
            policy,
            ticket,
            tickets.Incoming("More", author_email="ops@acme.com", message_id="<second@acme.com>"),
            NOW + timedelta(minutes=1),
        )
        tickets.follow(session, ticket, "dan", actor="carol", now=NOW)
        reply = tickets.reply(
            session,
            policy,
            ticket,
            "We are on it.",
            actor="carol",
            person_id="carol",
            now=NOW + timedelta(minutes=5),
        )
        session.commit()
        ours = reply.message_id
    clock.set(NOW + timedelta(minutes=5))
    deliver_due(runtime, "test-worker")
    assert smtp.mailbox.wait_for(2)
    by_recipient = {
        recipients[0]: message
        for recipients, message in zip(smtp.mailbox.recipients, smtp.mailbox.messages, strict=True)
    }
    mail = by_recipient["ops@acme.com"]
    assert mail["Subject"] == "[#1] Deploys fail"
    assert mail["Message-ID"] == ours
    assert mail["In-Reply-To"] == "<second@acme.com>"
    assert mail["References"] == "<first@acme.com> <second@acme.com>"
    body = mail.get_payload(decode=True).decode().replace("\r\n", "\n")
    assert body == (
        "We are on it.\n\n-- \nTicket #1: Deploys fail\n"
        "Reply to this e-mail to answer; keep [#1] in the subject.\n"
    )
    told = by_recipient["dan@example.org"]
    assert told["Subject"] == "[Dutydesk] [#1] Deploys fail"
    assert "carol replied on ticket #1" in told.get_payload(decode=True).decode()


def test_an_internal_note_is_mailed_to_nobody(runtime, example_team, smtp):
    reconfigure(runtime, smtp_url=smtp.url)
    with unit_of_work(runtime.sessions) as session:
        ticket = tickets.open_ticket(
            session,
            support_policy(session),
            subject="Deploys fail",
            first=tickets.Incoming("Help", author_email="ops@acme.com"),
            source="mail",
            actor="mail",
            now=NOW,
        )
        tickets.add_note(
            session, ticket, "The LB again?", actor="carol", person_id="carol", now=NOW
        )
        session.commit()
    assert deliver_due(runtime, "test-worker") == 0
    assert smtp.mailbox.messages == []
