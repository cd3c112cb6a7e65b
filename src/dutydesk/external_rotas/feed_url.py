"""An external rota's feed URL: the rules it must keep, and how it is shown.

A feed's URL is a secret: PagerDuty, Opsgenie and Google put the key to the calendar in its
path or query. `redacted` is how a URL is shown anywhere (pages, logs, errors); `check_feed_url`
holds the rules for the team file, and `url_problem` the same rules for a fetch and each of its
redirects. docs/external-rotas.md, "Fetching", lists them.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

from dutydesk.errors import Invalid

MAX_URL_LENGTH = 2_048
DEFAULT_PORTS = {"http": 80, "https": 443}
_LOOPBACK_NAMES = frozenset({"localhost"})
# `redacted` shows the last 4 characters of a path and query of at least 16 (12 stay hidden).
_TAIL_SHOWN = 4
_TAIL_SHOWN_FROM = 16


def redacted(url: str) -> str:
    """The URL as shown anywhere: scheme, host and port, and at most the last 4 characters of
    the path and query, e.g. `https://acme.pagerduty.com/…a1b2`. Never credentials."""
    try:
        parts = urlsplit(url.strip())
        host, port = parts.hostname or "", parts.port
    except ValueError:
        return "(an unreadable URL)"
    rest = parts.path + (f"?{parts.query}" if parts.query else "")
    if not parts.scheme or not host:
        # No authority: the whole of it may be the secret.
        return "…" + _tail(url.strip())
    if not all(c.isprintable() and not c.isspace() and c not in "/@" for c in host):
        host = "?"
    shown_host = f"[{host}]" if ":" in host else host
    shown_port = f":{port}" if port is not None else ""
    shown_rest = "" if rest in ("", "/") else "…" + _tail(rest)
    return f"{parts.scheme.lower()}://{shown_host}{shown_port}/{shown_rest}"


def _tail(secret: str) -> str:
    if len(secret) < _TAIL_SHOWN_FROM:
        return ""
    return "".join(c for c in secret[-_TAIL_SHOWN:] if c.isprintable() and not c.isspace())


def is_loopback(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1: the hosts a feed may be fetched from by http."""
    if host.lower() in _LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.split("%", 1)[0]).is_loopback
    except ValueError:
        return False


def check_feed_url(url: str) -> str:
    """`url` if it may be a feed's URL; Invalid, showing it only redacted, if not."""
    problem = url_problem(url)
    if problem is not None:
        raise Invalid(f"the feed URL {redacted(url)} {problem}")
    return url


def url_problem(url: str) -> str | None:
    """What is wrong with `url` as a feed's URL (finishing "the feed URL … "), or None."""
    if len(url) > MAX_URL_LENGTH:
        return f"is longer than {MAX_URL_LENGTH:,} characters"
    if any(c.isspace() or not c.isprintable() for c in url):
        return "has spaces or control characters in it"
    try:
        parts = urlsplit(url)
        host, _port = parts.hostname, parts.port
    except ValueError:
        return "cannot be read as a URL (its host or port)"
    scheme = parts.scheme.lower()
    if scheme == "webcal":
        return "uses webcal://, which calendar apps read as https://: write https:// instead"
    if scheme not in DEFAULT_PORTS:
        return "must be an https:// URL"
    if not host:
        return "has no host"
    if "@" in parts.netloc:
        return (
            "has a user name or password in it (user:pass@), which is not sent: a feed's key "
            "goes in its path or query"
        )
    if scheme == "http" and not is_loopback(host):
        return "must use https (http only to a loopback address: 127.0.0.1, ::1 or localhost)"
    return None
