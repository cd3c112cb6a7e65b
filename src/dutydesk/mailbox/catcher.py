"""The demo mailbox's SMTP server (aiosmtpd), run by `dutydesk serve` on the loopback address.

aiosmtpd comes with the `demo` extra (`pip install 'dutydesk[demo]'`, which `make demo` does);
a production install does not need it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any, Protocol

from dutydesk.errors import Invalid
from dutydesk.mailbox.store import deliver, open_maildir
from dutydesk.settings import Settings

log = logging.getLogger(__name__)

# Dutydesk's own messages are a few kilobytes; anything much larger is not ours.
LARGEST_MESSAGE_BYTES = 1_000_000
HOST = "127.0.0.1"


class Catcher(Protocol):
    """What `serve` needs of the running server."""

    def stop(self) -> None: ...


class _KeepInMaildir:
    """The aiosmtpd handler: every message it is given goes into the Maildir."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or b""
        deliver(self.directory, str(envelope.mail_from), list(envelope.rcpt_tos), content)
        log.info("demo mailbox: a message to %s", ", ".join(envelope.rcpt_tos))
        return "250 Message accepted for delivery"


def start_catcher(settings: Settings) -> Catcher:
    """Receive e-mail on 127.0.0.1:DUTYDESK_DEMO_MAILBOX_PORT into DUTYDESK_DEMO_MAILBOX."""
    assert settings.demo_mailbox
    try:
        from aiosmtpd.controller import Controller
    except ImportError:
        raise Invalid(
            "DUTYDESK_DEMO_MAILBOX: the demo mailbox needs aiosmtpd;"
            " install it with pip install 'dutydesk[demo]'"
        ) from None
    # aiosmtpd logs every connection at INFO ("mail.log"), its own start-up check included.
    logging.getLogger("mail.log").setLevel(logging.WARNING)
    directory = Path(settings.demo_mailbox)
    try:
        open_maildir(directory)
    except OSError as error:
        raise Invalid(f"DUTYDESK_DEMO_MAILBOX: cannot use {directory}: {error.strerror}") from None
    controller = Controller(
        _KeepInMaildir(directory),
        hostname=HOST,
        port=settings.demo_mailbox_port,
        data_size_limit=LARGEST_MESSAGE_BYTES,
    )
    try:
        controller.start()
    except (OSError, RuntimeError) as error:
        # Its thread gave up without binding: end it, and close the event loop it made.
        controller.stop(no_assert=True)
        if not controller.loop.is_closed():
            controller.loop.close()
        raise Invalid(
            f"DUTYDESK_DEMO_MAILBOX_PORT: cannot receive mail on {HOST}:"
            f"{settings.demo_mailbox_port} ({error}); choose another port"
        ) from None
    log.info("demo mailbox: receiving e-mail on %s:%d", HOST, settings.demo_mailbox_port)
    return controller
