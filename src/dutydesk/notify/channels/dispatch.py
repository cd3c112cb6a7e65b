"""Which channel sends which message, with the clients a delivery cycle shares."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from slack_sdk import WebClient

from dutydesk.addresses import check_address
from dutydesk.errors import Invalid
from dutydesk.mailbox import store as mailbox_store
from dutydesk.notify.channels import apprise, email, slack, webhook
from dutydesk.notify.channels.base import Envelope, TemporaryFailure
from dutydesk.notify.channels.connections import Connections
from dutydesk.notify.channels.smtp_sessions import SmtpSessions
from dutydesk.notify.signing import webhook_secret
from dutydesk.runtime import Runtime

CHANNELS = (
    "email",
    "slack",
    "slack_topic",
    "slack_usergroup",
    "webhook",
    "scoped_webhook",
    "apprise",
)
SLACK_CHANNELS = ("slack", "slack_topic", "slack_usergroup")


def check_destination(channel: str, destination: str, payload: dict[str, Any] | None) -> None:
    """Invalid unless `destination` (and `payload`) make sense for `channel`."""
    if channel == "email":
        check_address(destination)
    elif channel in SLACK_CHANNELS:
        slack.check_destination(channel, destination, payload)
    elif channel == "webhook":
        webhook.check_url(destination)
    elif channel == "scoped_webhook":
        webhook.check_url(destination)
        webhook.check_scoped_payload(payload)
    elif channel == "apprise":
        apprise.check_apprise_url(destination)


def shown_destination(channel: str, destination: str) -> str:
    """The destination as logs and lists show it: no tokens from URLs."""
    if channel in ("webhook", "scoped_webhook"):
        return webhook.shown_url(destination)
    if channel == "apprise":
        return apprise.shown_apprise(destination)
    return destination


@dataclass
class Senders:
    """The configured channels for one delivery cycle; safe to use from several threads."""

    secret_key: str
    smtp: email.SmtpServer | None
    smtp_from: str
    slack_client: WebClient | None
    # A DUTYDESK_SMTP_URL that does not parse fails e-mail only, not the other channels.
    smtp_problem: str | None = None
    webhooks: Connections = field(default_factory=lambda: Connections(webhook.TIMEOUT_SECONDS))
    # E-mail over connections kept open through the cycle, one per sending thread.
    smtp_sessions: SmtpSessions = field(init=False)
    # Each webhook URL's signing secret, derived once per cycle rather than once per message.
    _webhook_secrets: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.smtp_sessions = SmtpSessions(self.smtp)

    @classmethod
    def from_runtime(cls, runtime: Runtime) -> Senders:
        """Channels configured from DUTYDESK_SMTP_URL, DUTYDESK_SLACK_* and the secret key."""
        settings = runtime.settings
        smtp_url = mailbox_store.smtp_url(settings)
        token = settings.slack_token.get_secret_value() if settings.slack_token else None
        smtp, smtp_problem = None, None
        try:
            smtp = email.parse_smtp_url(smtp_url) if smtp_url else None
        except Invalid as error:
            smtp_problem = error.message
        return cls(
            secret_key=runtime.secret_key(),
            smtp=smtp,
            smtp_problem=smtp_problem,
            smtp_from=settings.smtp_from,
            slack_client=slack.make_client(token, settings.slack_api_url),
        )

    def send(self, envelope: Envelope, now: datetime) -> None:
        """Deliver one message; raises TemporaryFailure or PermanentFailure when not delivered."""
        if envelope.channel == "email":
            if self.smtp_problem is not None:
                raise TemporaryFailure(self.smtp_problem)
            self.smtp_sessions.send(self.smtp_from, envelope)
        elif envelope.channel in SLACK_CHANNELS:
            slack.send_slack(self.slack_client, envelope)
        elif envelope.channel == "webhook":
            secret = self._webhook_secrets.get(envelope.destination)
            if secret is None:
                secret = webhook_secret(self.secret_key, envelope.destination)
                self._webhook_secrets[envelope.destination] = secret
            webhook.send_webhook(self.webhooks, secret, envelope, now=now)
        elif envelope.channel == "scoped_webhook":
            # A receiver of its own (a status page subscriber) has a secret of its own: the
            # scope names whose, and the payload's body is what is posted.
            payload = envelope.payload or {}
            scope, body = str(payload.get("scope")), payload.get("body")
            secret = webhook_secret(self.secret_key, f"{scope}:{envelope.destination}")
            posted = replace(envelope, payload=body if isinstance(body, dict) else {})
            webhook.send_webhook(self.webhooks, secret, posted, now=now)
        elif envelope.channel == "apprise":
            apprise.send_apprise(envelope)
        else:
            raise ValueError(f"unknown channel {envelope.channel!r}")

    def close(self) -> None:
        """Release the HTTP and SMTP connections."""
        self.webhooks.close()
        self.smtp_sessions.close()
