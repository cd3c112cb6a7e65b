"""Statuspage's management REST API v1, the subset Dutydesk serves (docs/statuspage-api.md): the
page, components, incidents and maintenance with their updates, and subscribers, with
Statuspage's paths, field names, envelopes and values, so that its clients need only a new
base URL. A key from `dutydesk statuspage key create` authenticates (`Authorization: OAuth
<key>`, or `Bearer <key>`) and acts as its user, a responder or an admin."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import Response
from fastapi.security import APIKeyHeader
from sqlalchemy.orm import Session
from starlette.convertors import Convertor, register_url_convertor

from dutydesk.auth.models import User
from dutydesk.auth.service import require_role
from dutydesk.db import unit_of_work
from dutydesk.deps import ReadSessionDep, RuntimeDep, SessionDep
from dutydesk.errors import Invalid, NotFound, Unauthorized
from dutydesk.runtime import Runtime
from dutydesk.statuspage import components, fanout, keys, maintenance, publishing, subscribers
from dutydesk.statuspage.models import (
    CLOSED_STATUSES,
    IN_PROGRESS,
    INCIDENT,
    INCIDENT_STATUSES,
    MAINTENANCE_KIND,
    SCHEDULED,
    VERIFYING,
    WEBHOOK,
)
from dutydesk.statuspage.page import check_page, page_info
from dutydesk.statuspage.schemas_v1 import (
    ComponentEnvelope,
    IncidentEnvelope,
    IncidentUpdateEnvelope,
    SubscriberEnvelope,
    component_answer,
    incident_answer,
    page_answer,
    page_of,
    subscriber_answer,
    subscribers_answer,
    update_answer,
)
from dutydesk.statuspage.site import Site
from dutydesk.team.service import team_zone
from dutydesk.timeparse import parse_time

# A body without a Content-Type is read as JSON, as Statuspage reads it (Go's Statuspage SDK,
# which the Terraform provider uses, sends none). FastAPI refuses that by default against
# cross-site forms, but those cannot send the Authorization header every route here needs.
router = APIRouter(prefix="/v1", tags=["statuspage v1"], strict_content_type=False)
Json = dict[str, Any]

_key_header = APIKeyHeader(
    name="Authorization",
    auto_error=False,
    scheme_name="StatuspageKey",
    description="`OAuth <key>` (or `Bearer <key>`), a key from `dutydesk statuspage key create`.",
)


def get_key_user(
    runtime: RuntimeDep, authorization: Annotated[str | None, Depends(_key_header)]
) -> User:
    """The user a request's key acts as, who must be a responder or an admin."""
    scheme, _, key = (authorization or "").strip().partition(" ")
    if scheme.lower() not in ("oauth", "bearer") or not key.strip():
        raise Unauthorized("send a status page API key: Authorization: OAuth <key>")
    with unit_of_work(runtime.sessions) as session:
        user = keys.authenticate_key(session, key.strip(), runtime.clock.now())
        session.commit()
    require_role(user, keys.KEY_ROLE)
    return user


class _IncidentIdConvertor(Convertor[str]):
    """An incident's id as made (components.new_id): 12 lower-case letters and digits. Said in
    the path, so that `/incidents/upcoming` and the other lists are never taken for an id: a
    PATCH or DELETE there is not this route's, and the Allow header lists only GET."""

    regex = "[0-9a-z]{12}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return value


register_url_convertor("status_incident_id", _IncidentIdConvertor())
INCIDENT_PATH = "/pages/{page_id}/incidents/{incident_id:status_incident_id}"

KeyUser = Annotated[User, Depends(get_key_user)]
PageId = Annotated[str, Path(max_length=64)]
ItemId = Annotated[str, Path(max_length=64)]
PageNumber = Annotated[int, Query(ge=1, le=1000, description="From 1.")]
PerPage = Annotated[int, Query(ge=1, le=100, description="At most 100.")]
Search = Annotated[str | None, Query(max_length=200, description="Text of the name or status.")]


def _window(number: int, per_page: int) -> slice:
    return slice((number - 1) * per_page, number * per_page)


@router.get("/pages")
def list_pages(_user: KeyUser, session: ReadSessionDep, runtime: RuntimeDep) -> list[Json]:
    """The one status page (none before a team is set up)."""
    try:
        info = page_info(session)
    except NotFound:
        return []
    site = Site.of(runtime)
    page = page_of(session, runtime.clock.now())
    return [page_answer(page, info, site.public_url, runtime.settings.status_host)]


@router.get("/pages/{page_id}")
def get_page(page_id: PageId, _user: KeyUser, session: ReadSessionDep, runtime: RuntimeDep) -> Json:
    """The status page."""
    info = check_page(session, page_id)
    page = page_of(session, runtime.clock.now())
    return page_answer(page, info, Site.of(runtime).public_url, runtime.settings.status_host)


@router.get("/pages/{page_id}/components")
def list_components(
    page_id: PageId,
    _user: KeyUser,
    session: ReadSessionDep,
    runtime: RuntimeDep,
    page: PageNumber = 1,
    per_page: PerPage = 100,
) -> list[Json]:
    """Components and groups, in page order."""
    check_page(session, page_id)
    shown = page_of(session, runtime.clock.now())
    return [component_answer(shown, c.id) for c in shown.components[_window(page, per_page)]]


@router.post("/pages/{page_id}/components", status_code=201)
def create_component(
    page_id: PageId,
    body: ComponentEnvelope,
    _user: KeyUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Json:
    """A new component, operational unless a status is given."""
    check_page(session, page_id)
    now = runtime.clock.now()
    component = components.create_component(session, body.component.fields(), now=now)
    session.commit()
    return component_answer(page_of(session, now), component.id)


@router.get("/pages/{page_id}/components/{component_id}")
def get_component(
    page_id: PageId,
    component_id: ItemId,
    _user: KeyUser,
    session: ReadSessionDep,
    runtime: RuntimeDep,
) -> Json:
    """One component."""
    check_page(session, page_id)
    return component_answer(page_of(session, runtime.clock.now()), component_id)


@router.patch("/pages/{page_id}/components/{component_id}")
def change_component(
    page_id: PageId,
    component_id: ItemId,
    body: ComponentEnvelope,
    _user: KeyUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Json:
    """Change what is given: name, description, status, group (null: none), showcase…"""
    check_page(session, page_id)
    now = runtime.clock.now()
    component = components.get_component(session, component_id, lock=True)
    components.change_component(session, component, body.component.fields(), now=now)
    session.commit()
    return component_answer(page_of(session, now), component_id)


@router.delete("/pages/{page_id}/components/{component_id}", status_code=204)
def delete_component(
    page_id: PageId,
    component_id: ItemId,
    _user: KeyUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Response:
    """Remove a component (a group's components stay, out of the group)."""
    check_page(session, page_id)
    component = components.get_component(session, component_id, lock=True)
    components.delete_component(session, component, now=runtime.clock.now())
    session.commit()
    return Response(status_code=204)


def _list_incidents(
    session: Session,
    runtime: Runtime,
    *,
    kind: str | None,
    statuses: Sequence[str],
    page: int,
    per_page: int,
    query: str | None = None,
) -> list[Json]:
    """A page of incidents, the newest first; `query` keeps those whose name or status has
    it in (as Statuspage's `q`), of the newest thousand."""
    wanted = query.strip().lower() if query else ""
    limit = 1000 if wanted else page * per_page
    found = publishing.list_status_incidents(session, kind=kind, statuses=statuses, limit=limit)
    if wanted:
        found = [i for i in found if wanted in i.name.lower() or wanted in i.status]
    shown = page_of(session, runtime.clock.now())
    public_url = Site.of(runtime).public_url
    return [incident_answer(session, i, shown, public_url) for i in found[_window(page, per_page)]]


@router.get("/pages/{page_id}/incidents")
def list_incidents(
    page_id: PageId,
    _user: KeyUser,
    session: ReadSessionDep,
    runtime: RuntimeDep,
    q: Search = None,
    page: PageNumber = 1,
    per_page: PerPage = 100,
) -> list[Json]:
    """Incidents and maintenance, the newest first."""
    check_page(session, page_id)
    return _list_incidents(
        session, runtime, kind=None, statuses=(), page=page, per_page=per_page, query=q
    )


_LISTS = {
    "unresolved": (INCIDENT, tuple(s for s in INCIDENT_STATUSES if s not in CLOSED_STATUSES)),
    "upcoming": (MAINTENANCE_KIND, (SCHEDULED,)),
    "scheduled": (MAINTENANCE_KIND, ()),
    "active_maintenance": (MAINTENANCE_KIND, (IN_PROGRESS, VERIFYING)),
}


def _list_route(name: str, doc: str) -> None:
    kind, statuses = _LISTS[name]

    def listed(
        page_id: PageId,
        _user: KeyUser,
        session: ReadSessionDep,
        runtime: RuntimeDep,
        page: PageNumber = 1,
        per_page: PerPage = 100,
    ) -> list[Json]:
        check_page(session, page_id)
        return _list_incidents(
            session, runtime, kind=kind, statuses=statuses, page=page, per_page=per_page
        )

    listed.__doc__ = doc
    router.add_api_route(
        f"/pages/{{page_id}}/incidents/{name}", listed, methods=["GET"], name=f"list_{name}"
    )


# Their names are no incident ids (INCIDENT_PATH takes only ids as made).
_list_route("unresolved", "Incidents not yet resolved, the newest first.")
_list_route("upcoming", "Maintenance scheduled and not yet started.")
_list_route("scheduled", "Every maintenance window, the newest first.")
_list_route("active_maintenance", "Maintenance in progress or being verified.")


@router.post("/pages/{page_id}/incidents", status_code=201)
def create_incident(
    page_id: PageId,
    body: IncidentEnvelope,
    user: KeyUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Json:
    """A new incident with its first update; with scheduled_for and scheduled_until, a
    maintenance window."""
    check_page(session, page_id)
    given = body.incident
    now, site = runtime.clock.now(), Site.of(runtime)
    current = _current_states(session, given.named_components())
    if given.is_maintenance():
        window = given.window(team_zone(session), now)
        created = maintenance.schedule(session, window, actor=user.username, now=now, site=site)
    else:
        created = publishing.create_incident(
            session,
            name=given.name or "",
            draft=given.first_update(current),
            actor=user.username,
            now=now,
            site=site,
            impact_override=given.impact_override,
        )
    session.commit()
    return incident_answer(session, created, page_of(session, now), site.public_url)


@router.get(INCIDENT_PATH)
def get_incident(
    page_id: PageId,
    incident_id: ItemId,
    _user: KeyUser,
    session: ReadSessionDep,
    runtime: RuntimeDep,
) -> Json:
    """One incident or maintenance, with its updates, the newest first."""
    check_page(session, page_id)
    incident = publishing.get_status_incident(session, incident_id)
    page = page_of(session, runtime.clock.now())
    return incident_answer(session, incident, page, Site.of(runtime).public_url)


@router.patch(INCIDENT_PATH)
def change_incident(
    page_id: PageId,
    incident_id: ItemId,
    body: IncidentEnvelope,
    user: KeyUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Json:
    """A new status or body publishes an update; components' states change with it (or alone);
    name, impact_override and component_ids change the incident without an update."""
    check_page(session, page_id)
    given = body.incident
    now, site = runtime.clock.now(), Site.of(runtime)
    incident = publishing.get_status_incident(session, incident_id, lock=True)
    _current_states(session, given.named_components())
    given.check_window(incident, team_zone(session), now)
    impact = given.impact_change()
    if given.name is not None or impact is not None or given.component_ids is not None:
        publishing.change_incident(
            session,
            incident,
            name=given.name,
            impact_override=impact,
            component_ids=given.component_ids,
            now=now,
        )
    draft = given.update_to_publish(incident, publishing.components_of(session, incident.id))
    if draft is not None:
        publishing.publish_update(session, incident, draft, actor=user.username, now=now, site=site)
    elif given.components:
        for component_id, state in given.components.items():
            component = components.get_component(session, component_id, lock=True)
            components.set_state(session, component, state, now=now)
        concerned = [*publishing.components_of(session, incident.id), *given.components]
        publishing.change_incident(session, incident, component_ids=concerned, now=now)
    session.commit()
    return incident_answer(session, incident, page_of(session, now), site.public_url)


@router.delete(INCIDENT_PATH)
def delete_incident(
    page_id: PageId,
    incident_id: ItemId,
    user: KeyUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Json:
    """Take an incident or maintenance off the page; answers with it as it was."""
    check_page(session, page_id)
    now = runtime.clock.now()
    incident = publishing.get_status_incident(session, incident_id, lock=True)
    answer = incident_answer(session, incident, page_of(session, now), Site.of(runtime).public_url)
    publishing.delete_incident(session, incident, actor=user.username, now=now)
    session.commit()
    return answer


def _edit_update(
    page_id: str,
    incident_id: str,
    update_id: str,
    body: IncidentUpdateEnvelope,
    session: Session,
    runtime: Runtime,
) -> Json:
    check_page(session, page_id)
    now = runtime.clock.now()
    given = body.incident_update
    incident = publishing.get_status_incident(session, incident_id, lock=True)
    display_at = None
    if given.display_at is not None:
        display_at = parse_time(given.display_at, team_zone(session), now, field="display_at")
    publishing.edit_update(
        session,
        incident,
        update_id,
        body=given.body,
        display_at=display_at,
        deliver_notifications=given.deliver_notifications,
        now=now,
    )
    session.commit()
    return update_answer(session, incident, update_id)


@router.patch(INCIDENT_PATH + "/incident_updates/{update_id}")
# atlassian-python-api sends update corrections to this spelling.
@router.patch(INCIDENT_PATH + "/incidents_update/{update_id}", include_in_schema=False)
def edit_update(
    page_id: PageId,
    incident_id: ItemId,
    update_id: ItemId,
    body: IncidentUpdateEnvelope,
    _user: KeyUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Json:
    """Correct a published update's body or shown time (nobody is told again)."""
    return _edit_update(page_id, incident_id, update_id, body, session, runtime)


@router.get("/pages/{page_id}/subscribers")
def list_subscribers(
    page_id: PageId,
    _user: KeyUser,
    session: ReadSessionDep,
    page: PageNumber = 1,
    per_page: PerPage = 100,
) -> list[Json]:
    """Subscribers, the oldest first."""
    check_page(session, page_id)
    found = subscribers.list_subscribers(session, limit=per_page, offset=(page - 1) * per_page)
    chosen = subscribers.components_chosen(session, [s.id for s in found])
    return subscribers_answer(found, chosen, _every_component(session))


@router.post("/pages/{page_id}/subscribers", status_code=201)
def create_subscriber(
    page_id: PageId,
    body: SubscriberEnvelope,
    _user: KeyUser,
    session: SessionDep,
    runtime: RuntimeDep,
) -> Json:
    """Subscribe an e-mail address (sent a confirmation link unless
    skip_confirmation_notification) or a webhook endpoint (its signing secret is in this
    answer, and only in this one)."""
    check_page(session, page_id)
    given = body.subscriber
    kind, address = given.channel()
    _current_states(session, given.component_ids)
    subscriber = subscribers.subscribe(
        session,
        kind=kind,
        address=address,
        component_ids=given.component_ids,
        now=runtime.clock.now(),
        site=Site.of(runtime),
        confirmed=given.skip_confirmation_notification,
    )
    session.commit()
    chosen = subscribers.components_chosen(session, [subscriber.id]).get(subscriber.id, [])
    answer = subscriber_answer(subscriber, chosen, _every_component(session))
    if kind == WEBHOOK:
        answer["signing_secret"] = fanout.subscriber_secret(
            runtime.secret_key(), subscriber.id, subscriber.address
        )
    return answer


@router.get("/pages/{page_id}/subscribers/{subscriber_id}")
def get_subscriber(
    page_id: PageId, subscriber_id: ItemId, _user: KeyUser, session: ReadSessionDep
) -> Json:
    """One subscriber."""
    check_page(session, page_id)
    subscriber = subscribers.get_subscriber(session, subscriber_id)
    chosen = subscribers.components_chosen(session, [subscriber.id]).get(subscriber.id, [])
    return subscriber_answer(subscriber, chosen, _every_component(session))


@router.delete("/pages/{page_id}/subscribers/{subscriber_id}")
def delete_subscriber(
    page_id: PageId, subscriber_id: ItemId, _user: KeyUser, session: SessionDep
) -> Json:
    """End a subscription; answers with the subscriber as it was."""
    check_page(session, page_id)
    subscriber = subscribers.get_subscriber(session, subscriber_id)
    chosen = subscribers.components_chosen(session, [subscriber.id]).get(subscriber.id, [])
    answer = subscriber_answer(subscriber, chosen, _every_component(session))
    subscribers.remove(session, subscriber)
    session.commit()
    return answer


def _every_component(session: Session) -> list[str]:
    return [c.id for c in components.list_components(session) if not c.is_group]


def _current_states(session: Session, component_ids: Sequence[str]) -> dict[str, str]:
    """The state of each component a body names; an unknown one is bad input (422), not a
    missing page (404)."""
    try:
        return {c: components.get_component(session, c).status for c in component_ids}
    except NotFound as missing:
        raise Invalid(f"components: {missing.message}") from None
