"""Text from a body's or header's bytes, whatever charset they claim, and text made safe to keep.

A declared charset is tried first, then UTF-8, then Windows-1252, then Latin-1 (which reads any
byte, so the chain always ends with text). Two labels are read as mail clients and browsers read
them rather than as written (the WHATWG Encoding Standard does the same):

- US-ASCII, ISO-8859-1 and Windows-1252 bytes that are valid UTF-8 with non-ASCII characters are
  UTF-8: a mislabelled UTF-8 body is far more common than Latin-1 text that happens to be valid
  UTF-8.
- ISO-8859-1 is read as Windows-1252, which is a superset of it for every printable character:
  bytes 0x80-0x9F are Windows-1252's curly quotes, dashes and euro sign in mail from Outlook
  labelled Latin-1, and C1 control characters in Latin-1.
"""

from __future__ import annotations

import codecs
import re

# Python codecs that are not charsets a mail could be written in: they turn bytes into text by
# rules of their own (escape sequences, punycode) rather than read it.
_NOT_MAIL_CHARSETS = frozenset(
    {"idna", "punycode", "unicode-escape", "raw-unicode-escape", "undefined", "mbcs", "oem"}
)
_WESTERN = frozenset({"ascii", "iso8859-1", "cp1252"})
# Charsets written in 7-bit bytes that mean something other than ASCII (Japanese mail is
# ISO-2022-JP): ASCII-only bytes are not ASCII text in these.
_SEVEN_BIT = frozenset(
    {
        "iso2022_jp", "iso2022_jp_1", "iso2022_jp_2", "iso2022_jp_2004", "iso2022_jp_3",
        "iso2022_jp_ext", "iso2022_kr", "utf-7", "hz", "utf-16", "utf-16-be", "utf-16-le",
        "utf-32", "utf-32-be", "utf-32-le",
    }
)  # fmt: skip
_LONGEST_LABEL = 40
_NON_ASCII = re.compile("[^\x00-\x7f\ufffd]")
_C1_BYTE = re.compile(rb"[\x80-\x9f]")
# Control characters a body may not keep: C0 but tab and line feed (CR is turned into LF first),
# DEL, and lone surrogates (from undecodable bytes), which no UTF-8 encoder accepts.
_BODY_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def codec_name(label: str | None) -> str | None:
    """Python's codec for a charset label, or None when the label is unknown or not a charset."""
    if not label:
        return None
    cleaned = label.strip().strip("\"'").strip().lower()
    if not cleaned or len(cleaned) > _LONGEST_LABEL:
        return None
    try:
        name = codecs.lookup(cleaned).name
    except (LookupError, ValueError, TypeError):
        return None
    try:
        b"a".decode(name)
    except UnicodeDecodeError:  # a real charset that cannot read this one byte (UTF-16)
        pass
    except LookupError:  # a codec that is no text encoding (rot13, zlib)
        return None
    return None if name in _NOT_MAIL_CHARSETS else name


def _first_that_reads(data: bytes, names: tuple[str, ...]) -> tuple[str, str]:
    for name in names:
        try:
            return data.decode(name), name
        except (UnicodeDecodeError, LookupError):
            continue
    return data.decode("latin-1"), "latin-1"


def decode_text(data: bytes, declared: str | None) -> tuple[str, str | None]:
    """`data` as text, and a one-line note when it could not be read as `declared` says."""
    label = (declared or "").strip().strip("\"'")[:_LONGEST_LABEL]
    codec = codec_name(label)
    if data.isascii() and codec not in _SEVEN_BIT:
        return data.decode("ascii"), None
    if label and codec is None:
        text, used = _first_that_reads(data, ("utf-8", "cp1252"))
        return text, f"unknown charset {label!r} read as {used}"
    if codec is None or codec in _WESTERN:
        return _decode_western(data, label, codec)
    try:
        return data.decode(codec), None
    except (UnicodeDecodeError, LookupError):
        pass
    if codec == "utf-8":
        return _decode_broken_utf8(data)
    text, used = _first_that_reads(data, ("utf-8", "cp1252"))
    return text, f"text declared {label} is not valid {label}; read as {used}"


def _decode_western(data: bytes, label: str, codec: str | None) -> tuple[str, str | None]:
    # Unlabelled 8-bit text (RFC 2045 says US-ASCII) is UTF-8 or Windows-1252 in practice.
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return text, (f"text declared {label} is UTF-8; read as utf-8" if label else None)
    try:
        text = data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1"), (f"text declared {label or 'nothing'} read as latin-1")
    if codec == "cp1252":
        return text, None
    if codec == "iso8859-1" and not _C1_BYTE.search(data):
        return text, None  # the same characters either way
    return text, f"text declared {label or 'nothing'} read as windows-1252"


def _decode_broken_utf8(data: bytes) -> tuple[str, str]:
    # Mostly UTF-8 with a stray byte keeps its UTF-8 and loses the byte; "UTF-8" that holds no
    # UTF-8 character at all is Windows-1252 (or Latin-1) under the wrong label.
    replaced = data.decode("utf-8", errors="replace")
    if _NON_ASCII.search(replaced):
        return replaced, "invalid UTF-8 bytes replaced with U+FFFD"
    text, used = _first_that_reads(data, ("cp1252",))
    return text, f"text declared utf-8 is not UTF-8; read as {used}"


def clean_body_text(text: str) -> str:
    """`text` with LF line ends, no control character but tab and LF, no lone surrogate."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _BODY_CONTROL.sub("", text)
    text = _SURROGATE.sub("\ufffd", text)
    return text.removeprefix("\ufeff")


def without_surrogates(text: str) -> str:
    """`text` with each lone surrogate (an undecodable byte) replaced by U+FFFD."""
    return _SURROGATE.sub("\ufffd", text)
