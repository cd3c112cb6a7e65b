"""Header fields as the message has them, read into one line of text, addresses and a date.

Values are read from the raw fields (`Message.raw_items`), never through the parser's header
objects, so a malformed field cannot raise: 8-bit bytes are UTF-8 (RFC 6532) or Windows-1252,
RFC 2047 encoded words are decoded here (charsets.py's chain), and what comes out is one line.
Addresses are parsed with `email.headerregistry` (RFC 5322, strict about where an address ends),
falling back to `email.utils.getaddresses` if the registry raises.
"""

from __future__ import annotations

import base64
import binascii
import email.policy
import email.utils
import re
from collections.abc import Iterable
from datetime import UTC, datetime

from dutydesk.mailin.charsets import decode_text, without_surrogates
from dutydesk.mailin.results import Address
from dutydesk.text import one_line

LONGEST_SUBJECT = 1000  # characters; RFC 5322 lines stop at 998
LONGEST_NAME = 200
LONGEST_ADDRESS = 254  # RFC 5321's path limit less its brackets
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,64})\?([bBqQ])\?([^?\s]*)\?=")
_NOT_BASE64 = re.compile(r"[^A-Za-z0-9+/]")
# An address we can reply to and match a tenant's domain on: one @, no white space, brackets,
# quotes, control, invisible or bidirectional characters (a quoted local part is legal but never
# seen from a tenant).
_ADDRESS_CHARACTER = (
    r"[^\s@<>()\[\],;:\"\\\x00-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]"
)
_ADDRESS = re.compile(f"{_ADDRESS_CHARACTER}+@{_ADDRESS_CHARACTER}+")


class Headers:
    """The message's header fields by lower-case name, in order, raw."""

    def __init__(self, items: Iterable[tuple[str, object]]) -> None:
        self._fields: dict[str, list[str]] = {}
        for name, value in items:
            self._fields.setdefault(str(name).strip().lower(), []).append(str(value))

    def __bool__(self) -> bool:
        return bool(self._fields)

    def __contains__(self, name: str) -> bool:
        return name in self._fields

    def first(self, name: str) -> str | None:
        """The first `name` field's raw value, or None when there is none."""
        values = self._fields.get(name)
        return values[0] if values else None

    def all(self, name: str) -> list[str]:
        """Every `name` field's raw value, in order."""
        return list(self._fields.get(name, ()))


def raw_text(value: str, notes: list[str], field: str) -> str:
    """A raw value as text: 8-bit bytes decoded, encoded words and folding left (every reader
    of the value takes folding white space as white space)."""
    data = value.encode("utf-8", errors="surrogateescape")
    if data.isascii():
        text = data.decode("ascii")
    else:
        text, note = decode_text(data, None)
        if note:
            notes.append(f"{field}: 8-bit header {note.removeprefix('text declared nothing ')}")
    return text


def _word_bytes(encoding: str, payload: str) -> bytes:
    if encoding in "bB":
        letters = _NOT_BASE64.sub("", payload)
        if len(letters) % 4 == 1:  # a dangling letter holds no whole byte
            letters = letters[:-1]
        return base64.b64decode(letters + "=" * (-len(letters) % 4))
    return binascii.a2b_qp(payload, header=True)


def decode_words(text: str, notes: list[str], field: str) -> str:
    """`text` with its RFC 2047 encoded words decoded; the space between two of them dropped.

    Adjacent words in one charset are decoded together: clients split a multi-byte character
    across two words.
    """
    pieces: list[str] = []
    pending: list[tuple[str, bytearray]] = []

    def flush() -> None:
        for charset, data in pending:
            decoded, note = decode_text(bytes(data), charset)
            if note:
                notes.append(f"{field}: {note}")
            pieces.append(decoded)
        pending.clear()

    position = 0
    for word in _ENCODED_WORD.finditer(text):
        gap = text[position : word.start()]
        if gap.strip(" \t\r\n"):
            flush()
            pieces.append(gap)
        elif not pending:
            pieces.append(gap)
        charset = word.group(1).split("*", 1)[0].lower()  # RFC 2231 adds "*language"
        try:
            data = _word_bytes(word.group(2), word.group(3))
        except (binascii.Error, ValueError):
            notes.append(f"{field}: an encoded word could not be decoded and is kept as written")
            flush()
            pieces.append(word.group())
            position = word.end()
            continue
        if pending and pending[-1][0] == charset:
            pending[-1][1].extend(data)
        else:
            pending.append((charset, bytearray(data)))
        position = word.end()
    flush()
    pieces.append(text[position:])
    return without_surrogates("".join(pieces))


def header_text(value: str | None, notes: list[str], field: str) -> str:
    """A header value decoded into one line ("" when the field is missing)."""
    if value is None:
        return ""
    return one_line(decode_words(raw_text(value, notes, field), notes, field))


def _parsed_addresses(text: str) -> list[tuple[str, str]]:
    try:
        header = email.policy.default.header_factory("to", text)
        return [(found.display_name, found.addr_spec) for found in header.addresses]
    except Exception:  # the registry's parser has raised on hostile input before
        return [(name, address) for name, address in email.utils.getaddresses([text])]


def read_addresses(values: list[str], notes: list[str], field: str) -> tuple[Address, ...]:
    """The mailboxes of every `field` header: valid addresses only, each once, lower case."""
    if not values:
        return ()
    text = ", ".join(raw_text(value, notes, field) for value in values)
    found: dict[str, Address] = {}
    dropped = 0
    for name, address in _parsed_addresses(text):
        address = without_surrogates(address).strip().lower()
        if len(address) > LONGEST_ADDRESS or not _ADDRESS.fullmatch(address):
            dropped += address != "" or name != ""  # "" is an empty list entry, not an address
            continue
        display = one_line(decode_words(without_surrogates(name), notes, field))
        found.setdefault(address, Address(address=address, name=display[:LONGEST_NAME]))
    if dropped:
        notes.append(f"{field}: {dropped} address(es) could not be read")
    return tuple(found.values())


def read_date(value: str | None, notes: list[str]) -> datetime | None:
    """The Date header as an aware UTC datetime; None when missing or unreadable.

    A zone of -0000 (RFC 5322: the sender's zone is unknown) is UTC.
    """
    if value is None:
        notes.append("Date: missing")
        return None
    text = one_line(raw_text(value, notes, "Date"))
    try:
        parsed = email.utils.parsedate_to_datetime(text)
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (TypeError, ValueError, IndexError, OverflowError):
        notes.append(f"Date: {text[:80]!r} could not be read")
        return None
