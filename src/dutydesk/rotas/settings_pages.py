"""A rota's settings page for admins: its definition as the team file has it (read-only, since
the team is managed as code)."""

from __future__ import annotations

from datetime import date

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from dutydesk.db import unit_of_work
from dutydesk.people.service import person_names
from dutydesk.rotas.service import get_rota
from dutydesk.rotas.team_section import export_rota_document
from dutydesk.team.service import get_team
from dutydesk.team.teamfile import dump_team_yaml
from dutydesk.web.page import AdminPage

router = APIRouter(include_in_schema=False)


@router.get("/rotas/{rota_id}/settings", response_class=HTMLResponse)
def rota_settings(rota_id: str, page: AdminPage) -> HTMLResponse:
    """The rota's covered hours, holidays, layers and members, and its team-file YAML."""
    with unit_of_work(page.runtime.read_sessions) as session:
        rota = get_rota(session, rota_id)
        team = get_team(session)
        names = person_names(session)
        # The fragment of the team file under `rotas:`, as `dutydesk export` writes it.
        yaml_text = dump_team_yaml({"rotas": [export_rota_document(rota)]})
        context = {
            "active": "rotas",
            "rota": rota,
            "layers": list(rota.layers),
            "names": names,
            "yaml_text": yaml_text,
            "holidays": team.holidays,
            "extra_holidays": [date.fromisoformat(day) for day in team.extra_holidays],
        }
        return page.render("rotas/settings.html", context)
