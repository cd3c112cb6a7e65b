"""Fetching tenant mail from a real Dovecot: over IMAPS and STARTTLS, each message handed over
once and marked, failures retried then quarantined, the processed folder, and a mailbox that
cannot be read (down, untrusted, wrong password) as one clear line without the password."""

from __future__ import annotations

import re
import socket
import threading
import zlib
from collections.abc import Callable, Iterator

import pytest
from bench.loopback import free_port

from dutydesk.mailin import imap_session
from dutydesk.mailin.imap import (
    DONE,
    MailboxUnavailable,
    RetryLater,
    fetch_configured,
    fetch_new,
)
from dutydesk.settings import Settings
from tests.mailin.dovecot import Account, DovecotServer, start_dovecot

WAIT_SECONDS = 10.0


def message(subject: str, body: str = "Our app returns 502s since 09:10.") -> bytes:
    """A message as a tenant's mail client sends it."""
    return (
        f"From: Tenant <ops@tenant.example>\r\nTo: support@paas.example\r\n"
        # Of one length whatever the subject (the batch tests count bytes), and the same in
        # every run (str's hash is not).
        f"Subject: {subject}\r\nMessage-ID: <{zlib.crc32(subject.encode()):010d}@tenant.example>\r\n"
        f"Date: Wed, 14 Jan 2026 10:00:00 +0000\r\nMIME-Version: 1.0\r\n"
        f"Content-Type: text/plain; charset=utf-8\r\n\r\n{body}\r\n"
    ).encode()


def subject(raw: bytes) -> str:
    found = re.search(rb"^Subject: (.*)\r$", raw, re.M)
    assert found is not None
    return found.group(1).decode()


class Kept:
    """A `handle` that keeps what it is given, and can be told to fail on some messages. As a
    handle whose database went away would, it keeps nothing after a message it must retry."""

    def __init__(self, fail_on: Callable[[bytes], Exception | None] = lambda raw: None) -> None:
        self.raw: list[bytes] = []
        self.batches: list[list[bytes]] = []
        self.fail_on = fail_on

    def __call__(self, batch: list[bytes]) -> list[Exception | None]:
        self.batches.append(batch)
        outcomes: list[Exception | None] = []
        for raw in batch:
            failure = self.fail_on(raw)
            if outcomes and isinstance(outcomes[-1], RetryLater):
                failure = outcomes[-1]
            if failure is None:
                self.raw.append(raw)
            outcomes.append(failure)
        return outcomes

    @property
    def subjects(self) -> list[str]:
        return [subject(raw) for raw in self.raw]


def logins(server: DovecotServer, user: str) -> list[str]:
    """Dovecot's log lines of the account's sign-ins, once they are written."""
    pause, waited = threading.Event(), 0.0
    while True:
        lines = [line for line in server.log().splitlines() if f"Login: user=<{user}>" in line]
        if lines or waited >= WAIT_SECONDS:
            return lines
        pause.wait(0.05)
        waited += 0.05


def test_new_mail_is_handed_over_over_imaps_and_marked_done(imap_account: Account) -> None:
    first = imap_account.deliver(message("Router down"))
    second = imap_account.deliver(message("Quota question"))
    kept = Kept()

    report = fetch_new(imap_account.url(), kept)

    assert kept.raw == [message("Router down"), message("Quota question")]
    assert report.handled == [first, second]
    assert (report.failed, report.quarantined, report.left) == ([], [], 0)
    assert {uid: DONE in flags for uid, flags in imap_account.flags().items()} == {
        first: True,
        second: True,
    }


def test_new_mail_is_handed_over_over_starttls(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    imap_account.deliver(message("Router down"))
    kept = Kept()

    report = fetch_new(imap_account.url(starttls=True), kept)

    assert kept.subjects == ["Router down"]
    assert report.mailbox == f"imap://127.0.0.1:{dovecot.imap_port}/INBOX"
    # Dovecot lets loopback sign in without TLS ("secured"): its log says TLS was on.
    sign_ins = logins(dovecot, imap_account.user)
    assert sign_ins and all(", TLS, " in line for line in sign_ins)


def test_plain_imap_is_allowed_to_a_loopback_address(imap_account: Account) -> None:
    imap_account.deliver(message("Router down"))
    url = imap_account.url(starttls=True).replace("?starttls=1&", "?")
    kept = Kept()

    fetch_new(url, kept)

    assert kept.subjects == ["Router down"]


@pytest.mark.parametrize("starttls", [False, True], ids=["imaps", "starttls"])
def test_a_self_signed_certificate_is_refused_unless_trusted(
    imap_account: Account, starttls: bool
) -> None:
    imap_account.deliver(message("Router down"))
    kept = Kept()

    with pytest.raises(MailboxUnavailable) as refused:
        fetch_new(imap_account.url(starttls=starttls, trusted=False), kept)

    assert "certificate is not trusted (self-signed certificate)" in refused.value.message
    assert "ca_file" in refused.value.message
    assert kept.raw == []
    assert [DONE in flags for flags in imap_account.flags().values()] == [False]
    fetch_new(imap_account.url(starttls=starttls, trusted=True), kept)
    assert kept.subjects == ["Router down"]


def test_a_second_fetch_finds_nothing_new(imap_account: Account) -> None:
    imap_account.deliver(message("Router down"))
    fetch_new(imap_account.url(), Kept())
    kept = Kept()

    report = fetch_new(imap_account.url(), kept)

    assert kept.raw == []
    assert report.handled == []


def test_messages_are_handed_over_oldest_first(imap_account: Account) -> None:
    subjects = [f"Ticket {n}" for n in range(1, 8)]
    uids = [imap_account.deliver(message(s)) for s in subjects]
    kept = Kept()

    report = fetch_new(imap_account.url(), kept)

    assert kept.subjects == subjects
    assert report.handled == sorted(uids) == uids


def test_mail_a_person_already_read_is_still_new_and_stays_unread_when_fetched(
    imap_account: Account,
) -> None:
    read = imap_account.deliver(message("Read in Thunderbird"), flags="(\\Seen)")
    unread = imap_account.deliver(message("Nobody read this"))
    kept = Kept()

    fetch_new(imap_account.url(), kept)

    assert kept.subjects == ["Read in Thunderbird", "Nobody read this"]
    flags = imap_account.flags()
    assert "\\Seen" in flags[read]
    assert "\\Seen" not in flags[unread]  # BODY.PEEK: fetching does not mark it read


def test_mail_a_person_marked_deleted_is_left_alone(imap_account: Account) -> None:
    deleted = imap_account.deliver(message("Spam"), flags="(\\Deleted)")
    kept = Kept()

    fetch_new(imap_account.url(), kept)

    assert kept.raw == []
    assert imap_account.flags()[deleted] >= {"\\Deleted"}  # not expunged by the fetch


def test_a_failing_message_is_left_for_the_next_fetch_and_the_others_are_handed_over(
    imap_account: Account,
) -> None:
    uids = [imap_account.deliver(message(s)) for s in ("First", "Broken", "Third")]
    broken = Kept(lambda raw: ValueError("no ticket for you") if b"Broken" in raw else None)

    report = fetch_new(imap_account.url(), broken)

    assert broken.subjects == ["First", "Third"]
    assert report.handled == [uids[0], uids[2]]
    assert [(f.uid, f.attempts, f.error) for f in report.failed] == [
        (uids[1], 1, "ValueError: no ticket for you")
    ]
    assert imap_account.flags()[uids[1]] == {"$DutydeskFailed1"}
    kept = Kept()
    again = fetch_new(imap_account.url(), kept)
    assert kept.subjects == ["Broken"]
    assert again.handled == [uids[1]]


def test_a_message_that_fails_five_times_is_quarantined(imap_account: Account) -> None:
    poison = imap_account.deliver(message("Poison"))
    failing = Kept(lambda raw: RuntimeError("cannot store"))

    attempts = []
    for _ in range(4):
        report = fetch_new(imap_account.url(), failing)
        attempts.append([f.attempts for f in report.failed])
        assert report.quarantined == []
    assert attempts == [[1], [2], [3], [4]]
    assert imap_account.flags()[poison] == {f"$DutydeskFailed{n}" for n in range(1, 5)}

    fifth = fetch_new(imap_account.url(), failing)

    assert [(f.uid, f.attempts) for f in fifth.quarantined] == [(poison, 5)]
    assert fifth.failed == []
    assert imap_account.flags() == {}
    assert imap_account.messages("Quarantine") == [message("Poison")]
    # Its count is cleared: moved back to the inbox, it would get five tries again.
    assert [set(f) - {"\\Recent"} for f in imap_account.flags("Quarantine").values()] == [set()]
    later = Kept()
    fetch_new(imap_account.url(), later)
    assert later.raw == []


def test_retry_later_stops_the_fetch_and_counts_nothing_against_the_message(
    imap_account: Account,
) -> None:
    uids = [imap_account.deliver(message(s)) for s in ("First", "Second", "Third")]
    database_down = Kept(
        lambda raw: RetryLater("database unavailable") if b"Second" in raw else None
    )

    report = fetch_new(imap_account.url(), database_down)

    assert report.handled == [uids[0]]
    assert report.stopped == "database unavailable"
    assert report.left == 2
    assert report.failed == []
    assert imap_account.flags()[uids[1]] == set()
    kept = Kept()
    fetch_new(imap_account.url(), kept)
    assert kept.subjects == ["Second", "Third"]


def test_a_fetch_hands_its_messages_over_together_and_marks_them_only_once_stored(
    imap_account: Account,
) -> None:
    uids = [imap_account.deliver(message(s)) for s in ("One", "Two", "Three")]
    kept = Kept()
    marked_while_storing: list[dict[int, bool]] = []

    def storing(batch: list[bytes]) -> list[Exception | None]:
        marked_while_storing.append({u: DONE in f for u, f in imap_account.flags().items()})
        return kept(batch)

    report = fetch_new(imap_account.url(), storing)

    assert [[subject(raw) for raw in batch] for batch in kept.batches] == [["One", "Two", "Three"]]
    assert marked_while_storing == [dict.fromkeys(uids, False)]
    assert report.handled == uids
    assert all(DONE in flags for flags in imap_account.flags().values())


def test_batches_are_cut_to_the_bytes_allowed_and_a_larger_message_goes_alone(
    imap_account: Account,
) -> None:
    parts = [message(f"Part {n}", "x" * 1000) for n in range(3)]
    for raw in (*parts, message("Big", "y" * 5000), message("Last")):
        imap_account.deliver(raw)
    kept = Kept()

    report = fetch_new(imap_account.url(), kept, max_batch_bytes=2 * len(parts[0]))

    assert [[subject(raw) for raw in batch] for batch in kept.batches] == [
        ["Part 0", "Part 1"],
        ["Part 2"],
        ["Big"],
        ["Last"],
    ]
    assert len(report.handled) == 5


def test_a_handle_that_raises_counts_a_failure_against_each_message_of_its_batch(
    imap_account: Account,
) -> None:
    uids = [imap_account.deliver(message(s)) for s in ("First", "Second")]

    def broken(batch: list[bytes]) -> list[Exception | None]:
        raise RuntimeError("cannot store")

    report = fetch_new(imap_account.url(), broken)

    assert report.handled == []
    assert [(f.uid, f.attempts, f.error) for f in report.failed] == [
        (uid, 1, "RuntimeError: cannot store") for uid in uids
    ]
    assert list(imap_account.flags().values()) == [{"$DutydeskFailed1"}] * 2


def test_retry_later_for_a_whole_batch_leaves_it_and_every_later_batch_for_the_next_fetch(
    imap_account: Account,
) -> None:
    raws = [message(s) for s in ("First", "Second", "Third")]
    for raw in raws:
        imap_account.deliver(raw)
    calls: list[int] = []

    def database_down(batch: list[bytes]) -> list[Exception | None]:
        calls.append(len(batch))
        raise RetryLater("database unavailable")

    report = fetch_new(imap_account.url(), database_down, max_batch_bytes=len(raws[0]))

    assert calls == [1]  # the later batches were not even fetched
    assert (report.handled, report.failed, report.left) == ([], [], 3)
    assert report.stopped == "database unavailable"
    assert list(imap_account.flags().values()) == [set()] * 3
    kept = Kept()
    fetch_new(imap_account.url(), kept)
    assert kept.subjects == ["First", "Second", "Third"]


def test_a_fetch_that_dies_after_the_batch_is_stored_hands_it_over_again(
    imap_account: Account,
) -> None:
    imap_account.deliver(message("Router down"))
    stored = Kept()

    def dies_after_storing(batch: list[bytes]) -> list[Exception | None]:
        stored(batch)
        raise SystemExit("killed between the commit and the keyword")

    with pytest.raises(SystemExit):
        fetch_new(imap_account.url(), dies_after_storing)

    assert stored.subjects == ["Router down"]
    assert [DONE in flags for flags in imap_account.flags().values()] == [False]
    again = Kept()
    assert len(fetch_new(imap_account.url(), again).handled) == 1
    assert again.subjects == ["Router down"]  # handed over again: handle must recognise it


def test_handled_mail_is_moved_to_the_processed_folder(imap_account: Account) -> None:
    imap_account.deliver(message("Router down"))
    kept = Kept()

    report = fetch_new(imap_account.url(), kept, processed_folder="Processed")

    assert len(report.handled) == 1
    assert imap_account.flags() == {}
    assert imap_account.messages("Processed") == [message("Router down")]
    assert [DONE in flags for flags in imap_account.flags("Processed").values()] == [True]
    assert fetch_new(imap_account.url(), Kept(), processed_folder="Processed").handled == []


def test_mail_marked_done_but_not_yet_moved_is_moved_without_being_handed_over_again(
    imap_account: Account,
) -> None:
    imap_account.deliver(message("Stored before the connection dropped"), flags=f"({DONE})")
    kept = Kept()

    fetch_new(imap_account.url(), kept, processed_folder="Processed")

    assert kept.raw == []
    assert imap_account.messages("Processed") == [message("Stored before the connection dropped")]


def test_folders_with_spaces_and_accents_are_reached(imap_account: Account) -> None:
    imap_account.create("Entw&APw-rfe")
    imap_account.deliver(message("From a draft folder"), folder="Entw&APw-rfe")
    kept = Kept()

    report = fetch_new(imap_account.url("Entwürfe"), kept, processed_folder="Traité par Dutydesk")

    assert kept.subjects == ["From a draft folder"]
    assert report.mailbox.endswith("/Entwürfe")
    assert "Trait&AOk- par Dutydesk" in imap_account.folders()


def test_a_batch_takes_the_oldest_messages_and_leaves_the_rest(imap_account: Account) -> None:
    for s in ("One", "Two", "Three"):
        imap_account.deliver(message(s))
    kept = Kept()

    first = fetch_new(imap_account.url(), kept, batch=2)
    second = fetch_new(imap_account.url(), kept, batch=2)

    assert (len(first.handled), first.left) == (2, 1)
    assert (len(second.handled), second.left) == (1, 0)
    assert kept.subjects == ["One", "Two", "Three"]


def test_a_message_arriving_during_a_fetch_is_picked_up_by_the_next(
    imap_account: Account,
) -> None:
    imap_account.deliver(message("Before"))
    kept = Kept()

    def arrives_meanwhile(batch: list[bytes]) -> list[Exception | None]:
        imap_account.deliver(message("Meanwhile"))
        return kept(batch)

    first = fetch_new(imap_account.url(), arrives_meanwhile)
    assert kept.subjects == ["Before"]
    assert len(first.handled) == 1

    fetch_new(imap_account.url(), kept)
    assert kept.subjects == ["Before", "Meanwhile"]


def test_a_5_mb_message_arrives_intact(imap_account: Account) -> None:
    line = "".join(chr(0x21 + n % 94) for n in range(76))
    body = "\r\n".join(f"{n:08d}{line}" for n in range(5 * 1024 * 1024 // 86))
    big = message("Logs attached", body)
    assert len(big) > 5 * 1024 * 1024
    imap_account.deliver(big)
    kept = Kept()

    fetch_new(imap_account.url(), kept)

    assert kept.raw == [big]


def test_a_message_over_the_size_limit_is_quarantined_without_being_fetched(
    imap_account: Account,
) -> None:
    uid = imap_account.deliver(message("Huge", "x" * 5000))
    imap_account.deliver(message("Small"))
    kept = Kept()

    report = fetch_new(imap_account.url(), kept, max_message_bytes=4096)

    assert kept.subjects == ["Small"]
    assert [(f.uid, f.attempts) for f in report.quarantined] == [(uid, 0)]
    assert "over the limit of 4096" in report.quarantined[0].error
    assert len(imap_account.messages("Quarantine")) == 1


@pytest.fixture
def own_account() -> Iterator[Account]:
    """An account on a Dovecot of its own. After a wrong password Dovecot holds back the next
    sign-ins from the same address for seconds (its auth penalty): not the shared server's."""
    server = start_dovecot()
    try:
        yield server.add_account()
    finally:
        server.stop()


def test_a_wrong_password_is_one_clear_line_without_the_password(own_account: Account) -> None:
    wrong = "not-" + own_account.password

    with pytest.raises(MailboxUnavailable) as refused:
        fetch_new(own_account.url(password=wrong), Kept())

    text = str(refused.value)
    assert text == (
        f"IMAP mailbox imaps://127.0.0.1:{own_account.server.imaps_port}/INBOX:"
        f" sign-in refused for '{own_account.user}': [AUTHENTICATIONFAILED] Authentication"
        " failed."
    )
    assert wrong not in repr(refused.value.__cause__) + repr(refused.value.__context__)
    assert refused.value.report.handled == []


def test_a_server_that_is_down_is_one_clear_line(imap_account: Account) -> None:
    closed = free_port()

    with pytest.raises(MailboxUnavailable) as refused:
        fetch_new(imap_account.url(port=closed), Kept())

    assert refused.value.message == (
        f"IMAP mailbox imaps://127.0.0.1:{closed}/INBOX: connection refused"
        " (is the server up, and the port right?)"
    )


def test_tls_to_a_port_that_speaks_plain_imap_is_one_clear_line(
    dovecot: DovecotServer, imap_account: Account
) -> None:
    with pytest.raises(MailboxUnavailable) as refused:
        fetch_new(imap_account.url(port=dovecot.imap_port), Kept())

    assert refused.value.message.startswith(
        f"IMAP mailbox imaps://127.0.0.1:{dovecot.imap_port}/INBOX: TLS failed: "
    )


@pytest.fixture
def silent_server() -> Iterator[int]:
    """A port that takes connections and never says a word."""
    with socket.create_server(("127.0.0.1", 0)) as server:
        yield server.getsockname()[1]


def test_a_server_that_never_answers_times_out(imap_account: Account, silent_server: int) -> None:
    with pytest.raises(MailboxUnavailable) as refused:
        fetch_new(imap_account.url(port=silent_server), Kept(), timeout_seconds=0.3)

    assert refused.value.message.endswith(": no answer in time")


def test_a_folder_that_does_not_exist_is_one_clear_line(imap_account: Account) -> None:
    with pytest.raises(MailboxUnavailable) as refused:
        fetch_new(imap_account.url("Support"), Kept())

    assert "cannot open folder 'Support'" in refused.value.message


@pytest.mark.parametrize("without", [{"MOVE"}, {"MOVE", "UIDPLUS"}], ids=["copy", "copy-only"])
def test_servers_without_move_get_a_copy_and_the_original_marked_deleted(
    imap_account: Account, monkeypatch: pytest.MonkeyPatch, without: set[str]
) -> None:
    with_all = imap_session._capabilities
    monkeypatch.setattr(
        imap_session, "_capabilities", lambda client: with_all(client) - frozenset(without)
    )
    uid = imap_account.deliver(message("Router down"))

    fetch_new(imap_account.url(), Kept(), processed_folder="Processed")

    assert imap_account.messages("Processed") == [message("Router down")]
    if "UIDPLUS" in without:
        # No UID EXPUNGE: a plain EXPUNGE could take what a person marked deleted too.
        assert "\\Deleted" in imap_account.flags()[uid]
    else:
        assert imap_account.flags() == {}
    assert fetch_new(imap_account.url(), Kept(), processed_folder="Processed").handled == []


@pytest.fixture
def keeps_no_keywords(monkeypatch: pytest.MonkeyPatch) -> None:
    """Folders that keep no keywords, as Microsoft Exchange's do (no \\* in PERMANENTFLAGS)."""
    select = imap_session.ImapSession.select

    def without_keywords(session: imap_session.ImapSession, folder: str):  # type: ignore[no-untyped-def]
        state = select(session, folder)
        return imap_session.FolderState(
            state.uidvalidity,
            frozenset(f for f in state.permanent_flags if f.startswith("\\")) - {"\\*"},
        )

    monkeypatch.setattr(imap_session.ImapSession, "select", without_keywords)


def test_a_folder_that_keeps_no_keywords_needs_a_processed_folder(
    imap_account: Account, keeps_no_keywords: None
) -> None:
    imap_account.deliver(message("Router down"))

    with pytest.raises(MailboxUnavailable) as refused:
        fetch_new(imap_account.url(), Kept())
    assert "set a processed folder (DUTYDESK_MAIL_IMAP_PROCESSED_FOLDER)" in str(refused.value)

    kept = Kept()
    fetch_new(imap_account.url(), kept, processed_folder="Processed")
    assert kept.subjects == ["Router down"]
    assert imap_account.flags() == {}
    assert fetch_new(imap_account.url(), Kept(), processed_folder="Processed").handled == []


def test_without_keywords_failures_are_counted_in_the_process(
    imap_account: Account, keeps_no_keywords: None
) -> None:
    imap_account.deliver(message("Poison"))
    failing = Kept(lambda raw: RuntimeError("cannot store"))

    reports = [fetch_new(imap_account.url(), failing, processed_folder="Done") for _ in range(5)]

    assert [[f.attempts for f in r.failed] for r in reports[:4]] == [[1], [2], [3], [4]]
    assert len(reports[4].quarantined) == 1
    assert imap_account.messages("Quarantine") == [message("Poison")]


def test_the_settings_name_the_mailbox_and_its_folders(imap_account: Account) -> None:
    imap_account.deliver(message("Router down"))
    settings = Settings(
        {},
        mail_imap_url=imap_account.url(),
        mail_imap_processed_folder="Tickets",
        mail_imap_batch=5,
    )
    kept = Kept()

    report = fetch_configured(settings, kept)

    assert report is not None and len(report.handled) == 1
    assert imap_account.messages("Tickets") == [message("Router down")]
    assert fetch_configured(Settings({}), kept) is None
