"""One-line text: finding control characters in it, and neutralising them in text already stored.

Names, titles and subjects end up in e-mail headers, iCal properties, Slack messages and table
cells, where a line break starts a new header or line that the reader cannot tell from ours.
"""

from __future__ import annotations

import re

# C0 and C1 controls (CR, LF, tab, ESC, NEL …), DEL, and Unicode's line and paragraph separators,
# which mail readers and terminals also treat as line breaks.
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def control_character(value: str) -> str | None:
    """The first control character in `value` as U+XXXX, or None if there is none."""
    found = _CONTROL.search(value)
    return None if found is None else f"U+{ord(found.group()):04X}"


def check_one_line(value: str) -> str:
    """`value` unchanged; ValueError if it has a line break or other control character."""
    found = control_character(value)
    if found is not None:
        raise ValueError(f"must be one line without control characters (found {found})")
    return value


def one_line(value: str) -> str:
    """`value` as one line: control characters become spaces, runs of spaces become one."""
    return " ".join(_CONTROL.sub(" ", value).split())


def slack_literal(text: str) -> str:
    """Text as Slack shows it literally: its three control characters escaped, so nothing
    anyone typed becomes a mention, a link or a broadcast."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def storable(text: str) -> str:
    """Text as a database keeps it: without NUL characters, which PostgreSQL refuses in text
    and nobody means."""
    return text.replace("\x00", "")
