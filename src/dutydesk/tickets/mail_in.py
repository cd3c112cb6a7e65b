"""Tenant mail into tickets from the outside: the MTA pipe (`dutydesk mail receive`), and the
IMAP mailbox (`dutydesk mail fetch` and the worker's `mail` cycle).

A piped message is filed in a transaction of its own. A fetched batch is filed in one
transaction, each message in a savepoint of its own, so one message's trouble never holds up
the others: a message that fails is rolled back alone and left in the mailbox, and the mailbox
marks the others only once the transaction has committed (mailin/imap.py). Reading, which needs
no database, is done before the transaction, and what every message of the batch looks up
(threads, tenants, the support policy) is asked once (tickets/mail_lookups.py). One commit for
the batch: with SQLite's synchronous=full, one disk flush rather than one a message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from dutydesk.db import unit_of_work
from dutydesk.mailin import InboundMail, Refusal
from dutydesk.mailin.imap import FetchReport, Handle, RetryLater, fetch_configured
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.tickets.intake import Filed, Limits, file_reading, read_raw
from dutydesk.tickets.mail_lookups import MailLookups, stored_message_id
from dutydesk.tickets.models import TicketMessage
from dutydesk.tickets.support import support_policy

log = logging.getLogger(__name__)

# sysexits.h: what an MTA does with a pipe's exit status.
EX_OK = 0
EX_DATAERR = 65  # the message is bad: the MTA returns it to its sender
EX_TEMPFAIL = 75  # try again later: the MTA keeps the message and retries

_last_fetch: dict[int, float] = {}
_fetch_lock = threading.Lock()


def limits_of(settings: Settings) -> Limits:
    return Limits(settings.mail_max_message_bytes, settings.mail_max_attachment_bytes)


def file_one(runtime: Runtime, raw: bytes, reading: InboundMail | Refusal | None = None) -> Filed:
    """File one message in a transaction of its own (`reading`: what reading `raw` gave, when
    it has been read). A message another process filed at the same moment (the same
    Message-ID) is a duplicate, not an error."""
    if reading is None:
        reading = read_raw(raw, limits_of(runtime.settings))
    try:
        with unit_of_work(runtime.sessions) as session:
            policy = support_policy(session)
            filed = file_reading(session, policy, raw, reading, runtime.clock.now())
            session.commit()
            return filed
    except IntegrityError:
        if isinstance(reading, InboundMail):
            with unit_of_work(runtime.read_sessions) as session:
                ticket = session.scalar(
                    select(TicketMessage.ticket_id).where(
                        TicketMessage.message_id == stored_message_id(reading.message_id)
                    )
                )
            if ticket is not None:
                return Filed("duplicate", ticket, "filed by another process meanwhile")
        raise


def file_batch(runtime: Runtime, raws: Sequence[bytes]) -> list[Filed | Exception]:
    """File messages fetched together: in one transaction, each in a savepoint of its own.
    What became of each, in order: how it was filed, or the exception that kept it out (an
    OperationalError: the database's, not the message's). Committed when this returns.

    A message that fails on a database error, and every message when the batch cannot commit,
    is filed once more in a transaction of its own (as `file_one`), so a bad message never
    takes the others with it, and a duplicate another process filed meanwhile is recognised.
    """
    limits = limits_of(runtime.settings)
    readings = [read_raw(raw, limits) for raw in raws]  # before the write lock is taken
    outcomes: list[Filed | Exception | None] = [None] * len(raws)
    try:
        with unit_of_work(runtime.sessions) as session:
            policy = support_policy(session)
            now = runtime.clock.now()
            lookups = MailLookups(session)
            lookups.ask(reading for reading in readings if isinstance(reading, InboundMail))
            for index, (raw, reading) in enumerate(zip(raws, readings, strict=True)):
                try:
                    with lookups.held(), session.begin_nested():
                        outcomes[index] = file_reading(session, policy, raw, reading, now, lookups)
                except SQLAlchemyError:
                    # The database's trouble, perhaps not the message's (a lost connection
                    # fails every message after it): it is filed once more on its own.
                    log.debug("mail %d of %d: a database error; alone", index + 1, len(raws))
                except Exception as error:  # the message's own trouble: the caller reports it
                    outcomes[index] = error
            session.commit()
    except Exception:
        log.warning("filing %d message(s) together failed; one at a time", len(raws), exc_info=True)
        outcomes = [o if isinstance(o, Exception) else None for o in outcomes]
    filed: list[Filed | Exception] = []
    unavailable: OperationalError | None = None
    for raw, reading, outcome in zip(raws, readings, outcomes, strict=True):
        if outcome is None:
            # Once the database is found unavailable, the rest wait for the next fetch too.
            outcome = unavailable or _file_alone(runtime, raw, reading)
            if isinstance(outcome, OperationalError):
                unavailable = outcome
        filed.append(outcome)
    return filed


def _file_alone(runtime: Runtime, raw: bytes, reading: InboundMail | Refusal) -> Filed | Exception:
    try:
        return file_one(runtime, raw, reading)
    except Exception as error:
        return error


def receive(runtime: Runtime, raw: bytes) -> tuple[int, str]:
    """The MTA pipe: file `raw`; (exit status, one line saying what became of it)."""
    try:
        filed = file_one(runtime, raw)
    except OperationalError as error:
        reason = str(error.orig).strip().splitlines()[0] if error.orig else "unavailable"
        return EX_TEMPFAIL, f"the database is unavailable ({reason}); try again later"
    if filed.bounced:
        return EX_DATAERR, f"refused: {filed.reason}"
    where = f" #{filed.ticket_id}" if filed.ticket_id is not None else ""
    return EX_OK, f"{filed.outcome}{where}: {filed.reason}"


def fetch(runtime: Runtime) -> FetchReport | None:
    """One fetch from the IMAP mailbox the settings name; None when none is configured.
    MailboxUnavailable (one line, no password) when it cannot be read."""
    return fetch_configured(runtime.settings, _handler(runtime))


def mail_due(runtime: Runtime, worker_id: str) -> int:
    """The worker cycle: fetch every DUTYDESK_MAIL_IMAP_INTERVAL_SECONDS; returns messages filed."""
    if runtime.settings.mail_imap_url is None:
        return 0
    now = runtime.clock.now().timestamp()
    with _fetch_lock:
        last = _last_fetch.get(id(runtime))
        if last is not None and now - last < runtime.settings.mail_imap_interval_seconds:
            return 0
        _last_fetch[id(runtime)] = now
    report = fetch(runtime)
    if report is None:
        return 0
    if report.failed or report.quarantined or report.stopped:
        log.warning("mail fetch: %s", report.summary())
    return len(report.handled)


def _handler(runtime: Runtime) -> Handle:
    def handle(raws: list[bytes]) -> list[Exception | None]:
        return [_for_the_mailbox(outcome) for outcome in file_batch(runtime, raws)]

    return handle


def _for_the_mailbox(outcome: Filed | Exception) -> Exception | None:
    """None: filed (mark it processed); RetryLater: the database's trouble, not the message's
    (leave it, count nothing); any other exception: the message failed (counted against it)."""
    if isinstance(outcome, Filed):
        return None
    if isinstance(outcome, OperationalError):
        later = RetryLater("the database is unavailable")
        later.__cause__ = outcome
        return later
    return outcome
