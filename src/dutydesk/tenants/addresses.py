"""E-mail addresses and domains as tenants are matched by them: pure, no database."""

from __future__ import annotations

import re
from email.utils import parseaddr

# A domain name: labels of letters, digits and hyphens (IDNs in their xn-- form), at least two.
_DOMAIN_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z0-9-]{2,63}$")
_SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


def check_domain(text: str) -> str:
    """A domain as stored: lower case, no trailing dot; ValueError says what is wrong."""
    domain = text.strip().lower().rstrip(".")
    if domain.startswith("@"):
        domain = domain[1:]
    if not _DOMAIN_RE.match(domain):
        raise ValueError(f"{text!r} is not a domain like example.org")
    return domain


def check_slug(text: str) -> str:
    """A tenant id: lower-case letters, digits, - and _, up to 64, starting with a letter or
    digit."""
    if not _SLUG_RE.match(text):
        raise ValueError(f"{text!r} is not an id like acme (a-z, 0-9, - and _)")
    return text


def check_address(text: str) -> str:
    """An e-mail address as stored: lower case, one @, a domain after it."""
    _, address = parseaddr(text.strip())
    local, at, domain = address.rpartition("@")
    if not at or not local or any(c.isspace() for c in local):
        raise ValueError(f"{text!r} is not an e-mail address like ops@example.org")
    try:
        return f"{local.lower()}@{check_domain(domain)}"
    except ValueError:
        raise ValueError(f"{text!r} is not an e-mail address like ops@example.org") from None


def domains_to_try(address: str) -> list[str]:
    """The domains whose tenant an address belongs to, nearest first: `ops@eu.mail.acme.com`
    tries eu.mail.acme.com, mail.acme.com and acme.com (never a bare top-level domain)."""
    domain = address.rpartition("@")[2].lower().rstrip(".")
    labels = domain.split(".")
    return [".".join(labels[index:]) for index in range(len(labels) - 1)]
