"""Attachments: a file name safe to store and offer for download, and the bytes within a limit.

The name is only ever a label: whatever a sender puts in it (a path, `..`, control characters,
a right-to-left override that shows `invoice‮fdp.exe` as `invoiceexe.pdf`) is taken out, and a
part without a name gets `attachment-<n>.<ext>`. An attachment over the size limit is recorded
with its name and size and its bytes are not kept; for base64 (nearly every attachment) the
size comes from the encoded length, so a 25 MB file is skipped without being decoded.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from email.message import Message
from email.policy import compat32

from dutydesk.mailin.results import Attachment, SkippedAttachment

LONGEST_FILENAME = 200  # characters, extension included
LONGEST_EXTENSION = 16
LONGEST_CONTENT_ID = 250

# Controls, line and paragraph separators, bidirectional marks and overrides, lone surrogates,
# and the characters Windows refuses in file names.
_UNSAFE = re.compile(
    "[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2028\u2029\u2066-\u2069"
    '\ud800-\udfff<>:"|?*]'
)
_MIME_TYPE = re.compile(r"[a-z0-9][a-z0-9!#$&^_.+-]{0,63}/[a-z0-9][a-z0-9!#$&^_.+-]{0,63}")
_EXTENSIONS = {
    "text/plain": ".txt",
    "text/html": ".html",
    "text/calendar": ".ics",
    "text/csv": ".csv",
    "text/rfc822-headers": ".txt",
    "message/rfc822": ".eml",
    "message/global": ".eml",
    "message/delivery-status": ".txt",
    "message/disposition-notification": ".txt",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/gif": ".gif",
    "image/webp": ".webp",
    "application/pdf": ".pdf",
    "application/zip": ".zip",
    "application/json": ".json",
}


def safe_filename(name: str | None, content_type: str, number: int) -> str:
    """A file name with no directory, no control or bidirectional character, never empty."""
    cleaned = unicodedata.normalize("NFC", name or "")
    cleaned = cleaned.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = " ".join(_UNSAFE.sub(" ", cleaned).split()).strip(" .")
    if not cleaned:
        return f"attachment-{number}{_EXTENSIONS.get(content_type, '.bin')}"
    if len(cleaned) > LONGEST_FILENAME:
        stem, dot, extension = cleaned.rpartition(".")
        if dot and stem and len(extension) <= LONGEST_EXTENSION:
            cleaned = stem[: LONGEST_FILENAME - len(extension) - 1].rstrip(" .") + "." + extension
        else:
            cleaned = cleaned[:LONGEST_FILENAME].rstrip(" .")
    return cleaned


def safe_content_type(value: str) -> str:
    """`value` when it is a MIME type (RFC 6838's letters), else application/octet-stream."""
    cleaned = value.strip().lower()
    return cleaned if _MIME_TYPE.fullmatch(cleaned) else "application/octet-stream"


def content_id(value: str | None) -> str | None:
    """A Content-ID without its brackets and white space, or None when there is none."""
    if value is None:
        return None
    cleaned = _UNSAFE.sub("", "".join(str(value).split())).strip("<>")
    return cleaned[:LONGEST_CONTENT_ID] or None


def decoded_size_estimate(part: Message) -> int:
    """The part's size once decoded, counted without decoding for base64 (exact for valid
    base64), and the encoded length otherwise (never less than the decoded size)."""
    if part.is_multipart():
        return 0
    try:
        payload = part.get_payload()
    except (ValueError, LookupError):  # 8-bit bytes under a broken charset: measured decoded
        return 0
    if not isinstance(payload, str):
        return 0
    encoding = str(part.get("content-transfer-encoding", "")).strip().lower()
    if encoding != "base64":
        return len(payload)
    letters = len(payload) - sum(payload.count(white) for white in ("\n", "\r", " ", "\t", "="))
    return letters * 3 // 4


def part_bytes(part: Message) -> bytes:
    """The part's content, decoded; a message/* part's as the message it carries."""
    if part.is_multipart():
        return b"".join(
            inner.as_bytes(policy=compat32)
            for inner in part.get_payload()
            if isinstance(inner, Message)
        )
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


def read_attachment(
    part: Message,
    *,
    filename: str,
    content_type: str,
    inline: bool,
    cid: str | None,
    max_bytes: int,
) -> Attachment | SkippedAttachment:
    """The attachment with its bytes, or a skip record when it is larger than `max_bytes`."""
    too_large = f"larger than the attachment limit of {max_bytes} bytes"
    estimate = decoded_size_estimate(part)
    if estimate > max_bytes:
        return SkippedAttachment(filename, content_type, estimate, too_large)
    data = part_bytes(part)
    if len(data) > max_bytes:
        return SkippedAttachment(filename, content_type, len(data), too_large)
    return Attachment(
        filename=filename,
        content_type=content_type,
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        content=data,
        inline=inline,
        content_id=cid,
    )
