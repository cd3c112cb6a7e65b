"""Who fills an incident's roles at an instant, from the rotas (overrides and cover included):

- the incident lead is the engineer on support (whoever the support rota has on call), else
  whoever declared the incident;
- the comms lead is whoever the comms rota has on call; outside its hours (or with nobody on
  it), whoever the escalation rota has;
- the escalation contact is whoever the escalation rota has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from dutydesk.external_rotas.service import is_contact
from dutydesk.incidents.models import COMMS, ESCALATION, LEAD
from dutydesk.incidents.policy import IncidentPolicy
from dutydesk.oncall.service import who


@dataclass(frozen=True)
class RoleFill:
    """A role, the person the rotas give it (None: nobody), and why them."""

    role: str
    person_id: str | None
    reason: str


def fill_roles(
    session: Session, policy: IncidentPolicy, at: datetime, declarer: str | None
) -> list[RoleFill]:
    """The roles of an incident declared at `at` by the person `declarer` (None: not a person
    of the team, such as the API or a monitoring alert)."""
    on_call = _on_call(session, policy, at)
    engineer = on_call.get(policy.engineer_rota)
    if engineer is not None:
        lead = RoleFill(LEAD, engineer, f"engineer on support ({policy.engineer_rota} rota)")
    elif declarer is not None:
        lead = RoleFill(LEAD, declarer, "declared it (nobody is on support)")
    else:
        lead = RoleFill(LEAD, None, "nobody is on support: assign a lead")
    escalation_rota = policy.spec.escalation_rota
    escalation = on_call.get(escalation_rota)
    comms_rota = policy.spec.comms_rota
    comms = on_call.get(comms_rota)
    if comms is not None:
        comms_fill = RoleFill(COMMS, comms, f"comms rota ({comms_rota})")
    elif escalation is not None:
        why = "outside its hours" if comms_rota else "none is set"
        comms_fill = RoleFill(
            COMMS, escalation, f"escalation rota ({escalation_rota}): comms rota {why}"
        )
    else:
        comms_fill = RoleFill(COMMS, None, "nobody is on the comms or escalation rota")
    escalation_fill = RoleFill(
        ESCALATION,
        escalation,
        f"escalation rota ({escalation_rota})"
        if escalation
        else "nobody is on the escalation rota",
    )
    return [lead, comms_fill, escalation_fill]


def _on_call(session: Session, policy: IncidentPolicy, at: datetime) -> dict[str | None, str]:
    """Who is on call at `at` on each rota that fills a role, by rota id."""
    rotas = [
        rota
        for rota in (policy.engineer_rota, policy.spec.comms_rota, policy.spec.escalation_rota)
        if rota is not None
    ]
    if not rotas:
        return {}
    answers = who(session, list(dict.fromkeys(rotas)), at)
    # An external rota's feed may name someone who is not in the team (a contact): a role is
    # held by one of the team's people, so such a rota counts as having nobody for roles.
    return {
        answer.rota_id: answer.now.person
        for answer in answers
        if answer.now.person and not is_contact(answer.now.person)
    }
