"""What monitoring sends that Dutydesk passes on: how deep its free-form JSON may nest, and
which of its URLs may become links.

Both rules are applied twice: when an event comes in (refused, or dropped, as docs/alerts.md
says) and again when a stored alert is read, since rows written before a rule existed, or
straight into the database, must still never break a page, the API or the CLI.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from dutydesk.text import control_character

# Objects and arrays inside objects and arrays: 32 levels is far beyond any real
# custom_details, and far below the ~200 levels at which JSON encoders give up.
MAX_DEPTH = 32
TOO_DEEP = "[nested too deep: not shown]"
WEB_SCHEMES = ("http", "https")


def deeper_than(value: Any, limit: int = MAX_DEPTH) -> bool:
    """Whether objects and arrays in `value` nest more than `limit` levels deep."""
    if not isinstance(value, dict | list):
        return False
    if limit <= 0:
        return True
    children = value.values() if isinstance(value, dict) else value
    return any(deeper_than(child, limit - 1) for child in children)


def check_depth(value: Any) -> Any:
    """`value` unchanged; ValueError if it nests deeper than MAX_DEPTH (a pydantic validator)."""
    if deeper_than(value):
        raise ValueError(f"is nested deeper than {MAX_DEPTH} levels of objects and arrays")
    return value


def within_depth(value: Any, limit: int = MAX_DEPTH) -> Any:
    """A copy of `value` with every object or array below `limit` levels replaced by TOO_DEEP.

    The recursion stops at `limit`, so however deep the stored value is, this never is.
    """
    if not isinstance(value, dict | list):
        return value
    if limit <= 0:
        return TOO_DEEP
    if isinstance(value, dict):
        return {key: within_depth(child, limit - 1) for key, child in value.items()}
    return [within_depth(child, limit - 1) for child in value]


def web_url(value: Any) -> str | None:
    """`value` if it is an absolute http(s) URL with no spaces or control characters, else None.

    Anything else (javascript:, data:, a relative path) must never become a link.
    """
    if not isinstance(value, str) or any(c.isspace() for c in value):
        return None
    if control_character(value) is not None:
        return None
    try:
        parts = urlsplit(value)
    except ValueError:  # an unbalanced [ in the host
        return None
    return value if parts.scheme.lower() in WEB_SCHEMES and parts.netloc else None


def web_links(links: Any) -> list[dict[str, str]]:
    """The links whose href is an http(s) URL, as {"href", "text"?}; others are left out."""
    kept = []
    for link in links if isinstance(links, list) else []:
        href = web_url(link.get("href")) if isinstance(link, dict) else None
        if href is None:
            continue
        text = link.get("text")
        kept.append({"href": href, **({"text": text} if isinstance(text, str) else {})})
    return kept


def web_images(images: Any) -> list[dict[str, str]]:
    """The images whose src is an http(s) URL; an href that is not one is left off."""
    kept = []
    for image in images if isinstance(images, list) else []:
        src = web_url(image.get("src")) if isinstance(image, dict) else None
        if src is None:
            continue
        found = {"src": src}
        href = web_url(image.get("href"))
        if href is not None:
            found["href"] = href
        if isinstance(image.get("alt"), str):
            found["alt"] = image["alt"]
        kept.append(found)
    return kept
