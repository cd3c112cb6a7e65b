"""Fetching new mail from an IMAP folder, each message marked processed once it is safely kept.

`fetch_new` signs in, finds the messages not yet processed, takes up to `batch` of them, fetches
them (BODY.PEEK[]: a person reading the mailbox still sees them unread) and hands them to
`handle` in batches of up to 100 messages and `max_batch_bytes` bytes (a larger message goes
alone). `handle`
stores a batch in one transaction, commits it, and says what became of each message. Only then
are the messages it stored marked processed, all in one command: the keyword `$DutydeskDone`
is added and, when a processed folder is set, they are moved there. Nothing is lost: a message
`handle` failed on stays where it is and is tried again by the next fetch, and after
`max_attempts` failures it is moved to the quarantine folder for a person to look at. A failure
that is not the message's (the database is down) is `RetryLater`: the fetch stops, and counts
nothing against the message.

Why a keyword rather than \\Seen: a person reading the mailbox in a mail client marks messages
seen, and a message they read first would never become a ticket. The keyword is ours alone.
Servers that keep no keywords (Microsoft Exchange) need a processed folder: everything left in
the folder is then new. Failures are counted on the message too (`$DutydeskFailed1`, `2`, …),
so that they survive restarts and are shared by workers; where keywords are not kept they are
counted in this process only.

Delivery is at least once: if the process dies or the connection drops between `handle`'s
commit and the keyword being stored, the next fetch hands the same messages over again.
`handle` must therefore recognise a message it already has (tickets do, by Message-ID).

UIDs are used throughout and never remembered between fetches: the state is the keywords on
the server, so a changed UIDVALIDITY (a folder recreated or migrated) needs no handling here.
Messages carried over without their keywords are handed over again, and recognised.
"""

from __future__ import annotations

import imaplib
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

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
T = TypeVar("T")

DONE = "$DutydeskDone"
FAILED_PREFIX = "$DutydeskFailed"
# Five tries, a worker cycle apart, tell a message that cannot be stored from a passing fault
# (faults that are not the message's are RetryLater and not counted). Each failure but the last
# is one keyword: few, as some servers limit how many keywords a folder may have.
MAX_ATTEMPTS = 5
# Larger messages are quarantined without being fetched: one would otherwise be held in memory
# whole. Mail servers refuse far smaller ones (Gmail 25 MB, Exchange Online 35-150 MB).
MAX_MESSAGE_BYTES = 64 * 1024 * 1024
# The most mail handed to `handle` at once. Bytes: all held in memory with what reading them
# makes (a larger message goes alone). Messages: their transaction holds SQLite's write lock
# while it files them, a millisecond or two each, and other writers wait.
MAX_BATCH_BYTES = 32 * 1024 * 1024
MAX_BATCH_MESSAGES = 100
TIMEOUT_SECONDS = 30.0
QUARANTINE_FOLDER = "Quarantine"


class RetryLater(Exception):
    """What `handle` answers (or raises, for the whole batch) for a message it did not store
    for a reason that is not the message's (the database is unavailable): the fetch stops, the
    message stays new, and no failure is counted."""


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


# Stores a batch of messages (raw bytes, oldest first) and commits; answers for each, in order:
# None when it is stored (or was already), RetryLater when it is not for a reason that is not
# the message's, or the exception the message failed with. An exception raised is the answer
# for every message of the batch.
Handle = Callable[[list[bytes]], Sequence[Exception | None]]


def fetch_new(
    mailbox_url: str | ImapMailbox,
    handle: Handle,
    *,
    batch: int = 100,
    processed_folder: str | None = None,
    quarantine_folder: str = QUARANTINE_FOLDER,
    max_attempts: int = MAX_ATTEMPTS,
    max_message_bytes: int = MAX_MESSAGE_BYTES,
    max_batch_bytes: int = MAX_BATCH_BYTES,
    timeout_seconds: float = TIMEOUT_SECONDS,
) -> FetchReport:
    """Hand up to `batch` new messages, oldest first, to `handle`; mark those it stored.

    Raises Invalid for a URL or folder that cannot work, MailboxUnavailable when the server
    cannot be reached, TLS or sign-in fails, or it refuses a command midway.
    """
    mailbox = mailbox_url if isinstance(mailbox_url, ImapMailbox) else parse_imap_url(mailbox_url)
    _check_options(mailbox, batch, processed_folder, quarantine_folder, max_attempts)
    report = FetchReport(mailbox=mailbox.shown)
    try:
        with ImapSession(mailbox, timeout_seconds) as session:
            run = _Fetch(session, mailbox, handle, report, processed_folder, quarantine_folder)
            run.fetch(batch, max_attempts, max_message_bytes, max_batch_bytes)
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

    def fetch(
        self, batch: int, max_attempts: int, max_message_bytes: int, max_batch_bytes: int
    ) -> None:
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
        wanted: list[MessageInfo] = []
        for uid in chosen:
            info = described.get(uid)
            if info is None:
                continue  # expunged by someone else since the search
            if info.size > max_message_bytes:
                reason = f"{info.size} bytes, over the limit of {max_message_bytes}"
                self._quarantine(folder, info, MessageFailure(uid, 0, reason))
                continue
            wanted.append(info)
        groups = in_batches(wanted, lambda info: info.size, max_batch_bytes)
        done: list[int] = []
        for position, group in enumerate(groups):
            done += self._hand_over(folder, group, max_attempts)
            if self.report.stopped is not None:
                self.report.left += sum(len(later) for later in groups[position + 1 :])
                break
        if self.marks_done:
            self._move_processed(done)

    def _hand_over(
        self, folder: FolderState, group: list[MessageInfo], max_attempts: int
    ) -> list[int]:
        """Fetch a group of messages, give them to `handle` together, and mark those it
        stored once it has returned; their UIDs."""
        fetched: list[tuple[MessageInfo, bytes]] = []
        for info in group:
            raw = self.session.fetch(info.uid)
            if raw is not None:  # else expunged by someone else since it was described
                fetched.append((info, raw))
        if not fetched:
            return []
        answers = list(zip(fetched, self._handle([raw for _, raw in fetched]), strict=True))
        stored = [info.uid for (info, _), outcome in answers if outcome is None]
        if self.marks_done:
            self.session.add_flags(stored, [DONE])
        else:
            self._move_processed(stored)  # nothing else marks them: they leave the folder now
        for uid in stored:
            _forget_failures(self.mailbox, folder, uid)
        self.report.handled += stored
        for (info, _), outcome in answers:
            if isinstance(outcome, RetryLater):
                if self.report.stopped is None:
                    self.report.stopped = one_line(str(outcome)) or "handle asked to retry later"
                self.report.left += 1
            elif outcome is not None:
                log.warning(
                    "mail from %s UID %s was not stored",
                    self.mailbox.shown,
                    info.uid,
                    exc_info=outcome,
                )
                error = one_line(f"{type(outcome).__name__}: {outcome}")[:300]
                self._failed(folder, info, error, max_attempts)
        return stored

    def _handle(self, raws: list[bytes]) -> list[Exception | None]:
        """What `handle` says of each message; an exception it raises is every message's."""
        try:
            outcomes = list(self.handle(raws))
            if len(outcomes) != len(raws):
                raise ValueError(f"handle answered for {len(outcomes)} of {len(raws)} messages")
        except Exception as error:
            return [error] * len(raws)
        return outcomes

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


def in_batches(
    items: Sequence[T],
    size_of: Callable[[T], int],
    max_bytes: int = MAX_BATCH_BYTES,
    max_count: int = MAX_BATCH_MESSAGES,
) -> list[list[T]]:
    """Consecutive items in batches of at most `max_count` items and `max_bytes` bytes (a
    larger item alone): how a fetch's messages are handed over."""
    batches: list[list[T]] = []
    size = 0
    for item in items:
        if not batches or len(batches[-1]) >= max_count or size + size_of(item) > max_bytes:
            batches.append([])
            size = 0
        batches[-1].append(item)
        size += size_of(item)
    return batches


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
