"""The round trip through a real Dovecot and a real SMTP server: a tenant's mail arrives, becomes
a ticket; the reply goes out; the tenant's answer, quoting it, lands on the same ticket with the
quote left out."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

from dutydesk.db import unit_of_work
from dutydesk.notify.delivery import deliver_due
from dutydesk.tickets import service
from dutydesk.tickets.mail_in import fetch, mail_due
from dutydesk.tickets.support import support_policy
from tests.notify.servers import reconfigure
from tests.tickets.test_intake import mail


def test_mail_in_reply_out_answer_back_on_the_same_ticket(
    runtime, example_team, imap_account, smtp, clock
):
    reconfigure(
        runtime,
        mail_imap_url=imap_account.url(),
        smtp_url=smtp.url,
        smtp_from="Support <support@example.org>",
    )
    imap_account.deliver(mail("Every deploy fails since 09:00."))
    assert mail_due(runtime, "test") == 1
    with unit_of_work(runtime.sessions) as session:
        ticket = service.get_ticket(session, 1)
        assert (ticket.source, ticket.requester_email) == ("mail", "ops@acme.com")
        service.reply(
            session,
            support_policy(session),
            ticket,
            "Which region are you deploying to?",
            actor="carol",
            person_id="carol",
            now=clock.now(),
        )
        session.commit()
    deliver_due(runtime, "test")
    assert smtp.mailbox.wait_for(2)  # the acknowledgement and the reply
    sent = next(
        m for m in smtp.mailbox.messages if "Which region" in m.get_payload(decode=True).decode()
    )
    assert sent["Subject"] == "[#1] Deploys fail"

    answer = EmailMessage()
    answer["From"] = "Olive Ops <ops@acme.com>"
    answer["To"] = "support@example.org"
    answer["Subject"] = f"Re: {sent['Subject']}"
    answer["Message-ID"] = "<answer@acme.com>"
    answer["In-Reply-To"] = sent["Message-ID"]
    answer["References"] = f"{sent['References']} {sent['Message-ID']}"
    quoted = "\n".join(f"> {line}" for line in "Which region are you deploying to?".splitlines())
    answer.set_content(f"eu-west-2.\n\nOn Wed, Support wrote:\n{quoted}\n")
    imap_account.deliver(bytes(answer))
    assert mail_due(runtime, "test") == 0  # within the interval: no fetch yet
    clock.advance(timedelta(seconds=30))
    assert mail_due(runtime, "test") == 1
    with unit_of_work(runtime.read_sessions) as session:
        thread = service.thread_of(session, 1)
        assert [m.kind for m in thread] == ["tenant", "reply", "tenant"]
        assert thread[-1].body_text.strip() == "eu-west-2."
        assert "Which region" in (thread[-1].full_text or "")
    # Fetched mail is marked done in the mailbox: a second fetch files nothing.
    report = fetch(runtime)
    assert report is not None and report.handled == []
