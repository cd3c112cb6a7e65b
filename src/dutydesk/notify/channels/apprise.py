"""Apprise URLs (tgram://, msteams://, json://, …) for every other channel a team uses."""

from __future__ import annotations

import logging
import threading
import warnings
from types import ModuleType
from urllib.parse import urlsplit

from dutydesk.errors import Invalid
from dutydesk.notify.channels.base import Envelope, PermanentFailure, TemporaryFailure, redact

_import_lock = threading.Lock()


def _apprise() -> ModuleType:
    # Apprise loads its many plugins on import (a fifth of a second): only when needed. On
    # Python 3.11 one plugin imports the deprecated imghdr module; that warning is Apprise's
    # business, not our users'.
    with _import_lock, warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import apprise
        from apprise.manager_plugins import NotificationManager

        # Apprise imports its plugins lazily, on the first URL it sees: do it here, warned.
        NotificationManager().load_modules()  # type: ignore[no-untyped-call]

    return apprise


def url_secrets(url: str) -> list[str]:
    """The parts of an Apprise URL that may be tokens, to keep out of logs."""
    parts = urlsplit(url)
    pieces = [url, parts.username, parts.password, parts.netloc, parts.query]
    pieces += [segment for segment in parts.path.split("/") if len(segment) >= 6]
    return [p for p in pieces if p]


def shown_apprise(url: str) -> str:
    """An Apprise URL for logs and lists: the service only (the rest is usually a token)."""
    scheme = urlsplit(url).scheme or "apprise"
    return f"{scheme}://…"


def check_apprise_url(url: str) -> None:
    """Invalid unless Apprise knows how to notify `url`."""
    if _apprise().Apprise.instantiate(url) is None:
        raise Invalid(f"destination: {shown_apprise(url)!r} is not an Apprise URL it supports")


def send_apprise(envelope: Envelope) -> None:
    """Notify through Apprise; its warnings become the error text."""
    apprise = _apprise()
    notifier = apprise.Apprise()
    if not notifier.add(envelope.destination):
        raise PermanentFailure(f"{shown_apprise(envelope.destination)} is not a usable Apprise URL")
    with apprise.LogCapture(level=logging.WARNING) as captured:
        ok = notifier.notify(body=envelope.text, title=envelope.subject)
        details = captured.getvalue().strip().splitlines()
    if not ok:
        reason = details[-1] if details else "Apprise reported a failure"
        text = redact(reason, url_secrets(envelope.destination))[:500]
        raise TemporaryFailure(f"{shown_apprise(envelope.destination)}: {text}")
