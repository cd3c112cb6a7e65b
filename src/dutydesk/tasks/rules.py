"""What a task's fields may hold, as pure checks: each returns the value as stored, or raises
Invalid naming the field ("link: ...") so that pages show the message beside it."""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import urlsplit

from dutydesk.errors import Invalid
from dutydesk.tasks.models import (
    DESCRIPTION_LENGTH,
    LABEL_LENGTH,
    LINK_LENGTH,
    SIZES,
    TITLE_LENGTH,
)
from dutydesk.text import check_one_line, control_character, storable

MOST_LABELS = 10
# Labels are words people filter by: lower case letters, digits and - _ . : / (no spaces, so
# "ci flake" cannot be two labels on one page and one in the API).
_LABEL = re.compile(r"[a-z0-9][a-z0-9_.:/-]*")


def checked_title(title: str) -> str:
    """A title on one line, not empty and not too long."""
    try:
        text = check_one_line(title.strip())
    except ValueError as error:
        raise Invalid(f"title: {error}") from None
    if not text:
        raise Invalid("title: say what is to be done")
    if len(text) > TITLE_LENGTH:
        raise Invalid(f"title: at most {TITLE_LENGTH} characters")
    return text


def checked_description(description: str) -> str:
    """Markdown, any number of lines, with its line ends made plain newlines."""
    text = storable(description).replace("\r\n", "\n").strip()
    if len(text) > DESCRIPTION_LENGTH:
        raise Invalid(f"description: at most {DESCRIPTION_LENGTH} characters")
    return text


def checked_labels(labels: Iterable[str]) -> list[str]:
    """Labels in lower case, each once, in the order given."""
    kept: list[str] = []
    for given in labels:
        label = given.strip().lower()
        if not label:
            continue
        if len(label) > LABEL_LENGTH:
            raise Invalid(f"labels: {label[:LABEL_LENGTH]!r}… is longer than {LABEL_LENGTH}")
        if not _LABEL.fullmatch(label):
            raise Invalid(
                f"labels: {label!r} is not a label: use letters, digits and - _ . : /"
                " (no spaces), starting with a letter or digit"
            )
        if label not in kept:
            kept.append(label)
    if len(kept) > MOST_LABELS:
        raise Invalid(f"labels: at most {MOST_LABELS}")
    return kept


def labels_from_text(text: str) -> list[str]:
    """Labels as a form or the command line writes them: separated by commas or spaces."""
    return checked_labels(re.split(r"[,\s]+", text))


def checked_size(size: str | None) -> str | None:
    """S, M or L (any case), or None for a task nobody has sized."""
    if size is None or not size.strip():
        return None
    upper = size.strip().upper()
    if upper not in SIZES:
        raise Invalid(f"size: one of {', '.join(SIZES)} (or none)")
    return upper


def checked_link(link: str | None) -> str | None:
    """An http or https address with a host, or None; nothing a browser would run or open
    elsewhere (javascript:, data:, file:)."""
    if link is None or not link.strip():
        return None
    text = link.strip()
    if len(text) > LINK_LENGTH:
        raise Invalid(f"link: at most {LINK_LENGTH} characters")
    if control_character(text) or " " in text:
        raise Invalid("link: an address has no spaces or control characters")
    try:
        parts = urlsplit(text)
        port_ok = parts.port is None or parts.port > 0
    except ValueError:
        raise Invalid("link: not a web address") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise Invalid("link: only http:// and https:// addresses")
    if not parts.hostname or not port_ok:
        raise Invalid("link: an address needs a host, as in https://ci.example.org/build/12")
    return text
