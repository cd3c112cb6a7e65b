"""Statuspage's management API v1 as Dutydesk speaks it: the bodies it reads (Statuspage's field
names; fields Dutydesk has no use for are ignored, the ones it reads are type-checked) and the
answers it gives, built from the same Public* objects and shapes as the public page."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy.orm import Session

from dutydesk.errors import Invalid, NotFound
from dutydesk.statuspage import publishing, snapshot
from dutydesk.statuspage.components import ComponentFields
from dutydesk.statuspage.maintenance import COMPLETED_TEXT, STARTED_TEXT, Window
from dutydesk.statuspage.models import (
    COMPLETED,
    EMAIL,
    ID_LENGTH,
    IDENTIFIED,
    IN_PROGRESS,
    INVESTIGATING,
    MAINTENANCE,
    MAINTENANCE_KIND,
    MONITORING,
    OPERATIONAL,
    RESOLVED,
    SCHEDULED,
    VERIFYING,
    WEBHOOK,
    StatusIncident,
    StatusSubscriber,
)
from dutydesk.statuspage.page import PageInfo
from dutydesk.statuspage.public import PublicPage
from dutydesk.statuspage.publishing import UpdateDraft
from dutydesk.statuspage.shapes import component_json, incident_json, page_json, update_json, when
from dutydesk.timeparse import parse_time

ComponentState = Literal[
    "operational", "degraded_performance", "partial_outage", "major_outage", "under_maintenance"
]
IncidentStatus = Literal[
    "investigating", "identified", "monitoring", "resolved",
    "scheduled", "in_progress", "verifying", "completed",
]  # fmt: skip
Impact = Literal["none", "minor", "major", "critical", "maintenance"]
# As many as a page can have (the team file's limit): a body naming more is refused whole.
MANY = 500


def _no_nul(value: str) -> str:
    # PostgreSQL cannot store or compare text with NUL in it; say so instead of failing on it.
    # (Names and bodies lose theirs as the services store them.)
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Text = Annotated[str, AfterValidator(_no_nul)]
Id = Annotated[str, StringConstraints(max_length=ID_LENGTH), AfterValidator(_no_nul)]

# The body an update gets when the request gives none: what Statuspage's templates say.
DEFAULT_BODIES = {
    INVESTIGATING: "We are investigating this issue.",
    IDENTIFIED: "The issue has been identified and a fix is being worked on.",
    MONITORING: "A fix has been put in place and we are monitoring the results.",
    RESOLVED: "This incident has been resolved.",
    SCHEDULED: "This maintenance is scheduled.",
    IN_PROGRESS: STARTED_TEXT,
    VERIFYING: "The maintenance is being verified.",
    COMPLETED: COMPLETED_TEXT,
}


class _Body(BaseModel):
    # Statuspage's clients send fields Dutydesk has no use for (metadata, tweets, templates):
    # they are ignored, so scripts written for Statuspage need no change. The fields read are
    # JSON's own types: 0 is not false and "1" is not true.
    model_config = ConfigDict(extra="ignore", strict=True)


class ComponentIn(_Body):
    """A component as Statuspage's clients send it; what is left out is left as it is."""

    name: str | None = None
    description: str | None = None
    status: ComponentState | None = None
    group_id: Id | None = Field(default=None, description="null takes it out of its group.")
    showcase: bool | None = None
    only_show_if_degraded: bool | None = None
    start_date: Text | None = Field(default=None, description="YYYY-MM-DD.")

    def fields(self) -> ComponentFields:
        """The change to make: a group_id given as null takes the component out of its group."""
        group_id = self.group_id
        if group_id is None and "group_id" in self.model_fields_set:
            group_id = ""
        return ComponentFields(
            name=self.name,
            description=self.description,
            status=self.status,
            group_id=group_id,
            showcase=self.showcase,
            only_show_if_degraded=self.only_show_if_degraded,
            start_date=self.start_date,
        )


class ComponentEnvelope(_Body):
    component: ComponentIn


class IncidentIn(_Body):
    """An incident or maintenance as Statuspage's clients send it; with scheduled_for and
    scheduled_until, a new one is a maintenance window."""

    name: str | None = None
    status: IncidentStatus | None = None
    body: str | None = Field(default=None, description="Markdown; default a line for the status.")
    impact_override: Impact | None = None
    components: dict[Id, ComponentState] | None = Field(
        default=None, max_length=MANY, description="The state to put each component in."
    )
    component_ids: list[Id] | None = Field(
        default=None, max_length=MANY, description="The components it concerns."
    )
    deliver_notifications: bool = True
    scheduled_for: Text | None = Field(default=None, description="ISO 8601; maintenance only.")
    scheduled_until: Text | None = Field(default=None, description="ISO 8601; maintenance only.")
    scheduled_remind_prior: bool = True
    scheduled_auto_in_progress: bool = True
    scheduled_auto_completed: bool = True

    def is_maintenance(self) -> bool:
        """Whether it asks for a maintenance window."""
        return self.scheduled_for is not None or self.scheduled_until is not None

    def named_components(self) -> list[str]:
        """Every component it names, in either field, once each."""
        return list(dict.fromkeys([*(self.component_ids or ()), *(self.components or {})]))

    def first_update(self, current: Mapping[str, str]) -> UpdateDraft:
        """A new incident's first update: the components it names, in the states given (the
        others as they are, `current`)."""
        status = self.status or INVESTIGATING
        return UpdateDraft(
            status,
            default_body(status) if self.body is None else self.body,
            {**current, **(self.components or {})},
            self.deliver_notifications,
        )

    def window(self, zone: ZoneInfo, now: datetime) -> Window:
        """The maintenance window a new one asks for (times without an offset: team time)."""
        if self.scheduled_for is None or self.scheduled_until is None:
            raise Invalid("scheduled_until: a maintenance window needs scheduled_for and _until")
        if self.status not in (None, SCHEDULED):
            raise Invalid("status: a new maintenance is scheduled; change its status afterwards")
        return Window(
            name=self.name or "",
            body=default_body(SCHEDULED) if self.body is None else self.body,
            scheduled_for=parse_time(self.scheduled_for, zone, now, field="scheduled_for"),
            scheduled_until=parse_time(self.scheduled_until, zone, now, field="scheduled_until"),
            component_ids=self.named_components(),
            remind_prior=self.scheduled_remind_prior,
            auto_in_progress=self.scheduled_auto_in_progress,
            auto_completed=self.scheduled_auto_completed,
            deliver_notifications=self.deliver_notifications,
        )

    def check_window(self, incident: StatusIncident, zone: ZoneInfo, now: datetime) -> None:
        """A window's times stay as scheduled: a change may repeat them, not move them."""
        if self.is_maintenance() and incident.kind != MAINTENANCE_KIND:
            raise Invalid("scheduled_for: an incident has no window; schedule a new maintenance")
        for field, text, kept in (
            ("scheduled_for", self.scheduled_for, incident.scheduled_for),
            ("scheduled_until", self.scheduled_until, incident.scheduled_until),
        ):
            if text is not None and parse_time(text, zone, now, field=field) != kept:
                raise Invalid(f"{field}: a window's times stay; delete it and schedule another")

    def impact_change(self) -> str | None:
        """The impact_override to set: None leaves it, "" (given as null) drops it."""
        if self.impact_override is None and "impact_override" in self.model_fields_set:
            return ""
        return self.impact_override

    def update_to_publish(
        self, incident: StatusIncident, concerned: Sequence[str]
    ) -> UpdateDraft | None:
        """The update a change publishes: one when it gives a body or a new status, with the
        states given. A window moved by hand without them takes its components (`concerned`)
        as it would by itself: under maintenance when it starts, operational when it ends."""
        status = self.status or incident.status
        if self.body is None and status == incident.status:
            return None
        states: dict[str, str] = dict(self.components or {})
        by_itself = {IN_PROGRESS: MAINTENANCE, COMPLETED: OPERATIONAL}.get(status)
        if self.components is None and incident.kind == MAINTENANCE_KIND and by_itself:
            states = {c: by_itself for c in concerned}
        return UpdateDraft(
            status,
            default_body(status) if self.body is None else self.body,
            states,
            self.deliver_notifications,
        )


class IncidentEnvelope(_Body):
    incident: IncidentIn


class IncidentUpdateIn(_Body):
    """A correction of a published update."""

    body: str | None = None
    display_at: Text | None = Field(default=None, description="ISO 8601.")
    deliver_notifications: bool | None = None


class IncidentUpdateEnvelope(_Body):
    incident_update: IncidentUpdateIn


class SubscriberIn(_Body):
    """A subscriber: an e-mail address or a webhook endpoint."""

    email: Text | None = None
    endpoint: Text | None = None
    phone_number: str | None = None
    component_ids: list[Id] = Field(
        default_factory=list, max_length=MANY, description="None: every component."
    )
    skip_confirmation_notification: bool = False

    def channel(self) -> tuple[str, str]:
        """The kind of subscriber and its address; Invalid unless exactly one is given."""
        if self.phone_number is not None:
            raise Invalid("phone_number: Dutydesk sends no SMS; subscribe an email or endpoint")
        if (self.email is None) == (self.endpoint is None):
            raise Invalid("subscriber: give an email or an endpoint (one of them)")
        if self.email is not None:
            return EMAIL, self.email
        assert self.endpoint is not None
        return WEBHOOK, self.endpoint


class SubscriberEnvelope(_Body):
    subscriber: SubscriberIn


def default_body(status: str) -> str:
    """The body of an update given none: a sentence saying what its status means."""
    return DEFAULT_BODIES[status]


def page_of(session: Session, now: datetime) -> PublicPage:
    """The public page as its snapshot stores it (rebuilt by every change as it commits, so
    it is what the public site shows), or built now before the first change."""
    stored = snapshot.stored(session)
    return stored[1] if stored is not None else snapshot.build(session, now)


def page_answer(
    page: PublicPage, info: PageInfo, public_url: str, domain: str | None
) -> dict[str, Any]:
    """The page as v1's `page`: the fields Dutydesk has, and Statuspage's defaults for the
    options it does not have."""
    first = min((c.created_at for c in page.components), default=page.updated_at)
    return {
        **page_json(page, public_url),
        "id": info.id,
        "name": info.name,
        "time_zone": info.time_zone,
        "created_at": when(first),
        "subdomain": info.id,
        "domain": domain,
        "page_description": None,
        "headline": None,
        "branding": "basic",
        "support_url": None,
        "hidden_from_search": False,
        "allow_page_subscribers": True,
        "allow_incident_subscribers": False,
        "allow_email_subscribers": True,
        "allow_sms_subscribers": False,
        "allow_rss_atom_feeds": True,
        "allow_webhook_subscribers": True,
        "viewers_must_be_team_members": False,
    }


def component_answer(page: PublicPage, component_id: str) -> dict[str, Any]:
    """A component as Statuspage gives it; NotFound if the page has none with that id."""
    found = page.component(component_id)
    if found is None:
        raise NotFound(f"no status page component {component_id!r}")
    return component_json(found, page.id)


def incident_answer(
    session: Session, incident: StatusIncident, page: PublicPage, public_url: str
) -> dict[str, Any]:
    """An incident or maintenance as Statuspage's management API gives it: what the public
    page shows, with the settings only the team sees."""
    updates = publishing.updates_of(session, incident.id)
    shown = snapshot.public_incident(
        incident, updates, publishing.components_of(session, incident.id)
    )
    found = incident_json(shown, page, public_url)
    delivered = {u.id: u.deliver_notifications for u in updates}
    for update in found["incident_updates"]:
        update["deliver_notifications"] = delivered[update["id"]]
    found.update(
        impact_override=incident.impact_override,
        postmortem_body=None,
        postmortem_published_at=None,
        metadata={},
    )
    if incident.kind == "maintenance":
        found.update(
            scheduled_remind_prior=incident.scheduled_remind_prior,
            scheduled_auto_in_progress=incident.scheduled_auto_in_progress,
            scheduled_auto_completed=incident.scheduled_auto_completed,
        )
    else:
        found.update(scheduled_for=None, scheduled_until=None)
    return found


def update_answer(session: Session, incident: StatusIncident, update_id: str) -> dict[str, Any]:
    """One update of an incident as Statuspage gives it."""
    update = next(u for u in publishing.updates_of(session, incident.id) if u.id == update_id)
    found = update_json(snapshot.public_update(update), incident.id)
    found["deliver_notifications"] = update.deliver_notifications
    return found


def subscriber_answer(
    subscriber: StatusSubscriber, chosen: Sequence[str], every: Sequence[str]
) -> dict[str, Any]:
    """A subscriber as Statuspage gives it; one of every component lists them all."""
    return {
        "id": subscriber.id,
        "mode": subscriber.kind,
        "email": subscriber.address if subscriber.kind == EMAIL else None,
        "endpoint": subscriber.address if subscriber.kind == WEBHOOK else None,
        "phone_number": None,
        "phone_country": None,
        "display_phone_number": None,
        "created_at": when(subscriber.created_at),
        "quarantined_at": None,
        "purge_at": None,
        "components": sorted(every if subscriber.all_components else chosen),
    }


def subscribers_answer(
    subscribers: Sequence[StatusSubscriber],
    chosen: Mapping[str, Sequence[str]],
    every: Sequence[str],
) -> list[dict[str, Any]]:
    """Subscribers as Statuspage lists them."""
    return [subscriber_answer(s, chosen.get(s.id, ()), every) for s in subscribers]
