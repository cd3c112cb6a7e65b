"""Each source's webhook secret, derived from the instance's secret key (nothing is stored):
`dutydesk build secret SOURCE` shows it, and rotating the secret key rotates them all."""

from __future__ import annotations

from dutydesk.notify.signing import webhook_secret


def source_secret(secret_key: str, source: str) -> str:
    """The secret a source signs its build webhooks with (GitHub's and the generic one)."""
    return webhook_secret(secret_key, f"build-source:{source}")
