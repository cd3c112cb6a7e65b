"""Addresses Dutydesk sends to: e-mail addresses and Slack ids.

The outbox refuses a message whose address fails these checks, and the team file checks the
addresses it holds the same way, so an address the file accepts is never refused at paging time.
"""

from __future__ import annotations

import re
from email.utils import parseaddr

from dutydesk.errors import Invalid

_SLACK_NAME_RE = re.compile(r"^[#@]?[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def check_address(address: str) -> None:
    """Invalid unless `address` looks like one e-mail address (no header injection)."""
    _name, parsed = parseaddr(address)
    if (
        parsed != address
        or address.count("@") != 1
        or any(c.isspace() or ord(c) < 32 for c in address)
        or not all(address.split("@"))
    ):
        raise Invalid(f"destination: {address!r} is not an e-mail address")


def is_slack_name(value: str) -> bool:
    """Whether `value` can be a Slack channel, user or user group id (or #name, @name)."""
    # fullmatch: match() would let a trailing newline by.
    return _SLACK_NAME_RE.fullmatch(value) is not None
