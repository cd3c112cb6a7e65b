"""The demo mailbox's messages, kept in a Maildir so any process can read what another caught.

A Maildir rather than database rows: the mailbox stands in for the outside world (someone's
inbox), so it keeps nothing in Dutydesk's schema, survives restarts, and can be opened with any
mail reader (`mutt -f demo-mailbox`).
"""

from __future__ import annotations

import mailbox
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.parser import BytesParser
from pathlib import Path

from dutydesk.settings import Settings

# Envelope addresses, written above the message's own headers as mail servers do: the From and
# To headers need not name them (a Bcc recipient is in neither).
SENDER_HEADER = "Return-Path"
RECIPIENT_HEADER = "Delivered-To"
# The page lists the newest messages; a demo that runs for weeks keeps them all on disk.
SHOWN_AT_MOST = 200


@dataclass(frozen=True)
class ReceivedMail:
    """One message as the mailbox page shows it."""

    key: str
    sender: str
    recipients: list[str]
    subject: str
    received_at: datetime
    body: str


def smtp_url(settings: Settings) -> str | None:
    """The SMTP server e-mail goes to: DUTYDESK_SMTP_URL, else the demo mailbox when it is on."""
    if settings.smtp_url is not None:
        return settings.smtp_url.get_secret_value()
    if settings.demo_mailbox:
        return f"smtp://127.0.0.1:{settings.demo_mailbox_port}"
    return None


def open_maildir(directory: str | Path) -> mailbox.Maildir:
    """The Maildir at `directory`, made if it is missing (or an empty directory)."""
    # Maildir(create=True) makes the three folders only when the directory itself is new.
    for folder in ("tmp", "new", "cur"):
        (Path(directory) / folder).mkdir(parents=True, exist_ok=True)
    return mailbox.Maildir(Path(directory), factory=None, create=False)


def deliver(directory: str | Path, sender: str, recipients: list[str], content: bytes) -> None:
    """Keep one message, with its envelope sender and recipients, in the Maildir."""
    envelope = [f"{SENDER_HEADER}: <{sender}>"]
    envelope += [f"{RECIPIENT_HEADER}: {recipient}" for recipient in recipients]
    # Header lines only from addresses the SMTP server has already parsed (no CR or LF in them).
    head = "".join(f"{line}\r\n" for line in envelope).encode("utf-8", "replace")
    open_maildir(directory).add(head + content)


def received(directory: str | Path, *, limit: int = SHOWN_AT_MOST) -> list[ReceivedMail]:
    """The newest messages first (at most `limit`)."""
    maildir = open_maildir(directory)
    found = []
    for key in maildir.iterkeys():
        try:
            with maildir.get_file(key) as file:
                raw = file.read()
        except FileNotFoundError:  # deleted by hand while we looked
            continue
        message = maildir.get_message(key)
        found.append(_read(key, raw, datetime.fromtimestamp(message.get_date(), UTC)))
    found.sort(key=lambda mail: (mail.received_at, mail.key), reverse=True)
    return found[:limit]


def _read(key: str, raw: bytes, received_at: datetime) -> ReceivedMail:
    parsed = BytesParser(policy=policy.default).parsebytes(raw)
    assert isinstance(parsed, EmailMessage)
    sender = str(parsed.get(SENDER_HEADER, "")).strip().removeprefix("<").removesuffix(">")
    return ReceivedMail(
        key=key,
        sender=sender or str(parsed.get("From", "")),
        recipients=[str(r) for r in parsed.get_all(RECIPIENT_HEADER) or []],
        subject=str(parsed.get("Subject", "")),
        received_at=received_at,
        body=_text_of(parsed),
    )


def _text_of(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    if part is None:
        return "(no plain-text part)"
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # an unknown charset or a broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else ""
    # Lines as SMTP carries them end in CRLF.
    return content.replace("\r\n", "\n") if isinstance(content, str) else ""
