"""What reading a message gives: an `InboundMail` to file, or a `Refusal` saying why not.

Every string in them is safe to store and show: no NUL or other control character (bodies keep
their line breaks and tabs), no lone surrogate, so PostgreSQL accepts them and UTF-8 encodes them.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


@dataclass(frozen=True, slots=True)
class Address:
    """A mailbox from an address header: the address lower-cased, the display name one line."""

    address: str
    name: str


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file the message carries, with its bytes (within the attachment limit)."""

    filename: str  # safe: no directories, no control or bidirectional characters, never empty
    content_type: str  # "maintype/subtype", lower case
    size: int  # bytes, decoded
    sha256: str  # hex digest of `content`
    content: bytes
    inline: bool  # shown in the body (Content-Disposition: inline), such as a pasted image
    content_id: str | None  # without its <>: what `cid:` links in the HTML body point at


@dataclass(frozen=True, slots=True)
class SkippedAttachment:
    """A file left out because it is larger than the limit: named, its bytes not kept."""

    filename: str
    content_type: str
    size: int  # bytes, decoded; for base64 counted from the encoded length, without decoding
    reason: str


class AutoReplyKind(StrEnum):
    """Why a message is automatic (docs/tickets-mail.md, What makes an auto-reply)."""

    BOUNCE = "bounce"
    AUTO_SUBMITTED = "auto_submitted"
    AUTORESPONDER = "autoresponder"
    PRECEDENCE = "precedence"
    SUPPRESS_REQUEST = "suppress_request"
    MAILING_LIST = "mailing_list"


@dataclass(frozen=True, slots=True)
class AutoReply:
    """What marks a message as automatic, and the header that says so."""

    kind: AutoReplyKind
    reason: str  # one line naming the header and its value, for the ticket's history


@dataclass(frozen=True, slots=True)
class InboundMail:
    """A message read: who sent it, which thread it answers, and its body made safe."""

    message_id: str  # "<...>"; synthetic when the message has none (`message_id_synthetic`)
    message_id_synthetic: bool
    in_reply_to: tuple[str, ...]  # message ids, "<...>", in the order given
    references: tuple[str, ...]
    subject: str  # decoded, one line
    ticket_reference: int | None  # the number in the subject's "[#123]" (threading_headers.py)
    from_address: str | None  # lower case; None when From is missing or holds no address
    from_name: str
    reply_to: tuple[Address, ...]
    to: tuple[Address, ...]
    cc: tuple[Address, ...]
    date: datetime | None  # aware, UTC: what the sender's Date says; None when unreadable
    auto_reply: AutoReply | None
    text: str  # the new part of the body: quoted text and signature left out
    full_text: str  # the whole body as text, quotes and all
    html_sanitised: str | None  # the HTML body made safe to show (html_body.py); None if none
    attachments: tuple[Attachment, ...]
    skipped_attachments: tuple[SkippedAttachment, ...]
    problems: tuple[str, ...]  # what could only be read in part, one line each
    size: int  # bytes of the raw message

    @property
    def is_auto_reply(self) -> bool:
        """True when no acknowledgement may be sent back (RFC 3834): mail loops start there."""
        return self.auto_reply is not None


class RefusalCode(StrEnum):
    """Why a message is not read at all."""

    TOO_LARGE = "too_large"  # more bytes than the caller's max_message_bytes
    EMPTY = "empty"  # no bytes, or only white space
    NOT_A_MESSAGE = "not_a_message"  # no header field at all: not RFC 5322
    UNREADABLE = "unreadable"  # an error inside the reader; a bug to report, the bytes to keep


@dataclass(frozen=True, slots=True)
class Refusal:
    """A message that gets no ticket. The caller keeps its bytes and records the reason."""

    code: RefusalCode
    reason: str  # one line, for the log and the mailbox's refused folder
    message_id: str  # the message's own when it could be found cheaply, else synthetic
    size: int
