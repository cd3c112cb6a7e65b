"""Slack through slack_sdk: chat.postMessage, conversations.setTopic, usergroups.users.update."""

from __future__ import annotations

from typing import Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from dutydesk.addresses import is_slack_name
from dutydesk.errors import Invalid
from dutydesk.notify.channels.base import (
    Envelope,
    NotConfigured,
    PermanentFailure,
    TemporaryFailure,
    first_line,
    redact,
)
from dutydesk.text import one_line, slack_literal

TIMEOUT_SECONDS = 10
# Slack's answers that no retry can change; anything else (ratelimited, internal_error,
# invalid_auth that an admin may fix …) is retried on the backoff schedule.
PERMANENT_ERRORS = frozenset(
    {
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "user_not_found",
        "users_not_found",
        "invalid_users",
        "no_such_subteam",
        "subteam_not_found",
        "msg_too_long",
        "no_text",
        "too_long",
        "invalid_blocks",
        "restricted_action",
        "cannot_dm_bot",
    }
)


def check_destination(channel: str, destination: str, payload: dict[str, Any] | None) -> None:
    """Invalid unless the destination (and, for user groups, the payload) can be sent to."""
    if not is_slack_name(destination):
        raise Invalid(f"destination: {destination!r} is not a Slack channel, user or group id")
    if channel == "slack_usergroup":
        users = (payload or {}).get("users")
        if not isinstance(users, list) or not all(isinstance(u, str) and u for u in users):
            raise Invalid('payload: a Slack user group update needs {"users": [user ids]}')


def escape_text(text: str) -> str:
    """Text as Slack shows it literally: its three control characters escaped."""
    return slack_literal(text)


def make_client(token: str | None, api_url: str) -> WebClient | None:
    """The Web API client, or None when no token is configured."""
    if not token:
        return None
    return WebClient(token=token, base_url=api_url, timeout=TIMEOUT_SECONDS)


def send_slack(client: WebClient | None, envelope: Envelope) -> None:
    """Make the Slack Web API call the message's channel stands for."""
    if client is None:
        raise NotConfigured("DUTYDESK_SLACK_TOKEN")
    try:
        if envelope.channel == "slack_topic":
            client.conversations_setTopic(channel=envelope.destination, topic=envelope.text)
        elif envelope.channel == "slack_usergroup":
            users = (envelope.payload or {}).get("users", [])
            if users:
                # A group emptied earlier was disabled (below); bring it back first.
                client.usergroups_enable(usergroup=envelope.destination)
                client.usergroups_users_update(usergroup=envelope.destination, users=users)
            else:
                # Slack refuses a group with no members; disabling it is how nobody is on call
                # (mentions of it then reach no one, rather than whoever was on last).
                client.usergroups_disable(usergroup=envelope.destination)
        else:
            # Messages carry no Slack markup of their own, so every <, > and & is text: a name or
            # an alert summary saying <!channel> must not notify the whole channel.
            body = escape_text(envelope.text)
            text = (
                f"*{escape_text(one_line(envelope.subject))}*\n{body}" if envelope.subject else body
            )
            client.chat_postMessage(channel=envelope.destination, text=text)
    except SlackApiError as error:
        raise _failure(error) from error
    except (SlackClientError, OSError) as error:
        text = redact(first_line(error), [client.token])
        raise TemporaryFailure(f"Slack API: {text}") from error


def _failure(error: SlackApiError) -> TemporaryFailure | PermanentFailure:
    response = error.response
    status = response.status_code
    data = response.data if isinstance(response.data, dict) else {}
    code = str(data.get("error") or f"HTTP {status}")
    if status == 429:
        retry_after = _seconds(
            response.headers.get("Retry-After") or response.headers.get("retry-after")
        )
        return TemporaryFailure(
            f"Slack rate limited the call ({code})", retry_after_seconds=retry_after
        )
    if status < 500 and code in PERMANENT_ERRORS:
        return PermanentFailure(f"Slack refused the call: {code}")
    return TemporaryFailure(f"Slack API error: {code} (HTTP {status})")


def _seconds(value: Any) -> float | None:
    if isinstance(value, list):
        value = value[0] if value else None
    try:
        return max(0.0, float(value)) if value is not None else None
    except (TypeError, ValueError):
        return None
