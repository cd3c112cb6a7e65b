"""The round trip through a real Dovecot and a real SMTP server: a tenant's mail arrives, becomes
a ticket; the reply goes out; the tenant's answer, quoting it, lands on the same ticket with the
quote left out. And a fetched batch: filed together, marked once committed, a message that fails
left in the mailbox, nothing filed twice when the fetch dies before marking."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.mailin.imap import DONE, fetch_configured
from dutydesk.notify.delivery import deliver_due
from dutydesk.notify.models import OutboxMessage
from dutydesk.settings import Settings
from dutydesk.tickets import service
from dutydesk.tickets.mail_in import fetch, file_batch, mail_due
from dutydesk.tickets.support import support_policy
from tests.notify.servers import reconfigure
from tests.tickets.conftest import POISON
from tests.tickets.test_intake import mail
from tests.tickets.test_mail_batches import reply_to_m1, subjects


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


def test_a_fetched_batch_is_filed_together_and_a_message_that_fails_stays_in_the_mailbox(
    runtime, acme, imap_account, refusing
):
    reconfigure(runtime, mail_imap_url=imap_account.url())
    first = imap_account.deliver(mail(message_id="<m1@acme.com>"))
    poison = imap_account.deliver(mail(subject=POISON, message_id="<poison@acme.com>"))
    answer = imap_account.deliver(reply_to_m1())

    report = fetch(runtime)

    assert report is not None and report.handled == [first, answer]
    assert [(f.uid, f.attempts) for f in report.failed] == [(poison, 1)]
    assert "poison refused" in report.failed[0].error
    flags = imap_account.flags()
    assert DONE in flags[first] and DONE in flags[answer]
    assert flags[poison] == {"$DutydeskFailed1"}
    assert subjects(runtime) == ["Deploys fail"]
    with unit_of_work(runtime.read_sessions) as session:
        assert len(service.thread_of(session, 1)) == 2

    refusing()  # whatever kept it out is mended: the next fetch files it
    again = fetch(runtime)

    assert again is not None and again.handled == [poison]
    assert subjects(runtime) == ["Deploys fail", POISON]


def test_a_fetch_killed_between_its_commit_and_the_marking_makes_no_duplicate(
    runtime, acme, imap_account
):
    reconfigure(runtime, mail_imap_url=imap_account.url())
    for n in range(3):
        imap_account.deliver(mail(message_id=f"<m{n}@acme.com>"))

    def killed_after_committing(raws):
        file_batch(runtime, raws)
        raise SystemExit("killed")

    with pytest.raises(SystemExit):
        fetch_configured(runtime.settings, killed_after_committing)
    assert subjects(runtime) == ["Deploys fail"] * 3
    assert not any(DONE in flags for flags in imap_account.flags().values())

    report = fetch(runtime)

    assert report is not None and len(report.handled) == 3
    assert all(DONE in flags for flags in imap_account.flags().values())
    assert subjects(runtime) == ["Deploys fail"] * 3  # recognised by Message-ID
    with unit_of_work(runtime.read_sessions) as session:
        acks = session.scalars(
            select(OutboxMessage.id).where(OutboxMessage.idempotency_key.like("ticket-ack-%"))
        ).all()
    assert len(acks) == 3


def test_mail_fetched_while_the_database_is_unavailable_is_left_for_later(
    tmp_path, clock, imap_account
):
    settings = Settings(
        database_url=f"sqlite:///{tmp_path / 'missing' / 'dutydesk.sqlite3'}",
        mail_imap_url=imap_account.url(),
    )
    unavailable = bootstrap(settings, clock)
    imap_account.deliver(mail(message_id="<m1@acme.com>"))
    imap_account.deliver(mail(message_id="<m2@acme.com>"))
    try:
        report = fetch(unavailable)
    finally:
        unavailable.close()

    assert report is not None
    assert (report.handled, report.failed, report.left) == ([], [], 2)
    assert report.stopped == "the database is unavailable"
    assert list(imap_account.flags().values()) == [set(), set()]
