"""Mail into tickets: new tickets, threads joined by header or subject (not across tenants),
duplicates, automatic messages, closed tickets, attachments, refusals kept, acknowledgements."""

from __future__ import annotations

from email.message import EmailMessage
from email.utils import format_datetime

import pytest
from sqlalchemy import select

from dutydesk.db import unit_of_work
from dutydesk.notify.models import OutboxMessage
from dutydesk.tenants import service as tenants
from dutydesk.tickets import service
from dutydesk.tickets.intake import Limits, file_raw
from dutydesk.tickets.mail_in import file_batch
from dutydesk.tickets.models import RefusedMail, TicketAttachment
from dutydesk.tickets.support import support_policy
from tests.mailin.corpus import CORPUS, corpus_param
from tests.notify.servers import reconfigure

LIMITS = Limits(message_bytes=40 * 1024 * 1024, attachment_bytes=1024 * 1024)


def mail(
    body="Deploys fail since 09:00.",
    *,
    sender="Olive Ops <ops@acme.com>",
    subject="Deploys fail",
    message_id="<m1@acme.com>",
    in_reply_to=None,
    headers=(),
    attachment=None,
):
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "support@example.org"
    message["Subject"] = subject
    message["Message-ID"] = message_id
    message["Date"] = format_datetime(
        __import__("datetime").datetime(2026, 1, 14, 10, 0, tzinfo=__import__("datetime").UTC)
    )
    if in_reply_to:
        message["In-Reply-To"] = in_reply_to
        message["References"] = in_reply_to
    for name, value in headers:
        message[name] = value
    message.set_content(body)
    if attachment is not None:
        name, data = attachment
        message.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return bytes(message)


@pytest.fixture(params=["alone", "batch"])
def file(request, runtime, example_team, clock):
    """File one message: alone in a transaction, or as a batch of one (the IMAP fetch's way)."""
    with unit_of_work(runtime.sessions) as session:
        tenants.add_tenant(session, "acme", "Acme", ["acme.com"], actor="t", now=clock.now())
        tenants.add_tenant(session, "globex", "Globex", ["globex.io"], actor="t", now=clock.now())
        session.commit()
    reconfigure(
        runtime,
        mail_max_message_bytes=LIMITS.message_bytes,
        mail_max_attachment_bytes=LIMITS.attachment_bytes,
    )

    def alone(raw):
        with unit_of_work(runtime.sessions) as session:
            filed = file_raw(session, support_policy(session), raw, LIMITS, clock.now())
            session.commit()
            return filed

    def batch(raw):
        [filed] = file_batch(runtime, [raw])
        if isinstance(filed, Exception):
            raise filed
        return filed

    return alone if request.param == "alone" else batch


def _ticket(runtime, number):
    with unit_of_work(runtime.read_sessions) as session:
        ticket = service.get_ticket(session, number)
        return ticket, list(service.thread_of(session, number))


def _acks(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        return list(
            session.scalars(
                select(OutboxMessage.destination).where(
                    OutboxMessage.idempotency_key.like("ticket-ack-%")
                )
            )
        )


def test_a_tenants_mail_opens_a_ticket_under_its_tenant_and_is_acknowledged(runtime, file):
    filed = file(mail())
    assert (filed.outcome, filed.ticket_id) == ("ticket", 1)
    ticket, [first] = _ticket(runtime, 1)
    assert (ticket.tenant_id, ticket.source, ticket.subject) == ("acme", "mail", "Deploys fail")
    assert (first.author_email, first.author_name, first.message_id) == (
        "ops@acme.com",
        "Olive Ops",
        "<m1@acme.com>",
    )
    assert _acks(runtime) == ["ops@acme.com"]


def test_the_same_message_twice_is_one_ticket(runtime, file):
    file(mail())
    again = file(mail())
    assert (again.outcome, again.ticket_id) == ("duplicate", 1)


def test_a_reply_joins_by_in_reply_to_with_the_quote_left_out(runtime, file):
    file(mail())
    answer = mail(
        "It is eu-west.\n\nOn Wed, 14 Jan 2026 Support wrote:\n> Which region?\n",
        subject="Re: [#1] Deploys fail",
        message_id="<m2@acme.com>",
        in_reply_to="<m1@acme.com>",
    )
    filed = file(answer)
    assert (filed.outcome, filed.ticket_id) == ("message", 1)
    _, thread = _ticket(runtime, 1)
    assert thread[-1].body_text.strip() == "It is eu-west."
    assert "Which region?" in thread[-1].full_text
    assert _acks(runtime) == ["ops@acme.com"]  # no second acknowledgement


def test_the_subjects_number_joins_only_for_the_requester_or_their_tenant(runtime, file):
    file(mail())
    colleague = file(
        mail("Me too.", sender="dev@acme.com", subject="[#1] also", message_id="<c@acme.com>")
    )
    assert (colleague.outcome, colleague.ticket_id) == ("message", 1)
    stranger = file(
        mail(
            "Hi", sender="x@globex.io", subject="Re: [#1] Deploys fail", message_id="<g@globex.io>"
        )
    )
    assert stranger.outcome == "ticket" and stranger.ticket_id == 2
    _, thread = _ticket(runtime, 1)
    assert [m.author_email for m in thread] == ["ops@acme.com", "dev@acme.com"]


def test_an_out_of_office_reply_is_kept_but_reopens_nothing_and_gets_no_acknowledgement(
    runtime, file, clock
):
    file(mail())
    with unit_of_work(runtime.sessions) as session:
        ticket = service.get_ticket(session, 1)
        service.reply(
            session,
            support_policy(session),
            ticket,
            "Fixed",
            actor="carol",
            now=clock.now(),
            status="solved",
        )
        session.commit()
    away = mail(
        "I am away until Monday.",
        subject="Automatic reply: [#1] Deploys fail",
        message_id="<ooo@acme.com>",
        in_reply_to="<m1@acme.com>",
        headers=[("Auto-Submitted", "auto-replied")],
    )
    filed = file(away)
    assert (filed.outcome, filed.ticket_id) == ("message", 1)
    ticket, thread = _ticket(runtime, 1)
    assert ticket.status == "solved" and len(thread) == 3
    lonely = file(
        mail("Away", message_id="<ooo2@acme.com>", headers=[("Auto-Submitted", "auto-replied")])
    )
    assert lonely.outcome == "skipped"
    assert _acks(runtime) == ["ops@acme.com"]


def test_mail_on_a_closed_ticket_opens_a_new_one(runtime, file, clock):
    file(mail())
    with unit_of_work(runtime.sessions) as session:
        service.set_status(
            session,
            support_policy(session),
            service.get_ticket(session, 1),
            "closed",
            actor="c",
            now=clock.now(),
        )
        session.commit()
    filed = file(mail("Again", message_id="<m3@acme.com>", in_reply_to="<m1@acme.com>"))
    assert (filed.outcome, filed.ticket_id) == ("ticket", 2)
    assert "follows up closed ticket #1" in filed.reason


def test_attachments_are_kept_up_to_the_limit(runtime, file):
    file(mail(attachment=("log.txt", b"x" * 1000), message_id="<a1@acme.com>"))
    file(mail(attachment=("dump.bin", b"y" * (2 * 1024 * 1024)), message_id="<a2@acme.com>"))
    with unit_of_work(runtime.read_sessions) as session:
        kept = {
            a.filename: (a.size, a.data is not None, a.skipped)
            for a in session.scalars(select(TicketAttachment))
        }
    assert kept["log.txt"] == (1000, True, None)
    size, stored, skipped = kept["dump.bin"]
    assert (size, stored) == (2 * 1024 * 1024, False) and skipped


def test_a_refused_message_is_kept_for_a_person(runtime, file):
    filed = file(b"   \r\n")
    assert filed.outcome == "refused" and filed.bounced
    with unit_of_work(runtime.read_sessions) as session:
        [kept] = session.scalars(select(RefusedMail)).all()
    assert kept.code == "empty" and kept.raw == b"   \r\n"


@pytest.mark.parametrize("case", [corpus_param(case) for case in CORPUS])
def test_every_message_of_the_corpus_gets_a_ticket_a_message_a_refusal_or_a_skip(
    runtime, file, case
):
    filed = file(case.build())
    assert filed.outcome in ("ticket", "message", "refused", "skipped", "duplicate")


def test_a_subject_longer_than_a_ticket_holds_is_cut_never_refused(runtime, file):
    subject = "Deploys fail " + "again and " * 80  # 813 characters, one line
    filed = file(mail(subject=subject))
    assert filed.outcome == "ticket"
    ticket, _ = _ticket(runtime, filed.ticket_id)
    assert len(ticket.subject) == 500
    assert ticket.subject == subject[:499] + "…"
