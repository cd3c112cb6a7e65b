"""Imports every table so that metadata (and Alembic) sees the whole schema."""

import dutydesk.alerts.models
import dutydesk.announcements.models
import dutydesk.audit.models
import dutydesk.builds.models
import dutydesk.escalation.models
import dutydesk.handover.models
import dutydesk.heartbeats.models
import dutydesk.incidents.models
import dutydesk.notify.models
import dutydesk.portal.models
import dutydesk.statuspage.models
import dutydesk.swaps.models
import dutydesk.tasks.models
import dutydesk.tenants.models
import dutydesk.tickets.models
from dutydesk.auth.models import ApiToken, User
from dutydesk.db import Base
from dutydesk.external_rotas.models import ExternalContact, ExternalRota, ExternalShift
from dutydesk.overrides.models import Override
from dutydesk.people.models import Person
from dutydesk.rotas.models import LayerMember, Rota, RotaLayer
from dutydesk.team.models import InstanceValue, Team

# Packages whose tables are imported as modules: every table in them is registered.
_TABLE_MODULES = (
    dutydesk.alerts.models,
    dutydesk.announcements.models,
    dutydesk.audit.models,
    dutydesk.builds.models,
    dutydesk.escalation.models,
    dutydesk.handover.models,
    dutydesk.heartbeats.models,
    dutydesk.incidents.models,
    dutydesk.notify.models,
    dutydesk.portal.models,
    dutydesk.statuspage.models,
    dutydesk.swaps.models,
    dutydesk.tasks.models,
    dutydesk.tenants.models,
    dutydesk.tickets.models,
)

__all__ = [
    "ApiToken",
    "Base",
    "ExternalContact",
    "ExternalRota",
    "ExternalShift",
    "InstanceValue",
    "LayerMember",
    "Override",
    "Person",
    "Rota",
    "RotaLayer",
    "Team",
    "User",
]
