"""Folder names and keywords as IMAP commands spell them (RFC 3501).

A folder name goes on the wire in modified UTF-7 (`Entwürfe` is `Entw&APw-rfe`) and quoted, so
that a name with a space or a non-ASCII letter reaches the folder the admin named.
"""

from __future__ import annotations

import base64


def encode_folder(name: str) -> str:
    """`name` in IMAP's modified UTF-7 (RFC 3501, 5.1.3)."""
    encoded: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            utf16 = "".join(pending).encode("utf-16-be")
            text = base64.b64encode(utf16).decode("ascii").rstrip("=").replace("/", ",")
            encoded.append(f"&{text}-")
            pending.clear()

    for character in name:
        if 0x20 <= ord(character) <= 0x7E:
            flush()
            encoded.append("&-" if character == "&" else character)
        else:
            pending.append(character)
    flush()
    return "".join(encoded)


def quoted(text: str) -> str:
    """`text` as an IMAP quoted string."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def folder_argument(name: str) -> str:
    """A folder name ready to be a command's argument: encoded and quoted."""
    return quoted(encode_folder(name))


def uid_set(uids: list[int]) -> str:
    """A UID set (`3,5,9`) for a command over several messages."""
    return ",".join(str(uid) for uid in uids)
