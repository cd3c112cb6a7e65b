"""The home page: every domain's dashboard panel, in the order and place it asks for."""

from __future__ import annotations

from functools import cached_property

from fastapi import APIRouter
from fastapi.responses import HTMLResponse
from markupsafe import Markup
from sqlalchemy.orm import Session

from dutydesk.db import unit_of_work
from dutydesk.oncall.service import names_on_call
from dutydesk.rotas.service import list_rotas
from dutydesk.web.page import Page, SignedInPage
from dutydesk.web.panels import PanelView

router = APIRouter(include_in_schema=False)


class Dashboard:
    """What the panels are built from (web/panels.py Board): one read session, names once."""

    def __init__(self, page: Page, session: Session) -> None:
        self.page = page
        self.session = session

    @cached_property
    def person_names(self) -> dict[str, str]:
        return names_on_call(self.session)

    @cached_property
    def rota_names(self) -> dict[str, str]:
        return {rota.id: rota.name for rota in list_rotas(self.session)}


@router.get("/", response_class=HTMLResponse)
def dashboard(page: SignedInPage) -> HTMLResponse:
    """The dashboard."""
    if not page.has_team:
        return page.render("no_team.html", {"active": "dashboard"})
    placed: dict[str, list[Markup]] = {"full": [], "main": [], "aside": []}
    with unit_of_work(page.runtime.read_sessions) as session:
        board = Dashboard(page, session)
        # The panels every domain declares, listed by the composition root (app.py).
        for place, build in page.request.app.state.panels:
            view: PanelView | None = build(board)
            if view is not None:
                placed[place].append(_rendered(page, view))
    return page.render("dashboard.html", {"active": "dashboard", **placed})


def _rendered(page: Page, view: PanelView) -> Markup:
    # Rendered here, inside the read, as the whole page used to be: panels may read lazily.
    return Markup(page.render_part(view.template, view.context))  # autoescaped template output
