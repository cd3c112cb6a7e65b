"""Inbound mail: raw RFC 5322 bytes read into a structured, safe `InboundMail`, or a `Refusal`,
and fetched from an IMAP mailbox (`imap`).

A kit below the domains, with no database: the tickets domain files what it reads, the IMAP
fetcher and the MTA pipe hand it bytes. What is read, and what is refused and why, is in
docs/tickets-mail.md.
"""

from dutydesk.mailin.reading import (
    DEFAULT_MAX_ATTACHMENT_BYTES,
    DEFAULT_MAX_MESSAGE_BYTES,
    read_message,
)
from dutydesk.mailin.results import (
    Address,
    Attachment,
    AutoReply,
    AutoReplyKind,
    InboundMail,
    Refusal,
    RefusalCode,
    SkippedAttachment,
)

__all__ = [
    "DEFAULT_MAX_ATTACHMENT_BYTES",
    "DEFAULT_MAX_MESSAGE_BYTES",
    "Address",
    "Attachment",
    "AutoReply",
    "AutoReplyKind",
    "InboundMail",
    "Refusal",
    "RefusalCode",
    "SkippedAttachment",
    "read_message",
]
