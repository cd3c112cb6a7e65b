"""Walking the MIME tree: the body's text and HTML, and every other part as an attachment.

The walk is a loop over an explicit stack (no recursion, however deep the tree), stops after
`MOST_PARTS` parts and below `MOST_DEPTH` levels, and asks each part for its type, charset and
file name through `_ask`, so that a question the standard library cannot answer costs a note
and a default, not the message.

What is body and what is attachment: a text/plain or text/html part that is not marked as an
attachment and has no file name is body; parts of one kind are joined in order (Apple Mail
splits a body around pasted images). Every other leaf is an attachment, and a message/* part
(a forwarded message, a delivery report's status and returned message) is one attachment.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import Message
from typing import TypeVar

from dutydesk.mailin.attachments import (
    content_id,
    read_attachment,
    safe_content_type,
    safe_filename,
)
from dutydesk.mailin.charsets import clean_body_text, decode_text
from dutydesk.mailin.flowed import unflow
from dutydesk.mailin.headers import decode_words
from dutydesk.mailin.results import Attachment, SkippedAttachment

MOST_PARTS = 1000
MOST_DEPTH = 100
_BODY_TYPES = frozenset({"text/plain", "text/html"})
_CAMEL = re.compile(r"(?<!^)(?=[A-Z][a-z])")

T = TypeVar("T")


@dataclass
class Body:
    """A message's body parts as text, its attachments, and what could not be read."""

    plain: list[str] = field(default_factory=list)
    html: list[str] = field(default_factory=list)
    attachments: list[Attachment] = field(default_factory=list)
    skipped: list[SkippedAttachment] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _ask(part: Message, read: Callable[[Message], T], fallback: T, body: Body, what: str) -> T:
    try:
        return read(part)
    except Exception:  # the standard library's header and parameter parsing has raised before
        body.problems.append(f"MIME: the {what} of a part could not be read")
        return fallback


def _defect_names(part: Message) -> list[str]:
    names = []
    for defect in getattr(part, "defects", ()):
        words = _CAMEL.sub(" ", type(defect).__name__.removesuffix("Defect")).lower()
        names.append(f"MIME: {words}")
    return names


def _text_of(part: Message, body: Body) -> str:
    data = _ask(part, _payload_bytes, b"", body, "content")
    charset = _ask(part, lambda p: p.get_content_charset(), None, body, "charset")
    text, note = decode_text(data, charset)
    if note:
        body.problems.append(note)
    text = clean_body_text(text)
    text_format = _ask(part, lambda p: str(p.get_param("format") or ""), "", body, "format")
    if text_format.lower() == "flowed":
        delsp = _ask(part, lambda p: str(p.get_param("delsp") or ""), "", body, "delsp")
        text = unflow(text, delsp=delsp.lower() == "yes")
    return text


def _payload_bytes(part: Message) -> bytes:
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def _filename(part: Message, body: Body) -> str | None:
    name = _ask(part, lambda p: p.get_filename(), None, body, "file name")
    if name is None:
        return None
    # Outlook and Gmail put RFC 2047 words in file names, where RFC 2231 belongs.
    return decode_words(str(name), body.problems, "file name") if "=?" in name else str(name)


def _read_leaf(part: Message, body: Body, max_attachment_bytes: int) -> None:
    content_type = safe_content_type(
        _ask(part, lambda p: p.get_content_type(), "text/plain", body, "type")
    )
    if content_type.startswith("multipart/"):  # no boundary: the parser kept it as one text
        body.problems.append(f"MIME: {content_type} without a boundary read as text")
        body.plain.append(_text_of(part, body))
        return
    disposition = _ask(part, lambda p: p.get_content_disposition(), None, body, "disposition")
    filename = _filename(part, body)
    if content_type in _BODY_TYPES and disposition != "attachment" and not filename:
        text = _text_of(part, body)
        (body.plain if content_type == "text/plain" else body.html).append(text)
        return
    cid = content_id(_ask(part, lambda p: p.get("content-id"), None, body, "Content-ID"))
    number = len(body.attachments) + len(body.skipped) + 1
    found = read_attachment(
        part,
        filename=safe_filename(filename, content_type, number),
        content_type=content_type,
        inline=disposition == "inline" or (disposition is None and cid is not None),
        cid=cid,
        max_bytes=max_attachment_bytes,
    )
    if isinstance(found, Attachment):
        body.attachments.append(found)
    else:
        body.skipped.append(found)


def _is_multipart(part: Message, body: Body) -> bool:
    return _ask(part, lambda p: p.get_content_maintype(), "text", body, "type") == "multipart"


def read_body(message: Message, *, max_attachment_bytes: int) -> Body:
    """The body text, HTML and attachments of `message`, walked without recursion."""
    body = Body()
    stack: list[tuple[Message, int]] = [(message, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > MOST_PARTS:
            body.problems.append(f"MIME: more than {MOST_PARTS} parts; the rest were not read")
            break
        # is_multipart() only looks at the payload's type; get_payload() on a multipart hands
        # back its list (on a leaf it may decode, and raise, so leaves are read in _read_leaf).
        if part.is_multipart() and _is_multipart(part, body):
            if depth >= MOST_DEPTH:
                body.problems.append(f"MIME: parts nested deeper than {MOST_DEPTH} were not read")
                continue
            children = [child for child in part.get_payload() if isinstance(child, Message)]
            stack.extend((child, depth + 1) for child in reversed(children))
        else:
            try:
                _read_leaf(part, body, max_attachment_bytes)
            except Exception as error:  # one unreadable part must not cost the others
                body.problems.append(f"MIME: a part could not be read ({type(error).__name__})")
        body.problems.extend(_defect_names(part))
    body.problems = list(dict.fromkeys(body.problems))
    return body
