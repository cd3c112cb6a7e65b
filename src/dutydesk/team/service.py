"""Team as code: compare a team file with the database, apply the difference, export it back."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from dutydesk.alerts.models import Service
from dutydesk.audit.service import record
from dutydesk.errors import Conflict, NotFound
from dutydesk.escalation.models import EscalationPolicy
from dutydesk.overrides.models import Override
from dutydesk.people.models import Person
from dutydesk.rotas.models import LayerMember, Rota, RotaLayer
from dutydesk.team.alerting import (
    POLICY_FIELDS,
    apply_policies,
    apply_services,
    leave_out_policy_defaults,
    refuse_removing_services_in_use,
)
from dutydesk.team.models import Team
from dutydesk.team.spec import (
    AnnounceSpec,
    LayerSpec,
    NotifyRuleSpec,
    PersonSpec,
    PolicySpec,
    RotaSpec,
    ServiceSpec,
    TeamSpec,
)
from dutydesk.timeparse import parse_zone

_TEAM_ROW = 1


@dataclass
class Change:
    """One line of a plan: what happens to which thing, and which fields change."""

    action: str  # "create", "update" or "remove"
    kind: str  # "team", "person", "rota", "policy" or "service"
    id: str
    fields: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.action} {self.kind} {self.id}{detail}"


def find_team(session: Session) -> Team | None:
    """The team, or None before the first apply."""
    return session.get(Team, _TEAM_ROW)


def get_team(session: Session) -> Team:
    """The team; NotFound before the first apply."""
    team = find_team(session)
    if team is None:
        raise NotFound("no team is set up yet: run `dutydesk apply TEAM.yaml` first")
    return team


def team_zone(session: Session) -> ZoneInfo:
    """The team's time zone; NotFound before the first apply."""
    return parse_zone(get_team(session).timezone)


def plan(session: Session, spec: TeamSpec) -> list[Change]:
    """What applying `spec` would change, in order; empty when the database already matches."""
    current = export_spec(session)
    changes: list[Change] = []
    if current is None:
        changes.append(Change("create", "team", spec.team))
    else:
        if current.team != spec.team:
            raise Conflict(
                f"this instance serves team {current.team!r}; the file declares {spec.team!r}"
            )
        team_fields = _changed_fields(
            current, spec, ("timezone", "holidays", "extra_holidays", "announce")
        )
        if team_fields:
            changes.append(Change("update", "team", spec.team, team_fields))
    people = _diff_list(
        "person",
        current.people if current else [],
        spec.people,
        ("name", "email", "slack", "phone", "notify"),
    )
    rotas = _diff_list(
        "rota",
        current.rotas if current else [],
        spec.rotas,
        ("name", "hours", "skip_holidays", "layers", "announce"),
    )
    policies = _diff_list(
        "policy",
        current.escalation_policies if current else [],
        spec.escalation_policies,
        POLICY_FIELDS,
    )
    services = _diff_list(
        "service",
        current.services if current else [],
        spec.services,
        ("name", "description", "escalation_policy", "group_window"),
    )
    # Creations and updates first (people before the rotas and policies that name them, and
    # policies before the services that name them), removals last in the opposite order.
    changes += [c for c in people + rotas + policies + services if c.action != "remove"]
    changes += [c for c in services + policies + rotas + people if c.action == "remove"]
    return changes


def apply(session: Session, spec: TeamSpec, now: datetime, *, actor: str) -> list[Change]:
    """Make the database match `spec`; returns the changes made (none on a second apply).

    Each change is recorded in the audit log as done by `actor`.
    """
    changes = plan(session, spec)
    if not changes:
        return changes
    removed_people = {c.id for c in changes if c.kind == "person" and c.action == "remove"}
    removed_rotas = {c.id for c in changes if c.kind == "rota" and c.action == "remove"}
    _refuse_removing_what_overrides_still_need(session, removed_people, removed_rotas, now)
    removed_services = {c.id for c in changes if c.kind == "service" and c.action == "remove"}
    refuse_removing_services_in_use(session, removed_services)

    team = find_team(session) or Team(id=_TEAM_ROW, slug=spec.team)
    team.timezone = spec.timezone
    team.holidays = spec.holidays
    team.extra_holidays = [day.isoformat() for day in spec.extra_holidays]
    team.announce = _announce_row(spec.announce)
    team.revision = secrets.token_hex(16)
    session.add(team)

    people = {p.id: p for p in session.scalars(select(Person))}
    for position, person_spec in enumerate(spec.people):
        person = people.get(person_spec.id) or Person(
            id=person_spec.id, feed_salt=secrets.token_hex(16)
        )
        person.name = person_spec.name
        person.email = person_spec.email
        person.slack = person_spec.slack
        person.phone = person_spec.phone
        person.notify = [rule.model_dump() for rule in person_spec.notify]
        person.position = position
        session.add(person)
    session.flush()

    rotas = {r.id: r for r in session.scalars(select(Rota))}
    changed_rotas = {c.id for c in changes if c.kind == "rota"}
    for position, rota_spec in enumerate(spec.rotas):
        if rota_spec.id not in changed_rotas:
            continue
        rota = rotas.get(rota_spec.id) or Rota(id=rota_spec.id, feed_salt=secrets.token_hex(16))
        rota.name = rota_spec.name
        rota.hours = list(rota_spec.hours)
        rota.skip_holidays = rota_spec.skip_holidays
        rota.announce = _announce_row(rota_spec.announce)
        rota.position = position
        rota.layers = [_layer_row(i, layer) for i, layer in enumerate(rota_spec.layers)]
        session.add(rota)
    for rota_id in rotas.keys() - {r.id for r in spec.rotas}:
        session.delete(rotas[rota_id])
    session.flush()

    apply_policies(session, spec.escalation_policies, [c.id for c in changes if c.kind == "policy"])
    apply_services(session, spec.services, [c.id for c in changes if c.kind == "service"])

    if removed_people:
        # Past overrides of someone who has left go with them; future ones were refused above.
        session.execute(delete(Override).where(Override.person_id.in_(removed_people)))
        for person_id in removed_people:
            session.delete(people[person_id])
    for change in changes:
        _record_change(session, change, actor, now)
    session.flush()
    return changes


def _record_change(session: Session, change: Change, actor: str, now: datetime) -> None:
    """One audit entry per line of the plan, e.g. action "rota.update", "update rota x (hours)"."""
    record(
        session,
        actor=actor,
        action=f"{change.kind}.{change.action}",
        rota_id=change.id if change.kind == "rota" else None,
        person_ids=[change.id] if change.kind == "person" else [],
        summary=str(change),
        details={"kind": change.kind, "id": change.id, "fields": change.fields},
        now=now,
    )


def export_spec(session: Session) -> TeamSpec | None:
    """The team in the database as a TeamSpec (None before the first apply)."""
    team = find_team(session)
    if team is None:
        return None
    people = session.scalars(select(Person).order_by(Person.position, Person.id)).all()
    rotas = session.scalars(select(Rota).order_by(Rota.position, Rota.id)).all()
    services = session.scalars(select(Service).order_by(Service.position, Service.id)).all()
    policies = session.scalars(
        select(EscalationPolicy).order_by(EscalationPolicy.position, EscalationPolicy.id)
    ).all()
    return TeamSpec(
        team=team.slug,
        timezone=team.timezone,
        holidays=team.holidays,
        extra_holidays=[date.fromisoformat(day) for day in team.extra_holidays],
        announce=_announce_spec(team.announce),
        people=[
            PersonSpec(
                id=p.id,
                name=p.name,
                email=p.email,
                slack=p.slack,
                phone=p.phone,
                notify=[NotifyRuleSpec.model_validate(rule) for rule in p.notify],
            )
            for p in people
        ],
        rotas=[rota_spec(rota) for rota in rotas],
        services=[
            ServiceSpec(
                id=s.id,
                name=s.name,
                description=s.description,
                escalation_policy=s.escalation_policy_id,
                group_window=s.group_window,
            )
            for s in services
        ],
        escalation_policies=[PolicySpec.model_validate(p.definition) for p in policies],
    )


def export_document(spec: TeamSpec) -> dict[str, Any]:
    """The plain data of a team file, leaving out empty optional fields."""
    # Python mode keeps dates as dates, so YAML writes them unquoted like people do.
    document = spec.model_dump(mode="python", exclude_none=True)
    if not document["extra_holidays"]:
        del document["extra_holidays"]
    for rota in document["rotas"]:
        _leave_out_empty_rota_fields(rota)
    for person in document["people"]:
        if not person["notify"]:
            del person["notify"]
    for service in document["services"]:
        if service["group_window"] == ServiceSpec.model_fields["group_window"].default:
            del service["group_window"]
    for policy in document["escalation_policies"]:
        leave_out_policy_defaults(policy)
    for key in ("services", "escalation_policies"):
        if not document[key]:
            del document[key]
    return document


def export_rota_document(rota: Rota) -> dict[str, Any]:
    """One rota as `dutydesk export` writes it in the team file's `rotas` list."""
    document = rota_spec(rota).model_dump(mode="python", exclude_none=True)
    _leave_out_empty_rota_fields(document)
    return document


def _leave_out_empty_rota_fields(rota: dict[str, Any]) -> None:
    for key in ("hours",):
        if not rota[key]:
            del rota[key]
    if not rota["skip_holidays"]:
        del rota["skip_holidays"]
    for layer in rota["layers"]:
        if not layer["hours"]:
            del layer["hours"]


def rota_spec(rota: Rota) -> RotaSpec:
    """A stored rota as it would be written in the team file."""
    return RotaSpec(
        id=rota.id,
        name=rota.name,
        hours=list(rota.hours),
        skip_holidays=rota.skip_holidays,
        announce=_announce_spec(rota.announce),
        layers=[
            LayerSpec(
                members=[m.person_id for m in layer.members],
                shift=layer.shift,
                handoff=layer.handoff,
                start=layer.start,
                end=layer.end,
                hours=list(layer.hours),
            )
            for layer in rota.layers
        ],
    )


def _announce_row(spec: AnnounceSpec | None) -> dict[str, Any] | None:
    return None if spec is None else spec.model_dump(exclude_none=True)


def _announce_spec(row: dict[str, Any] | None) -> AnnounceSpec | None:
    return None if row is None else AnnounceSpec.model_validate(row)


def _layer_row(position: int, layer: LayerSpec) -> RotaLayer:
    return RotaLayer(
        position=position,
        shift=layer.shift,
        handoff=layer.handoff,
        start=layer.start,
        end=layer.end,
        hours=list(layer.hours),
        members=[LayerMember(position=i, person_id=m) for i, m in enumerate(layer.members)],
    )


def _diff_list(
    kind: str, old_items: Sequence[Any], new_items: Sequence[Any], names: tuple[str, ...]
) -> list[Change]:
    """Compare two lists of things with ids: creations, updates (with fields), removals."""
    old_by_id = {item.id: (index, item) for index, item in enumerate(old_items)}
    changes: list[Change] = []
    for index, item in enumerate(new_items):
        if item.id not in old_by_id:
            changes.append(Change("create", kind, item.id))
            continue
        old_index, old = old_by_id[item.id]
        fields = _changed_fields(old, item, names)
        if old_index != index:
            fields.append("order")
        if fields:
            changes.append(Change("update", kind, item.id, fields))
    new_ids = {item.id for item in new_items}
    changes += [Change("remove", kind, item_id) for item_id in old_by_id if item_id not in new_ids]
    return changes


def _changed_fields(old: Any, new: Any, names: tuple[str, ...]) -> list[str]:
    return [name for name in names if getattr(old, name) != getattr(new, name)]


def _refuse_removing_what_overrides_still_need(
    session: Session, person_ids: set[str], rota_ids: set[str], now: datetime
) -> None:
    """Removing a person or rota must not silently drop an override that is still to come."""
    for column, ids, kind in (
        (Override.person_id, person_ids, "person"),
        (Override.rota_id, rota_ids, "rota"),
    ):
        if not ids:
            continue
        upcoming = session.execute(
            select(column, func.count())
            .where(column.in_(ids), Override.end_at > now)
            .group_by(column)
            .order_by(column)
        ).first()
        if upcoming is not None:
            subject, count = upcoming
            raise Conflict(
                f"cannot remove {kind} {subject}: {count} override(s) for it are still to come;"
                " remove those first (dutydesk override list ROTA, dutydesk override remove)"
            )
