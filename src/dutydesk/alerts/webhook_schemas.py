"""The webhook bodies Dutydesk accepts from monitoring, and its answer, as pydantic models.

Alertmanager's (version 4) and Grafana's (version 1) are modelled only as far as Dutydesk reads
them; other fields are ignored, so newer senders that add fields keep working.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from dutydesk.alerts.schemas import DedupKey, Details, ShortText, Summary, Text

Severity = Literal["critical", "error", "warning", "info"]


class _Lenient(BaseModel):
    # Senders add fields of their own between versions; ignore them.
    model_config = ConfigDict(extra="ignore")


class PrometheusAlert(_Lenient):
    """One alert of an Alertmanager or Grafana notification."""

    status: Literal["firing", "resolved"]
    fingerprint: DedupKey = Field(description="Identifies the alert; its dedup key in Dutydesk.")
    labels: dict[Text, Text] = Field(default_factory=dict)
    annotations: dict[Text, Text] = Field(default_factory=dict)
    startsAt: Text | None = None  # the senders' names
    endsAt: Text | None = None
    generatorURL: Text | None = None


class GrafanaAlert(PrometheusAlert):
    """One alert of a Grafana notification, with its links to Grafana."""

    dashboardURL: Text | None = None
    panelURL: Text | None = None
    silenceURL: Text | None = None


class AlertmanagerWebhook(_Lenient):
    """Prometheus Alertmanager's webhook notification, payload version 4."""

    version: Literal["4"]
    status: Literal["firing", "resolved"] | None = None
    alerts: list[PrometheusAlert]


class GrafanaWebhook(_Lenient):
    """Grafana's webhook contact point notification (unified alerting), payload version 1."""

    version: Literal["1"]
    status: Literal["firing", "resolved"] | None = None
    alerts: list[GrafanaAlert]


class GenericEvent(_Lenient):
    """Dutydesk's own webhook shape, for scripts and tools without a format of their own."""

    action: Literal["trigger", "acknowledge", "resolve"]
    dedup_key: DedupKey | None = Field(
        default=None, description="Required to acknowledge or resolve; made up for a trigger."
    )
    summary: Summary | None = Field(default=None, description="Required to trigger.")
    severity: Severity = "error"
    source: ShortText | None = Field(default=None, description='Defaults to "webhook".')
    details: Details = None


class WebhookAccepted(BaseModel):
    """The answer to an accepted Alertmanager or Grafana notification."""

    status: str = Field(examples=["success"])
    alerts: int = Field(examples=[2], description="How many alerts it carried.")


class GenericAccepted(BaseModel):
    """The answer to an accepted generic event."""

    status: str = Field(examples=["success"])
    dedup_key: str = Field(examples=["db-1/disk"])
