"""Imports every table so that metadata (and Alembic) sees the whole schema."""

from dutydesk.auth.models import ApiToken, User
from dutydesk.db import Base
from dutydesk.overrides.models import Override
from dutydesk.people.models import Person
from dutydesk.rotas.models import LayerMember, Rota, RotaLayer
from dutydesk.team.models import InstanceValue, Team

__all__ = [
    "ApiToken",
    "Base",
    "InstanceValue",
    "LayerMember",
    "Override",
    "Person",
    "Rota",
    "RotaLayer",
    "Team",
    "User",
]
