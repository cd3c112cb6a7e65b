"""The fairness page: everyone's on-call load over a period, for admins."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from dutydesk.db import unit_of_work
from dutydesk.errors import Invalid, NotFound
from dutydesk.fairness import service
from dutydesk.fairness.load import LoadReport
from dutydesk.fairness.periods import period_of
from dutydesk.rotas.service import list_rotas
from dutydesk.web.forms import FormErrors
from dutydesk.web.page import AdminPage, Page

router = APIRouter(include_in_schema=False)

FIELDS = ("from", "to", "quarter", "rota")


@router.get("/fairness", response_class=HTMLResponse)
def fairness_page(page: AdminPage, rota: str = "", quarter: str = "", to: str = "") -> HTMLResponse:
    """The load report over the period asked for (default: the last whole quarter)."""
    # `from` is a Python keyword, so it is read from the query itself.
    from_text = page.request.query_params.get("from", "").strip()
    values = {"from": from_text, "to": to.strip(), "quarter": quarter.strip(), "rota": rota.strip()}
    errors = FormErrors()
    report: LoadReport | None = None
    with unit_of_work(page.runtime.read_sessions) as session:
        rota_options = [(r.id, r.name) for r in list_rotas(session)]
        try:
            start, end = period_of(
                values["from"] or None,
                values["to"] or None,
                values["quarter"] or None,
                page.zone,
                page.now,
            )
            report = service.load(session, start, end, [values["rota"]] if values["rota"] else [])
        except NotFound as error:
            errors.add("rota", f"{error.message}: choose one from the list")
        except Invalid as error:
            errors.add_error(error, FIELDS)
    return page.render(
        "fairness/load.html",
        {
            "active": "fairness",
            "report": report,
            "rota_options": rota_options,
            "values": values,
            "errors": errors.by_field,
        },
        status=400 if errors else 200,
    )


def shown(page: Page) -> bool:
    """The navigation's Fairness link: admins only, as the page is."""
    return page.may("admin")
