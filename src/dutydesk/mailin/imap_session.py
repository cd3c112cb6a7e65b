"""One signed-in IMAP connection with the few commands fetching needs, all by UID.

imaplib speaks the protocol; this module adds TLS as configured, a timeout on every read, the
capabilities as they are after signing in, and answers parsed into numbers and flags. Failures
leave as imaplib's errors, OSError or `ImapRefused`; `describe_failure` turns any of them into
one line without the password.
"""

from __future__ import annotations

import contextlib
import imaplib
import re
import socket
import ssl
from collections.abc import Sequence
from dataclasses import dataclass

from dutydesk.mailin.imap_names import folder_argument, uid_set
from dutydesk.mailin.imap_url import ImapMailbox

_TOKEN = re.compile(rb"[^\s()]+")
_UID = re.compile(rb"\bUID (\d+)")
_SIZE = re.compile(rb"\bRFC822\.SIZE (\d+)")
_FLAGS = re.compile(rb"\bFLAGS \(([^)]*)\)")


class ImapRefused(Exception):
    """The server answered NO (or nothing usable) to a command; the text says what it said."""


@dataclass(frozen=True)
class FolderState:
    """A selected folder: its UIDVALIDITY and the flags it keeps for good."""

    uidvalidity: int
    permanent_flags: frozenset[str]

    def keeps(self, keyword: str) -> bool:
        """Whether a STORE of `keyword` would last (the folder allows new keywords, or has it)."""
        return "\\*" in self.permanent_flags or keyword in self.permanent_flags


@dataclass(frozen=True)
class MessageInfo:
    """What is known of a message before fetching it: its size and flags."""

    uid: int
    size: int
    flags: frozenset[str]


def tls_context(ca_file: str | None) -> ssl.SSLContext:
    """Certificates checked, hostnames too: against `ca_file` only when given, else the system's."""
    return ssl.create_default_context(cafile=ca_file)


class ImapSession:
    """A connection signed in to the mailbox's account. Use as a context manager."""

    def __init__(self, mailbox: ImapMailbox, timeout_seconds: float) -> None:
        self.mailbox = mailbox
        self._client = _connect(mailbox, timeout_seconds)
        try:
            _sign_in(self._client, mailbox)
            self.capabilities = _capabilities(self._client)
        except BaseException:
            _drop(self._client)
            raise

    def __enter__(self) -> ImapSession:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Sign out. LOGOUT, never CLOSE: CLOSE would expunge what a person marked deleted."""
        try:
            self._client.logout()
        except (OSError, imaplib.IMAP4.error):
            _drop(self._client)

    def select(self, folder: str) -> FolderState:
        """Open `folder` for reading and writing."""
        typ, data = self._client.select(folder_argument(folder))
        if typ != "OK":
            raise ImapRefused(f"cannot open folder {folder!r}: {_text(data)}")
        _, validity = self._client.response("UIDVALIDITY")
        _, permanent = self._client.response("PERMANENTFLAGS")
        # Without PERMANENTFLAGS a server keeps every flag (RFC 3501, 7.1).
        last = permanent[-1] if permanent and permanent[-1] else b"(\\*)"
        return FolderState(
            uidvalidity=int(validity[-1]) if validity and validity[-1] else 0,
            permanent_flags=frozenset(t.decode() for t in _TOKEN.findall(last)),
        )

    def search(self, *criteria: str) -> list[int]:
        """UIDs of the messages matching `criteria`, lowest (oldest) first."""
        data = self._uid("SEARCH", *criteria)
        lines = [line for line in data if isinstance(line, bytes)]
        return sorted({int(uid) for line in lines for uid in line.split()})

    def describe(self, uids: list[int]) -> dict[int, MessageInfo]:
        """Size and flags of each message still there, by UID (a vanished one is absent)."""
        if not uids:
            return {}
        found: dict[int, MessageInfo] = {}
        for line in self._uid("FETCH", uid_set(uids), "(UID RFC822.SIZE FLAGS)"):
            text = line[0] if isinstance(line, tuple) else line
            if not isinstance(text, bytes):
                continue
            uid, size, flags = _UID.search(text), _SIZE.search(text), _FLAGS.search(text)
            # Another session's flag changes come unasked, without a size: not ours.
            if uid is None or size is None:
                continue
            names = frozenset(t.decode() for t in _TOKEN.findall(flags.group(1))) if flags else ()
            found[int(uid.group(1))] = MessageInfo(
                int(uid.group(1)), int(size.group(1)), frozenset(names)
            )
        return found

    def fetch(self, uid: int) -> bytes | None:
        """The message as the server keeps it, without marking it seen; None if it vanished."""
        for part in self._uid("FETCH", str(uid), "(BODY.PEEK[])"):
            if isinstance(part, tuple) and len(part) == 2:
                header, body = part
                found = _UID.search(header)
                if b"BODY[]" in header and found is not None and int(found.group(1)) == uid:
                    return bytes(body)
        return None

    def add_flags(self, uids: list[int], flags: list[str]) -> None:
        """Add flags (keywords) to messages."""
        if uids and flags:
            self._uid("STORE", uid_set(uids), "+FLAGS.SILENT", f"({' '.join(flags)})")

    def remove_flags(self, uids: list[int], flags: list[str]) -> None:
        """Take flags (keywords) off messages."""
        if uids and flags:
            self._uid("STORE", uid_set(uids), "-FLAGS.SILENT", f"({' '.join(flags)})")

    def move(self, uids: list[int], folder: str) -> None:
        """Move messages to `folder`, made if missing: MOVE where the server has it, else COPY,
        mark deleted and expunge those UIDs only (UIDPLUS; without it they stay marked
        deleted for the mail client to expunge: a plain EXPUNGE could take a person's too)."""
        if not uids:
            return
        target = folder_argument(folder)
        command = "MOVE" if "MOVE" in self.capabilities else "COPY"
        typ, data = self._client.uid(command, uid_set(uids), target)
        if typ == "NO" and b"[TRYCREATE]" in _raw(data):
            self._client.create(target)  # another worker may have made it: the retry says
            typ, data = self._client.uid(command, uid_set(uids), target)
        if typ != "OK":
            raise ImapRefused(f"cannot move messages to {folder!r}: {_text(data)}")
        if command == "COPY":
            self.add_flags(uids, ["\\Deleted"])
            if "UIDPLUS" in self.capabilities:
                self._uid("EXPUNGE", uid_set(uids))

    def _uid(self, command: str, *arguments: str) -> list[bytes | tuple[bytes, bytes] | None]:
        typ, data = self._client.uid(command, *arguments)
        if typ != "OK":
            raise ImapRefused(f"UID {command} refused: {_text(data)}")
        return list(data)


def _connect(mailbox: ImapMailbox, timeout_seconds: float) -> imaplib.IMAP4:
    if mailbox.implicit_tls:
        return imaplib.IMAP4_SSL(
            mailbox.host,
            mailbox.port,
            ssl_context=tls_context(mailbox.ca_file),
            timeout=timeout_seconds,
        )
    client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout_seconds)
    if mailbox.starttls:
        try:
            if "STARTTLS" not in client.capabilities:
                raise ImapRefused("the server does not offer STARTTLS")
            client.starttls(tls_context(mailbox.ca_file))
        except BaseException:
            _drop(client)
            raise
    return client


def _drop(client: imaplib.IMAP4) -> None:
    """Close the connection after a failure, keeping that failure the one reported (a failed
    TLS handshake has already closed the socket)."""
    with contextlib.suppress(OSError):
        client.shutdown()


def _sign_in(client: imaplib.IMAP4, mailbox: ImapMailbox) -> None:
    try:
        if mailbox.username.isascii() and mailbox.password.isascii():
            client.login(mailbox.username, mailbox.password)
            return
        # LOGIN's strings are ASCII in imaplib; SASL PLAIN carries UTF-8 (RFC 4616).
        plain = f"\0{mailbox.username}\0{mailbox.password}".encode()
        client.authenticate("PLAIN", lambda _challenge: plain)
    except imaplib.IMAP4.abort:
        raise
    except imaplib.IMAP4.error as error:
        raise ImapRefused(
            f"sign-in refused for {mailbox.username!r}: {_error_text(error)}"
        ) from None


def _capabilities(client: imaplib.IMAP4) -> frozenset[str]:
    """The capabilities after signing in: servers announce MOVE and UIDPLUS only then."""
    typ, data = client.capability()
    if typ != "OK":
        return frozenset(client.capabilities)
    return frozenset(token.decode().upper() for token in _TOKEN.findall(_raw(data)))


def describe_failure(error: BaseException, mailbox: ImapMailbox) -> str:
    """One line saying what went wrong talking to the server, with no password in it."""
    if isinstance(error, ssl.SSLCertVerificationError):
        text = (
            f"the server's certificate is not trusted ({error.verify_message}); if it is"
            " yours, give its CA certificate as ?ca_file=…"
        )
    elif isinstance(error, ssl.SSLError):
        text = f"TLS failed: {error.reason or error}"
    elif isinstance(error, ConnectionRefusedError):
        text = "connection refused (is the server up, and the port right?)"
    elif isinstance(error, TimeoutError | socket.timeout):
        text = "no answer in time"
    elif isinstance(error, socket.gaierror):
        text = f"cannot find the host: {error.strerror}"
    elif isinstance(error, ImapRefused):
        text = str(error)
    elif isinstance(error, imaplib.IMAP4.error):
        text = f"the server broke off: {_error_text(error)}"
    elif isinstance(error, OSError):
        text = f"connection failed: {error.strerror or error}"
    else:
        text = f"{type(error).__name__}: {error}"
    return _one_line(text, mailbox.password)


def _one_line(text: str, password: str) -> str:
    line = " ".join(text.split())[:300]
    return line.replace(password, "***") if len(password) >= 3 else line


def _error_text(error: BaseException) -> str:
    argument = error.args[0] if error.args else ""
    if isinstance(argument, bytes):
        return argument.decode("utf-8", "replace")
    return str(argument)


def _raw(data: Sequence[object]) -> bytes:
    return b" ".join(part for part in data if isinstance(part, bytes))


def _text(data: Sequence[object]) -> str:
    return _raw(data).decode("utf-8", "replace") or "no reason given"
