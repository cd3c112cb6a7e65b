"""read_message: raw RFC 5322 bytes in, an `InboundMail` or a `Refusal` out, never an exception.

The caller's whole contract: file the InboundMail (a ticket or a comment; no acknowledgement when
`is_auto_reply`), or keep the bytes of a Refusal and record its reason. Nothing is lost, nothing
crashes: an error inside the reader, which is a bug, comes back as a Refusal with code
`unreadable` naming it, rather than stopping the intake on that message.
"""

from __future__ import annotations

from email.message import Message

from dutydesk.mailin import threading_headers as threads
from dutydesk.mailin.autoreply import automatic
from dutydesk.mailin.body import Body, read_body
from dutydesk.mailin.charsets import clean_body_text, without_surrogates
from dutydesk.mailin.headers import (
    LONGEST_SUBJECT,
    Headers,
    header_text,
    read_addresses,
    read_date,
)
from dutydesk.mailin.html_body import html_text, sanitise, too_complex
from dutydesk.mailin.quotes import new_text
from dutydesk.mailin.results import InboundMail, Refusal, RefusalCode
from dutydesk.mailin.structure import parse
from dutydesk.text import one_line

# What a caller may start from; the tickets settings decide the real limits.
DEFAULT_MAX_MESSAGE_BYTES = 40 * 1024 * 1024
DEFAULT_MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
_HEADER_SCAN_BYTES = 256 * 1024


def read_message(
    raw: bytes,
    *,
    max_attachment_bytes: int,
    max_message_bytes: int,
    ticket_prefix: str = "",
) -> InboundMail | Refusal:
    """Read one message; a Refusal when it is empty, too large, not a message or unreadable.

    `ticket_prefix` is what stands between "[" and "#" in the subject's ticket reference: the
    reference counts only with exactly that prefix ("" reads "[#123]").
    """
    try:
        return _read(
            bytes(raw),
            max_attachment_bytes=max_attachment_bytes,
            max_message_bytes=max_message_bytes,
            ticket_prefix=ticket_prefix,
        )
    except Exception as error:  # the promise is: never a crash; this is a bug to report
        detail = one_line(f"{type(error).__name__}: {error}")[:200]
        return Refusal(
            RefusalCode.UNREADABLE,
            f"the message could not be read ({detail})",
            message_id=_safe_synthetic_id(raw),
            size=len(raw),
        )


def _safe_synthetic_id(raw: bytes) -> str:
    try:
        return threads.synthetic_message_id(bytes(raw))
    except Exception:
        return f"<unreadable@{threads.SYNTHETIC_DOMAIN}>"


def _own_message_id(raw: bytes) -> str:
    """The Message-ID from the first bytes of the header, else a synthetic id: cheap, for a
    refused message whose whole parse is not worth doing."""
    head = raw[:_HEADER_SCAN_BYTES].replace(b"\r\n", b"\n").split(b"\n\n", 1)[0]
    for line in head.split(b"\n"):
        name, colon, value = line.partition(b":")
        if colon and name.strip().lower() == b"message-id":
            found = threads.message_ids(value.decode("ascii", errors="replace"))
            if found:
                return found[0]
    return threads.synthetic_message_id(raw)


def _read(
    raw: bytes, *, max_attachment_bytes: int, max_message_bytes: int, ticket_prefix: str
) -> InboundMail | Refusal:
    size = len(raw)
    if size > max_message_bytes:
        return Refusal(
            RefusalCode.TOO_LARGE,
            f"the message is {size} bytes, more than the limit of {max_message_bytes}",
            message_id=_own_message_id(raw),
            size=size,
        )
    if not raw or raw.isspace():
        return Refusal(
            RefusalCode.EMPTY,
            "the message is empty",
            message_id=threads.synthetic_message_id(raw),
            size=size,
        )
    parsed = parse(raw)
    headers = Headers(parsed.message.raw_items())
    if not headers:
        return Refusal(
            RefusalCode.NOT_A_MESSAGE,
            "no header field could be read: not an e-mail message",
            message_id=threads.synthetic_message_id(raw),
            size=size,
        )
    problems = list(parsed.problems)
    body = (
        read_body(parsed.message, max_attachment_bytes=max_attachment_bytes)
        if parsed.body_read
        else Body()
    )
    return _mail(raw, parsed.message, headers, body, problems, ticket_prefix)


def _mail(
    raw: bytes,
    message: Message,
    headers: Headers,
    body: Body,
    problems: list[str],
    ticket_prefix: str,
) -> InboundMail:
    own_id = threads.first_message_id(headers.all("message-id"))
    if own_id is None:
        problems.append("Message-ID: missing or unreadable; a synthetic one is used")
    subject = header_text(headers.first("subject"), problems, "Subject")
    if len(subject) > LONGEST_SUBJECT:
        subject = subject[: LONGEST_SUBJECT - 1] + "…"
        problems.append(f"Subject: longer than {LONGEST_SUBJECT} characters; cut")
    senders = read_addresses(headers.all("from"), problems, "From")
    if not senders:
        problems.append("From: missing or unreadable")
    sender = senders[0] if senders else None
    try:
        top_type = message.get_content_type()
    except Exception:
        top_type = "text/plain"
    text, full_text, html = _texts(body, problems)
    problems.extend(body.problems)
    return InboundMail(
        message_id=own_id or threads.synthetic_message_id(raw),
        message_id_synthetic=own_id is None,
        in_reply_to=threads.reference_list(headers.all("in-reply-to")),
        references=threads.reference_list(headers.all("references")),
        subject=subject,
        ticket_reference=threads.ticket_reference(subject, ticket_prefix),
        from_address=sender.address if sender else None,
        from_name=sender.name if sender else "",
        reply_to=read_addresses(headers.all("reply-to"), problems, "Reply-To"),
        to=read_addresses(headers.all("to"), problems, "To"),
        cc=read_addresses(headers.all("cc"), problems, "Cc"),
        date=read_date(headers.first("date"), problems),
        auto_reply=automatic(headers, top_type, sender.address if sender else None),
        text=text,
        full_text=full_text,
        html_sanitised=html,
        attachments=tuple(body.attachments),
        skipped_attachments=tuple(body.skipped),
        problems=tuple(dict.fromkeys(one_line(without_surrogates(note)) for note in problems)),
        size=len(raw),
    )


def _texts(body: Body, problems: list[str]) -> tuple[str, str, str | None]:
    """The new text, the full text and the sanitised HTML of the body."""
    markup = "\n".join(body.html)
    complex_reason = too_complex(markup) if markup else None
    if complex_reason:
        problems.append(f"{complex_reason}: not shown as HTML, its text read by stripping tags")
    html = sanitise(markup) if markup and not complex_reason else None
    full_text = "\n".join(body.plain).strip("\n")
    if not full_text.strip() and markup:
        full_text = html_text(markup, complex_markup=complex_reason is not None)
    full_text = clean_body_text(full_text).strip("\n")
    return new_text(full_text), full_text, html
