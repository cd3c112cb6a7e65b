"""Where the status page lives: the service's own address (for the team's pages), the public
site's root (DUTYDESK_STATUS_HOST, else /status/ under DUTYDESK_BASE_URL), and the key that
signs subscribers' links."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from dutydesk.runtime import Runtime

PUBLIC_PREFIX = "/status"


@dataclass(frozen=True)
class Site:
    """The addresses links are built from, and the signing key."""

    base_url: str
    public_url: str
    secret_key: str

    @classmethod
    def of(cls, runtime: Runtime) -> Site:
        """The site as the runtime's settings place it."""
        settings = runtime.settings
        return cls(
            base_url=settings.base_url,
            public_url=public_url(settings.base_url, settings.status_host),
            secret_key=runtime.secret_key(),
        )

    def incident_url(self, status_incident_id: str) -> str:
        """The public page of a status-page incident or maintenance."""
        return f"{self.public_url}/incidents/{status_incident_id}/"


def public_url(base_url: str, status_host: str | None) -> str:
    """The public site's root: the status host (with the service's scheme) when one is set."""
    if status_host:
        scheme = urlsplit(base_url).scheme or "https"
        return f"{scheme}://{status_host}"
    return f"{base_url.rstrip('/')}{PUBLIC_PREFIX}"
