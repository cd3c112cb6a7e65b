"""The actions of an external rota's page (the page itself is the rota's calendar): confirm a
suspect reading, and ask for a refresh now. Admins only: both change what escalation reads."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import Response
from sqlalchemy import update

from dutydesk.db import unit_of_work
from dutydesk.errors import DutydeskError, NotFound
from dutydesk.external_rotas.models import ExternalRota
from dutydesk.external_rotas.refresh import confirm_suspect, team_facts
from dutydesk.team.service import get_team
from dutydesk.web.page import AdminPage, PostedForm, web_actor

router = APIRouter(include_in_schema=False)


@router.post("/rotas/{rota_id}/external/confirm")
def confirm(rota_id: str, page: AdminPage, _form: PostedForm) -> Response:
    """Take the feed's new copy that put nobody on call next week, as it is."""
    try:
        with unit_of_work(page.runtime.sessions) as session:
            team = team_facts(session, get_team(session))
            confirm_suspect(session, rota_id, team, web_actor(page), page.now)
            session.commit()
    except NotFound:
        raise
    except DutydeskError as error:
        return page.redirect(f"/rotas/{rota_id}", flash=error.message)
    return page.redirect(f"/rotas/{rota_id}", flash="The feed's new copy is in use.")


@router.post("/rotas/{rota_id}/external/refresh")
def refresh_now(rota_id: str, page: AdminPage, _form: PostedForm) -> Response:
    """Fetch the feed at the worker's next pass, whenever it was next due."""
    with unit_of_work(page.runtime.sessions) as session:
        changed = session.execute(
            update(ExternalRota)
            .where(ExternalRota.rota_id == rota_id)
            .values(next_fetch_at=page.now)
        ).rowcount  # type: ignore[attr-defined]
        if not changed:
            raise NotFound(f"{rota_id!r} is not an external rota")
        session.commit()
    page.runtime.wake_worker()
    return page.redirect(
        f"/rotas/{rota_id}", flash="The feed will be fetched at the worker's next pass."
    )
