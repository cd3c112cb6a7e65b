"""Fetching new mail from an IMAP folder, each message handed over once it is safely kept.

`fetch_new` signs in, finds the messages not yet processed, fetches each (BODY.PEEK[]: a person
reading the mailbox still sees it unread), and calls `handle(raw)`, which stores the message
and commits. Only when `handle` returns is the message marked processed: the keyword
`$DutydeskDone` is added and, when a processed folder is set, the message is moved there.
Nothing is lost: a message whose `handle` raises stays where it is and is tried again by the
next fetch, and after `max_attempts` failures it is moved to the quarantine folder for a person
to look at. A failure that is not the message's (the database is down) is `RetryLater`: the
fetch stops and counts nothing against the message.

Why a keyword rather than \\Seen: a person reading the mailbox in a mail client marks messages
seen, and a message they read first would never become a ticket. The keyword is ours alone.
Servers that keep no keywords (Microsoft Exchange) need a processed folder: everything left in
the folder is then new. Failures are counted on the message too (`$DutydeskFailed1`, `2`, …),
so that they survive restarts and are shared by workers; where keywords are not kept they are
counted in this process only.

Delivery is at least once: if the connection drops between `handle` returning and the keyword
being stored, the next fetch hands the same message over again. `handle` must therefore
recognise a message it already has (tickets do, by Message-ID).

UIDs are used throughout and never remembered between fetches: the state is the keywords on
the server, so a changed UIDVALIDITY (a folder recreated or migrated) needs no handling here.
Messages carried over without their keywords are handed over again, and recognised.
"""

from __future__ import annotations

import imaplib
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from dutydesk.errors import DutydeskError, Invalid
from dutydesk.mailin.imap_session import (
    FolderState,
    ImapRefused,
    ImapSession,
    MessageInfo,
    describe_failure,
)
from dutydesk.mailin.imap_url import ImapMailbox, check_folder_name, parse_imap_url
from dutydesk.settings import Settings
from dutydesk.text import one_line

log = logging.getLogger(__name__)

DONE = "$DutydeskDone"
FAILED_PREFIX = "$DutydeskFailed"
# Five tries, a worker cycle apart, tell a message that cannot be stored from a passing fault
# (faults that are not the message's are RetryLater and not counted). Each failure but the last
# is one keyword: few, as some servers limit how many keywords a folder may have.
MAX_ATTEMPTS = 5
# Larger messages are quarantined without being fetched: one would otherwise be held in memory
# whole. Mail servers refuse far smaller ones (Gmail 25 MB, Exchange Online 35-150 MB).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
TIMEOUT_SECONDS = 30.0
QUARANTINE_FOLDER = "Quarantine"


class RetryLater(Exception):
    """Raised by `handle` when it failed for a reason that is not the message's (the database
    is unavailable): the fetch stops, the message stays new, and no failure is counted."""


class MailboxUnavailable(DutydeskError):
    """The mailbox cannot be read now: the server is down, TLS or sign-in failed, a command was
    refused. One line without the password; `report` holds what was done before it happened."""

    code = "mailbox_unavailable"

    def __init__(self, shown: str, reason: str, report: FetchReport) -> None:
        super().__init__(f"IMAP mailbox {shown}: {reason}")
        self.report = report


@dataclass(frozen=True)
class MessageFailure:
    """A message `handle` failed on: its UID, how many times it has failed, and why (one line)."""

    uid: int
    attempts: int
    error: str


@dataclass
class FetchReport:
    """What one fetch did: UIDs handed over and marked, failures, quarantined messages."""

    mailbox: str
    uidvalidity: int = 0
    handled: list[int] = field(default_factory=list)
    failed: list[MessageFailure] = field(default_factory=list)
    quarantined: list[MessageFailure] = field(default_factory=list)
    # New messages beyond this fetch's batch, or after it stopped: the next fetch takes them.
    left: int = 0
    stopped: str | None = None

    def summary(self) -> str:
        """One line for logs and the command's output."""
        line = (
            f"{self.mailbox}: {len(self.handled)} handled, {len(self.failed)} failed (tried"
            f" again next time), {len(self.quarantined)} quarantined, {self.left} left"
        )
        return f"{line}; stopped: {self.stopped}" if self.stopped else line


Handle = Callable[[bytes], None]


def fetch_new(
    mailbox_url: str | ImapMailbox,
    handle: Handle,
    *,
    batch: int = 100,
    processed_folder: str | None = None,
    quarantine_folder: str = QUARANTINE_FOLDER,
    max_attempts: int = MAX_ATTEMPTS,
    max_message_bytes: int = MAX_MESSAGE_BYTES,
    timeout_seconds: float = TIMEOUT_SECONDS,
) -> FetchReport:
    """Hand up to `batch` new messages, oldest first, to `handle`; mark each it took.

    Raises Invalid for a URL or folder that cannot work, MailboxUnavailable when the server
    cannot be reached, TLS or sign-in fails, or it refuses a command midway.
    """
    mailbox = mailbox_url if isinstance(mailbox_url, ImapMailbox) else parse_imap_url(mailbox_url)
    _check_options(mailbox, batch, processed_folder, quarantine_folder, max_attempts)
    report = FetchReport(mailbox=mailbox.shown)
    try:
        with ImapSession(mailbox, timeout_seconds) as session:
            run = _Fetch(session, mailbox, handle, report, processed_folder, quarantine_folder)
            run.fetch(batch, max_attempts, max_message_bytes)
    except (OSError, imaplib.IMAP4.error, ImapRefused) as error:
        raise MailboxUnavailable(mailbox.shown, describe_failure(error, mailbox), report) from None
    return report


def fetch_configured(settings: Settings, handle: Handle) -> FetchReport | None:
    """`fetch_new` on the mailbox the DUTYDESK_MAIL_IMAP_* settings name; None when no mailbox
    is configured (DUTYDESK_MAIL_IMAP_URL unset)."""
    if settings.mail_imap_url is None:
        return None
    return fetch_new(
        settings.mail_imap_url.get_secret_value(),
        handle,
        batch=settings.mail_imap_batch,
        processed_folder=settings.mail_imap_processed_folder,
        quarantine_folder=settings.mail_imap_quarantine_folder,
    )


class _Fetch:
    """One fetch over a signed-in session: the choices of what to fetch and how to mark it."""

    def __init__(
        self,
        session: ImapSession,
        mailbox: ImapMailbox,
        handle: Handle,
        report: FetchReport,
        processed_folder: str | None,
        quarantine_folder: str,
    ) -> None:
        self.session = session
        self.mailbox = mailbox
        self.handle = handle
        self.report = report
        self.processed_folder = processed_folder
        self.quarantine_folder = quarantine_folder
        # What the selected folder allows: known once it is selected.
        self.marks_done = False
        self.counts_on_server = False

    def fetch(self, batch: int, max_attempts: int, max_message_bytes: int) -> None:
        """Select the folder, tidy up, and hand over up to `batch` new messages."""
        folder = self.session.select(self.mailbox.folder)
        self.report.uidvalidity = folder.uidvalidity
        self.marks_done = folder.keeps(DONE)
        failure_keywords = [_failed(n) for n in range(1, max_attempts)]
        self.counts_on_server = all(folder.keeps(keyword) for keyword in failure_keywords)
        if not self.marks_done and self.processed_folder is None:
            raise ImapRefused(
                f"the folder keeps no keywords, so {DONE} cannot mark what was fetched;"
                " set a processed folder (DUTYDESK_MAIL_IMAP_PROCESSED_FOLDER)"
            )
        self._finish_earlier_moves()
        criteria = ["UNDELETED", "UNKEYWORD", DONE] if self.marks_done else ["UNDELETED"]
        waiting = self.session.search(*criteria)
        chosen = waiting[:batch]
        self.report.left = len(waiting) - len(chosen)
        described = self.session.describe(chosen)
        done: list[int] = []
        for position, uid in enumerate(chosen):
            info = described.get(uid)
            if info is None:
                continue  # expunged by someone else since the search
            if info.size > max_message_bytes:
                reason = f"{info.size} bytes, over the limit of {max_message_bytes}"
                self._quarantine(folder, info, MessageFailure(uid, 0, reason))
                continue
            outcome = self._hand_over(folder, info, max_attempts)
            if outcome == "stop":
                self.report.left += len(chosen) - position
                break
            if outcome == "done":
                done.append(uid)
                if not self.marks_done:
                    # Nothing else marks it: it leaves the folder at once.
                    self._move_processed([uid])
        if self.marks_done:
            self._move_processed(done)

    def _hand_over(self, folder: FolderState, info: MessageInfo, max_attempts: int) -> str:
        """Fetch one message and give it to `handle`: "done", "failed", "gone" or "stop"."""
        raw = self.session.fetch(info.uid)
        if raw is None:
            return "gone"  # expunged by someone else since it was described
        try:
            self.handle(raw)
        except RetryLater as error:
            self.report.stopped = one_line(str(error)) or "handle asked to retry later"
            return "stop"
        except Exception as error:
            log.warning(
                "mail from %s UID %s was not stored", self.mailbox.shown, info.uid, exc_info=True
            )
            self._failed(
                folder, info, one_line(f"{type(error).__name__}: {error}")[:300], max_attempts
            )
            return "failed"
        if self.marks_done:
            self.session.add_flags([info.uid], [DONE])
        _forget_failures(self.mailbox, folder, info.uid)
        self.report.handled.append(info.uid)
        return "done"

    def _failed(self, folder: FolderState, info: MessageInfo, error: str, limit: int) -> None:
        if self.counts_on_server:
            attempts = _failures_on_server(info.flags) + 1
        else:
            attempts = _count_failure_in_memory(self.mailbox, folder, info.uid)
        failure = MessageFailure(info.uid, attempts, error)
        if attempts >= limit:
            self._quarantine(folder, info, failure)
        else:
            if self.counts_on_server:
                self.session.add_flags([info.uid], [_failed(attempts)])
            self.report.failed.append(failure)

    def _quarantine(self, folder: FolderState, info: MessageInfo, failure: MessageFailure) -> None:
        """Move a message a person must look at aside. Its failure count is cleared first, so
        that moved back to the folder it gets its full number of tries again."""
        counted = sorted(f for f in info.flags if f.startswith(FAILED_PREFIX))
        self.session.remove_flags([info.uid], counted)
        self.session.move([info.uid], self.quarantine_folder)
        _forget_failures(self.mailbox, folder, info.uid)
        log.warning(
            "mail from %s UID %s quarantined: %s", self.mailbox.shown, info.uid, failure.error
        )
        self.report.quarantined.append(failure)

    def _finish_earlier_moves(self) -> None:
        """Move messages an earlier fetch marked done but could not move (it was cut off)."""
        if self.processed_folder is not None and self.marks_done:
            self._move_processed(self.session.search("UNDELETED", "KEYWORD", DONE))

    def _move_processed(self, uids: list[int]) -> None:
        if self.processed_folder is not None:
            self.session.move(uids, self.processed_folder)


def _check_options(
    mailbox: ImapMailbox,
    batch: int,
    processed_folder: str | None,
    quarantine_folder: str,
    max_attempts: int,
) -> None:
    if batch < 1:
        raise Invalid(f"the batch must be at least 1 message, not {batch}")
    if not 1 <= max_attempts <= 10:
        raise Invalid(f"max_attempts must be from 1 to 10, not {max_attempts}")
    check_folder_name(quarantine_folder, "DUTYDESK_MAIL_IMAP_QUARANTINE_FOLDER")
    if processed_folder is not None:
        check_folder_name(processed_folder, "DUTYDESK_MAIL_IMAP_PROCESSED_FOLDER")
    for name, other in (("processed", processed_folder), ("quarantine", quarantine_folder)):
        if other is not None and other.lower() == mailbox.folder.lower():
            raise Invalid(f"the {name} folder must not be the folder mail is fetched from")


def _failed(attempts: int) -> str:
    return f"{FAILED_PREFIX}{attempts}"


def _failures_on_server(flags: frozenset[str]) -> int:
    counts = [f.removeprefix(FAILED_PREFIX) for f in flags if f.startswith(FAILED_PREFIX)]
    return max((int(n) for n in counts if n.isdigit()), default=0)


# Where the folder keeps no keywords, failures are counted here: per process, lost on restart
# (a message then gets its tries again: retried more often, never lost).
_failures: dict[tuple[str, str, int, int], int] = {}
_failures_lock = threading.Lock()


def _failure_key(mailbox: ImapMailbox, folder: FolderState, uid: int) -> tuple[str, str, int, int]:
    return (mailbox.shown, mailbox.username, folder.uidvalidity, uid)


def _count_failure_in_memory(mailbox: ImapMailbox, folder: FolderState, uid: int) -> int:
    key = _failure_key(mailbox, folder, uid)
    with _failures_lock:
        _failures[key] = _failures.get(key, 0) + 1
        return _failures[key]


def _forget_failures(mailbox: ImapMailbox, folder: FolderState, uid: int) -> None:
    with _failures_lock:
        _failures.pop(_failure_key(mailbox, folder, uid), None)
