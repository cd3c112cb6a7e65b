"""What ties a message to a thread: its Message-ID, the ids it answers, the subject's [#123].

Message ids are kept as `<id-left@id-right>`, case and all (RFC 5322 compares them exactly),
with folding white space and control characters taken out. A message without a usable id gets
a synthetic one that is the same whenever the same message arrives again, so it never makes a
second ticket: a SHA-256 of the message with its line ends made LF and without the trace fields
that each hop adds (Received, Return-Path, Delivered-To …, and an mbox "From " line), so the copy
piped in by the MTA and the copy fetched over IMAP name the same message.
"""

from __future__ import annotations

import hashlib
import re

from dutydesk.text import one_line

LONGEST_ID = 250  # characters between the brackets; longer ones are no one's real Message-ID
MOST_REFERENCES = 100  # the first (the thread's root) and the last 99 (the nearest parents)
SYNTHETIC_DOMAIN = "mailin.dutydesk.invalid"  # RFC 2606: .invalid never names a real host

_IN_BRACKETS = re.compile(r"<([^<>]*)>")
_WHITE = re.compile(r"\s+")
# Controls, brackets (an id never holds one) and lone surrogates (undecodable raw bytes).
_NOT_IN_ID = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029<>\ud800-\udfff]")
# Fields a transfer or delivery adds; the same message carries different ones on each path.
_TRACE_FIELDS = frozenset(
    {
        b"received",
        b"x-received",
        b"return-path",
        b"delivered-to",
        b"x-delivered-to",
        b"x-original-to",
        b"envelope-to",
        b"x-envelope-from",
        b"x-envelope-to",
        b"received-spf",
        b"authentication-results",
        b"arc-seal",
        b"arc-message-signature",
        b"arc-authentication-results",
        b"x-spam-status",
        b"x-spam-score",
        b"x-spam-level",
        b"x-spam-flag",
        b"x-spam-checker-version",
        b"x-virus-scanned",
        b"status",
        b"x-status",
        b"x-keywords",
        b"x-uid",
        b"content-length",
        b"lines",
    }
)


def message_ids(value: str) -> list[str]:
    """The message ids in a Message-ID, In-Reply-To or References value, each once, in order.

    Ids are what stands between < and >; a value with no brackets at all (a broken client) is
    read as ids separated by white space or commas, each needing an @.
    """
    tokens = _IN_BRACKETS.findall(value)
    if not tokens:
        tokens = [token for token in re.split(r"[\s,]+", value) if "@" in token]
    found: dict[str, None] = {}
    for token in tokens:
        cleaned = _NOT_IN_ID.sub("", _WHITE.sub("", token))
        if cleaned and len(cleaned) <= LONGEST_ID and not cleaned.startswith("@"):
            found.setdefault(f"<{cleaned}>")
    return list(found)


def first_message_id(values: list[str]) -> str | None:
    """The first usable id in the Message-ID fields, or None."""
    for value in values:
        ids = message_ids(value)
        if ids:
            return ids[0]
    return None


def reference_list(values: list[str]) -> tuple[str, ...]:
    """Every id in `values` (References or In-Reply-To fields), each once, at most 100."""
    found: dict[str, None] = {}
    for value in values:
        for message_id in message_ids(value):
            found.setdefault(message_id)
    ids = list(found)
    if len(ids) > MOST_REFERENCES:
        ids = [ids[0], *ids[-(MOST_REFERENCES - 1) :]]
    return tuple(ids)


def _identity_bytes(raw: bytes) -> bytes:
    """The message without its trace fields, line ends made LF: what identifies it."""
    text = raw.replace(b"\r\n", b"\n")
    head, separator, body = text.partition(b"\n\n")
    lines = head.split(b"\n")
    if lines and lines[0].startswith(b"From "):  # an mbox envelope line
        lines = lines[1:]
    kept: list[bytes] = []
    keeping = True
    for line in lines:
        if line[:1] in (b" ", b"\t"):  # a folded continuation of the field before
            if keeping:
                kept.append(line)
            continue
        name = line.split(b":", 1)[0].strip().lower()
        keeping = name not in _TRACE_FIELDS
        if keeping:
            kept.append(line)
    return b"\n".join(kept) + separator + body


def synthetic_message_id(raw: bytes) -> str:
    """A Message-ID for a message that has none: the same for every copy of the same message."""
    digest = hashlib.sha256(_identity_bytes(raw)).hexdigest()[:40]
    return f"<{digest}@{SYNTHETIC_DOMAIN}>"


def ticket_reference_pattern(prefix: str = "") -> re.Pattern[str]:
    """The subject's ticket reference: "[" + prefix + "#" + a number from 1, no leading zero,
    at most 9 digits + "]"; `prefix` compared without regard to case ("[#123]", "[DD#123]")."""
    return re.compile(r"\[" + re.escape(prefix) + r"#([1-9][0-9]{0,8})\]", re.IGNORECASE)


def ticket_reference(subject: str, prefix: str = "") -> int | None:
    """The number in the first ticket reference of `subject`, or None when there is none."""
    found = ticket_reference_pattern(prefix).search(one_line(subject))
    return int(found.group(1)) if found else None
