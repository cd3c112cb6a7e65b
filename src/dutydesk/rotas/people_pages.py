"""The people page: everyone on the team, their contact methods, rotas and accounts.

It is a page of rotas' because it shows who is on which rota, and people know nothing of rotas;
changing a person's contact methods is people's own (people/pages.py).
"""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from dutydesk.auth.service import list_users
from dutydesk.db import unit_of_work
from dutydesk.people.contacts import may_edit_contacts
from dutydesk.people.service import list_people
from dutydesk.rotas.service import rotas_of_people
from dutydesk.web.page import SignedInPage

router = APIRouter(include_in_schema=False)


@router.get("/people", response_class=HTMLResponse)
def people(page: SignedInPage) -> HTMLResponse:
    """Everyone on the team: contact methods, rotas and whether they have an account."""
    with unit_of_work(page.runtime.read_sessions) as session:
        everyone = list_people(session)
        rotas = rotas_of_people(session)
        accounts: dict[str, list[str]] = {}
        for user in list_users(session):
            if user.person_id is not None:
                accounts.setdefault(user.person_id, []).append(user.username)
    assert page.user is not None
    user = page.user
    return page.render(
        "people/list.html",
        {
            "active": "people",
            "people": everyone,
            "rotas": rotas,
            "accounts": accounts,
            "editable": {p.id for p in everyone if may_edit_contacts(user, p.id)},
        },
    )
