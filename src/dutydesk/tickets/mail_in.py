"""Tenant mail into tickets from the outside: the MTA pipe (`dutydesk mail receive`), and the
IMAP mailbox (`dutydesk mail fetch` and the worker's `mail` cycle). Each message is filed in a
transaction of its own (tickets/intake.py), so one message's trouble never holds up others."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, OperationalError

from dutydesk.db import unit_of_work
from dutydesk.mailin import InboundMail, read_message
from dutydesk.mailin.imap import FetchReport, RetryLater, fetch_configured
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.tickets.intake import Filed, Limits, file_raw
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


def file_one(runtime: Runtime, raw: bytes) -> Filed:
    """File one message in a transaction of its own. A message another process filed at the
    same moment (the same Message-ID) is a duplicate, not an error."""
    try:
        with unit_of_work(runtime.sessions) as session:
            filed = file_raw(
                session,
                support_policy(session),
                raw,
                limits_of(runtime.settings),
                runtime.clock.now(),
            )
            session.commit()
            return filed
    except IntegrityError:
        with unit_of_work(runtime.read_sessions) as session:
            reading = read_message(raw, max_attachment_bytes=0, max_message_bytes=len(raw) + 1)
            if isinstance(reading, InboundMail):
                ticket = session.scalar(
                    select(TicketMessage.ticket_id).where(
                        TicketMessage.message_id == reading.message_id
                    )
                )
                if ticket is not None:
                    return Filed("duplicate", ticket, "filed by another process meanwhile")
        raise


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


def _handler(runtime: Runtime) -> Callable[[bytes], None]:
    def handle(raw: bytes) -> None:
        try:
            file_one(runtime, raw)
        except OperationalError as error:
            # Not the message's fault: stop the fetch and leave every message for next time.
            raise RetryLater("the database is unavailable") from error

    return handle
