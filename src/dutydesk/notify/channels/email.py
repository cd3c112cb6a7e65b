"""E-mail over SMTP (smtp:// with optional STARTTLS, or smtps://), with a timeout."""

from __future__ import annotations

import hashlib
import re
import smtplib
import ssl
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from email.headerregistry import BaseHeader
from email.message import EmailMessage
from email.policy import Policy
from email.utils import formatdate, parseaddr
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from dutydesk.errors import Invalid
from dutydesk.notify.channels.base import (
    Envelope,
    NotConfigured,
    PermanentFailure,
    TemporaryFailure,
    first_line,
    redact,
)
from dutydesk.text import one_line

TIMEOUT_SECONDS = 20.0
_TRUE = {"1", "true", "yes", "on"}


@dataclass(frozen=True)
class SmtpServer:
    """Where and how to hand e-mail over, parsed from DUTYDESK_SMTP_URL."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str | None
    password: str | None


def parse_smtp_url(url: str) -> SmtpServer:
    """smtp://user:pass@host:587?starttls=1 or smtps://host → the server to use."""
    parts = urlsplit(url)
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise Invalid("DUTYDESK_SMTP_URL: expected smtp://[user:pass@]host[:port][?starttls=1]")
    query = parse_qs(parts.query)
    starttls = query.get("starttls", ["0"])[0].lower() in _TRUE
    implicit_tls = parts.scheme == "smtps"
    return SmtpServer(
        host=parts.hostname,
        port=parts.port or (465 if implicit_tls else 587 if starttls else 25),
        implicit_tls=implicit_tls,
        starttls=starttls and not implicit_tls,
        username=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
    )


def message_id(idempotency_key: str, sender: str) -> str:
    """A Message-ID derived from the idempotency key: a retried e-mail keeps its Message-ID."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "dutydesk.invalid"
    digest = hashlib.sha256(idempotency_key.encode()).hexdigest()[:40]
    return f"<{digest}@{domain}>"


def build_email(envelope: Envelope, sender: str) -> EmailMessage:
    """The e-mail for a message.

    A message that is part of a conversation (a reply on a ticket) names its own Message-ID and
    the messages it answers in its payload's `email` (`message_id`, `in_reply_to`,
    `references`), so the recipient's mail client threads it and their answer finds its way
    back. Each is checked to be a message id (`<…@…>`), so nothing in them can start a header.

    A message a subscriber can stop (the status page's) names its one-click unsubscribe link in
    the payload's `email` (`list_unsubscribe`, and optionally `list_id`); see
    `unsubscribe_headers`.

    A payload's `email` may carry an HTML version of the text (`html`, already made safe by
    the sender) and a calendar invitation (`calendar`, iCalendar text with `calendar_method`
    REQUEST, CANCEL or PUBLISH); see `add_parts`.
    """
    threading = thread_headers(envelope.payload)
    email = EmailMessage()
    email["From"] = sender
    email["To"] = envelope.destination
    # A subject made from a name stored with a line break must not fail the message (the email
    # package refuses it) nor, in a laxer one, start a header of its own.
    email["Subject"] = one_line(envelope.subject)
    email["Date"] = formatdate(localtime=False, usegmt=True)
    email["Message-ID"] = threading.get("message_id") or message_id(
        envelope.idempotency_key, sender
    )
    if threading.get("in_reply_to"):
        email["In-Reply-To"] = threading["in_reply_to"]
    if threading.get("references"):
        email["References"] = threading["references"]
    email["Dutydesk-Idempotency-Key"] = envelope.idempotency_key
    for name, value in unsubscribe_headers(envelope.payload).items():
        email[name] = _OneLineHeader(name, value)
    email.set_content(envelope.text)
    add_parts(email, envelope.payload)
    return email


_CALENDAR_METHODS = ("REQUEST", "CANCEL", "PUBLISH")


def add_parts(email: EmailMessage, payload: dict[str, Any] | None) -> None:
    """The HTML alternative and the calendar invitation a payload's `email` names, if any.

    The invitation goes in twice, as mail clients look for it: as an alternative part
    (text/calendar; method=…, which Outlook and Gmail show as a meeting to answer) and as an
    attached `invite.ics` (for clients that only open attachments).
    """
    given = (payload or {}).get("email")
    if not isinstance(given, dict):
        return
    html = given.get("html")
    if isinstance(html, str) and html:
        email.add_alternative(html, subtype="html")
    calendar = given.get("calendar")
    method = given.get("calendar_method", "REQUEST")
    if isinstance(calendar, str) and calendar and method in _CALENDAR_METHODS:
        email.add_alternative(calendar, subtype="calendar", params={"method": method})
        email.add_attachment(
            calendar, subtype="calendar", filename="invite.ics", params={"method": method}
        )


_MESSAGE_ID_RE = re.compile(r"^<[\x21-\x3b\x3d\x3f-\x7e]{1,250}@[\x21-\x3b\x3d\x3f-\x7e]{1,250}>$")
# At most this many ids in References: the most recent ones, as RFC 5322 readers use them.
_MOST_REFERENCES = 20


def thread_headers(payload: dict[str, Any] | None) -> dict[str, str]:
    """Message-ID, In-Reply-To and References from a payload's `email`, each dropped unless it
    is made of message ids; empty when there are none."""
    given = (payload or {}).get("email")
    if not isinstance(given, dict):
        return {}
    headers: dict[str, str] = {}
    for key in ("message_id", "in_reply_to"):
        value = given.get(key)
        if isinstance(value, str) and _MESSAGE_ID_RE.match(value):
            headers[key] = value
    references = given.get("references")
    if isinstance(references, list):
        ids = [r for r in references if isinstance(r, str) and _MESSAGE_ID_RE.match(r)]
        if ids:
            headers["references"] = " ".join(ids[-_MOST_REFERENCES:])
    return headers


# An http(s) URL of printable ASCII without spaces, and without the characters that end or
# separate the URLs in List-Unsubscribe (RFC 2369): `<`, `>` and `,`.
_URL_CHARS_RE = re.compile(r"[\x21-\x2b\x2d-\x3b\x3d\x3f-\x7e]+")
# "List-Unsubscribe: <" + URL + ">" must fit in the 998 characters RFC 5322 allows a line,
# because it is never folded (see _OneLineHeader).
_LONGEST_UNSUBSCRIBE_URL = 998 - len("List-Unsubscribe: <>")
# RFC 2919: an optional plain description, then <label.namespace> in dot-atom characters.
_LIST_ID_RE = re.compile(
    r"(?:[A-Za-z0-9][A-Za-z0-9 _-]{0,79} )?<[A-Za-z0-9_-]{1,63}(?:\.[A-Za-z0-9_-]{1,63}){1,7}>"
)


def unsubscribe_headers(payload: dict[str, Any] | None) -> dict[str, str]:
    """List-Unsubscribe and List-Unsubscribe-Post (RFC 8058 one-click), and List-Id, from a
    payload's `email`; each dropped unless it is well formed; empty when there are none."""
    given = (payload or {}).get("email")
    if not isinstance(given, dict):
        return {}
    headers: dict[str, str] = {}
    url = given.get("list_unsubscribe")
    if isinstance(url, str) and _is_unsubscribe_url(url):
        headers["List-Unsubscribe"] = f"<{url}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    list_id = given.get("list_id")
    if isinstance(list_id, str) and _LIST_ID_RE.fullmatch(list_id):
        headers["List-Id"] = list_id
    return headers


def _is_unsubscribe_url(url: str) -> bool:
    if len(url) > _LONGEST_UNSUBSCRIBE_URL or not _URL_CHARS_RE.fullmatch(url):
        return False
    try:
        parts = urlsplit(url)
        hostname = parts.hostname
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False
    return parts.scheme in ("http", "https") and bool(hostname)


class _OneLine(BaseHeader):
    """A header written exactly as given, on one line, whatever the policy's line length.

    The email package folds a header longer than 78 characters, and folds a long URL (which has
    no spaces to fold at) into RFC 2047 encoded-words, which mail providers do not decode in
    List-Unsubscribe: Gmail then shows no unsubscribe button. Only for values checked to be
    printable ASCII short enough for one line, as `unsubscribe_headers` does.
    """

    max_count = 1

    @classmethod
    def parse(cls, value: str, kwds: dict[str, Any]) -> None:
        """Keep the value as given: no encoded-words decoded, nothing normalised."""
        kwds["parse_tree"] = None
        kwds["decoded"] = value

    def fold(self, *, policy: Policy) -> str:
        """The header line, ending with the policy's line separator (CRLF for SMTP)."""
        return f"{self.name}: {self}{policy.linesep}"


class _OneLineHeader(_OneLine):
    # A copy or pickle of a header is rebuilt from its class's bases (BaseHeader.__reduce__), so
    # the behaviour lives in a base class for a copied message to keep it.
    pass


def send_email(server: SmtpServer | None, sender: str, envelope: Envelope) -> None:
    """Hand one e-mail to the SMTP server over a connection of its own; raise
    Temporary/PermanentFailure if it is not taken."""
    if server is None:
        raise NotConfigured("DUTYDESK_SMTP_URL")
    email = build_email(envelope, sender)
    with smtp_failures(server), open_client(server) as client:
        client.send_message(email)


def open_client(server: SmtpServer) -> smtplib.SMTP:
    """A connection to the server, secured and signed in as the URL says."""
    client: smtplib.SMTP
    if server.implicit_tls:
        client = smtplib.SMTP_SSL(
            server.host,
            server.port,
            timeout=TIMEOUT_SECONDS,
            context=ssl.create_default_context(),
        )
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT_SECONDS)
    try:
        if server.starttls:
            client.starttls(context=ssl.create_default_context())
        if server.username is not None:
            client.login(server.username, server.password or "")
    except BaseException:
        client.close()
        raise
    return client


@contextmanager
def smtp_failures(server: SmtpServer) -> Iterator[None]:
    """What the SMTP server said, as the outbox's Temporary or PermanentFailure."""
    try:
        yield
    except smtplib.SMTPRecipientsRefused as error:
        codes = [code for code, _text in error.recipients.values()]
        text = f"the SMTP server refused the recipient ({', '.join(map(str, codes))})"
        if all(400 <= code < 500 for code in codes):
            raise TemporaryFailure(text) from error
        raise PermanentFailure(text) from error
    except smtplib.SMTPResponseException as error:
        raw = error.smtp_error
        reply = raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw or "")
        text = redact(f"SMTP {error.smtp_code}: {reply}"[:500], [server.password])
        # 5xx on a message is a refusal of that message; authentication is configuration,
        # which an admin can fix, so it is retried like an outage.
        if 500 <= error.smtp_code < 600 and not isinstance(error, smtplib.SMTPAuthenticationError):
            raise PermanentFailure(text) from error
        raise TemporaryFailure(text) from error
    except (OSError, smtplib.SMTPException) as error:
        text = redact(first_line(error), [server.password, server.username])
        raise TemporaryFailure(f"SMTP server {server.host}:{server.port}: {text}") from error
