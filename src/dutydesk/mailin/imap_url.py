"""Where the mailbox is and how to reach it, read from DUTYDESK_MAIL_IMAP_URL.

`imaps://user:pass@host:993/INBOX` uses TLS from the start; `imap://user:pass@host:143/INBOX
?starttls=1` upgrades with STARTTLS. The password travels in the clear only to a loopback
address (`imap://` without STARTTLS is refused elsewhere). Certificates are checked against the
system's CAs, or only against `?ca_file=/path/ca.pem` when given (a self-signed server): there is
no switch that turns the check off, since it would hand the password to whoever sits between.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from dutydesk.errors import Invalid
from dutydesk.text import control_character

SETTING = "DUTYDESK_MAIL_IMAP_URL"
EXPECTED = "expected imaps://user:pass@host[:port][/folder] or imap://…?starttls=1"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}
_PARAMETERS = {"starttls", "ca_file"}


@dataclass(frozen=True)
class ImapMailbox:
    """One folder of one IMAP account, and how to reach it. The password is never shown."""

    host: str
    port: int
    implicit_tls: bool
    starttls: bool
    username: str
    password: str = field(repr=False)
    folder: str = "INBOX"
    ca_file: str | None = None

    @property
    def shown(self) -> str:
        """The mailbox as errors and reports name it: the URL without user or password."""
        scheme = "imaps" if self.implicit_tls else "imap"
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{scheme}://{host}:{self.port}/{self.folder}"


def parse_imap_url(url: str, setting: str = SETTING) -> ImapMailbox:
    """The mailbox a URL names; Invalid, naming the setting and never the URL, if it is wrong."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        raise Invalid(f"{setting}: {EXPECTED}") from None
    if parts.scheme not in ("imap", "imaps") or not parts.hostname:
        raise Invalid(f"{setting}: {EXPECTED}")
    if not parts.username or parts.password is None:
        raise Invalid(f"{setting}: the URL needs a user and a password (user:pass@host)")
    query = _parameters(parts.query, setting)
    implicit_tls = parts.scheme == "imaps"
    starttls = _yes_or_no(query.get("starttls", "0"), "starttls", setting)
    if implicit_tls and starttls:
        raise Invalid(f"{setting}: starttls is for imap://; imaps:// is TLS from the start")
    if not implicit_tls and not starttls and not _is_loopback(parts.hostname):
        raise Invalid(
            f"{setting}: imap:// without ?starttls=1 would send the password in the clear;"
            " use imaps:// or ?starttls=1 (plain imap:// only to a loopback address)"
        )
    ca_file = query.get("ca_file")
    if ca_file is not None and not Path(ca_file).is_file():
        raise Invalid(f"{setting}: ca_file {ca_file!r} is not a file")
    folder = unquote(parts.path.lstrip("/")) or "INBOX"
    check_folder_name(folder, setting)
    return ImapMailbox(
        host=parts.hostname,
        port=port or (993 if implicit_tls else 143),
        implicit_tls=implicit_tls,
        starttls=starttls,
        username=unquote(parts.username),
        password=unquote(parts.password),
        folder=folder,
        ca_file=ca_file,
    )


def check_folder_name(folder: str, setting: str) -> str:
    """`folder` unchanged; Invalid if no IMAP server could have it (empty, control characters)."""
    if not folder.strip():
        raise Invalid(f"{setting}: the folder name is empty")
    found = control_character(folder)
    if found is not None:
        raise Invalid(f"{setting}: the folder name has a control character ({found})")
    return folder


def _parameters(query: str, setting: str) -> dict[str, str]:
    parsed = parse_qs(query, keep_blank_values=True)
    unknown = sorted(set(parsed) - _PARAMETERS)
    if unknown:
        raise Invalid(
            f"{setting}: unknown parameter {unknown[0]!r} (known: starttls, ca_file;"
            " to trust a self-signed server, give its certificate as ca_file)"
        )
    return {name: values[-1] for name, values in parsed.items()}


def _yes_or_no(value: str, name: str, setting: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise Invalid(f"{setting}: {name}={value!r} is neither 1 nor 0")


def _is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
