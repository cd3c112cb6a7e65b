"""JSON routes for people."""

from __future__ import annotations

from fastapi import APIRouter

from dutydesk.deps import CurrentUser, ReadSessionDep
from dutydesk.people import service
from dutydesk.people.schemas import PersonRead

router = APIRouter(prefix="/api/v1", tags=["people"])


@router.get("/people", response_model=list[PersonRead])
def list_people(_user: CurrentUser, session: ReadSessionDep) -> list[PersonRead]:
    """Everyone on the team."""
    return [PersonRead.model_validate(p) for p in service.list_people(session)]


@router.get("/people/{person}", response_model=PersonRead)
def get_person(person: str, _user: CurrentUser, session: ReadSessionDep) -> PersonRead:
    """One person."""
    return PersonRead.model_validate(service.get_person(session, person))
