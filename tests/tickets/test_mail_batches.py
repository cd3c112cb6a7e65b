"""Mail filed in batches, as the IMAP fetch files it: one transaction, a savepoint a message.
A message that fails is left out alone; the others are filed, and see each other (a reply finds
the ticket its original opened earlier in the batch, a message twice is one message)."""

from __future__ import annotations

import pytest
from sqlalchemy import event, select, text
from sqlalchemy.exc import DBAPIError, OperationalError

from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.settings import Settings
from dutydesk.tickets import service
from dutydesk.tickets.intake import Filed
from dutydesk.tickets.mail_in import file_batch
from dutydesk.tickets.mail_lookups import MailLookups
from dutydesk.tickets.models import Ticket
from dutydesk.tickets.support import support_policy
from tests.conftest import POSTGRES_URL
from tests.tickets.conftest import POISON
from tests.tickets.test_intake import mail


def reply_to_m1():
    return mail(
        "Still failing.",
        subject="Re: Deploys fail",
        message_id="<m2@acme.com>",
        in_reply_to="<m1@acme.com>",
    )


def outcomes(filed):
    return [(f.outcome, f.ticket_id) if isinstance(f, Filed) else type(f).__name__ for f in filed]


def subjects(runtime):
    with unit_of_work(runtime.read_sessions) as session:
        return list(session.scalars(select(Ticket.subject).order_by(Ticket.id)))


def test_a_batch_sees_what_it_filed_itself(runtime, acme):
    raws = [
        mail(message_id="<m1@acme.com>"),
        reply_to_m1(),
        mail(message_id="<m1@acme.com>"),
        mail("Quota?", sender="dev@acme.com", subject="Quota", message_id="<q@acme.com>"),
    ]

    filed = file_batch(runtime, raws)

    assert outcomes(filed) == [("ticket", 1), ("message", 1), ("duplicate", 1), ("ticket", 2)]
    with unit_of_work(runtime.read_sessions) as session:
        thread = service.thread_of(session, 1)
        assert [m.message_id for m in thread] == ["<m1@acme.com>", "<m2@acme.com>"]
        assert service.get_ticket(session, 2).tenant_id == "acme"


def test_one_transaction_and_one_commit_for_a_batch(runtime, acme):
    commits: list[None] = []
    event.listen(runtime.engine, "commit", lambda _connection: commits.append(None))

    filed = file_batch(runtime, [mail(message_id=f"<m{n}@acme.com>") for n in range(5)])

    assert [f.outcome for f in filed if isinstance(f, Filed)] == ["ticket"] * 5
    assert len(commits) == 1


def test_a_message_the_database_refuses_is_left_out_and_the_others_are_filed(
    runtime, acme, refusing
):
    raws = [
        mail(message_id="<m1@acme.com>"),
        mail(subject=POISON, message_id="<poison@acme.com>"),
        reply_to_m1(),
    ]

    filed = file_batch(runtime, raws)

    assert outcomes(filed)[0] == ("ticket", 1)
    assert isinstance(filed[1], DBAPIError)
    assert "poison refused" in str(filed[1])
    assert outcomes(filed)[2] == ("message", 1)
    assert subjects(runtime) == ["Deploys fail"]
    with unit_of_work(runtime.read_sessions) as session:
        assert len(service.thread_of(session, 1)) == 2


def test_a_refused_message_is_filed_by_a_later_batch_once_it_can_be(runtime, acme, refusing):
    poison = mail(subject=POISON, message_id="<poison@acme.com>")
    [failed] = file_batch(runtime, [poison])
    assert isinstance(failed, DBAPIError)
    assert subjects(runtime) == []
    refusing()  # stop refusing

    [filed] = file_batch(runtime, [poison])

    assert isinstance(filed, Filed) and filed.outcome == "ticket"
    assert subjects(runtime) == [POISON]


def test_a_database_that_is_unavailable_files_nothing_and_says_so(tmp_path, clock):
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'missing' / 'dutydesk.sqlite3'}")
    unavailable = bootstrap(settings, FrozenClock(clock.now()))
    try:
        filed = file_batch(unavailable, [mail(message_id=f"<m{n}@acme.com>") for n in range(3)])
    finally:
        unavailable.close()

    assert [type(f) for f in filed] == [OperationalError] * 3


def test_what_a_failed_savepoint_learnt_is_forgotten(runtime, acme, clock):
    with unit_of_work(runtime.sessions) as session:
        ticket = service.open_ticket(
            session,
            support_policy(session),
            subject="Deploys fail",
            first=service.Incoming("help", author_email="ops@acme.com"),
            source="mail",
            actor="mail",
            now=clock.now(),
        )
        lookups = MailLookups(session)
        lookups.filed("<kept@acme.com>", ticket)
        with pytest.raises(RuntimeError), lookups.held():
            lookups.filed("<rolled-back@acme.com>", ticket)
            raise RuntimeError("its savepoint failed")

        assert lookups.ticket_number_of(["<kept@acme.com>"]) == ticket.id
        # Asked of the database again, which never had it.
        assert lookups.ticket_number_of(["<rolled-back@acme.com>"]) is None
        assert lookups.tenant_of("ops@acme.com") == "acme"
        assert lookups.tenant_of("ops@mail.acme.com") == "acme"
        assert lookups.tenant_of("not an address") is None


# PostgreSQL only: its server can end a connection mid-batch; SQLite has no connection to lose.
@pytest.mark.parametrize("database_url", ["postgresql"] if POSTGRES_URL else [], indirect=True)
def test_a_connection_lost_in_the_middle_of_a_batch_counts_against_no_message(runtime, acme):
    with runtime.engine.begin() as connection:
        connection.execute(
            text(
                "CREATE FUNCTION end_connection() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
                f" IF NEW.subject = '{POISON}' THEN PERFORM pg_terminate_backend(pg_backend_pid());"
                " END IF; RETURN NEW; END $$"
            )
        )
        connection.execute(
            text(
                "CREATE TRIGGER end_connection BEFORE INSERT ON tickets"
                " FOR EACH ROW EXECUTE FUNCTION end_connection()"
            )
        )
    try:
        filed = file_batch(
            runtime,
            [
                mail(message_id="<m1@acme.com>"),
                mail(subject=POISON, message_id="<poison@acme.com>"),
                mail(subject="After", message_id="<m3@acme.com>"),
            ],
        )
    finally:
        with runtime.engine.begin() as connection:
            connection.execute(text("DROP TRIGGER end_connection ON tickets"))
            connection.execute(text("DROP FUNCTION end_connection()"))

    # Filed alone once the batch was lost; then the database looked unavailable: the rest wait
    # for the next fetch, none of them counted as failing.
    assert outcomes(filed)[0][0] == "ticket"  # PostgreSQL's ids are not rolled back
    assert outcomes(filed)[1:] == ["OperationalError", "OperationalError"]
    assert subjects(runtime) == ["Deploys fail"]
