"""Every page router, in one list for the application to include."""

from __future__ import annotations

from fastapi import APIRouter

from dutydesk.alerts.pages import router as alerts_router
from dutydesk.audit.pages import router as audit_router
from dutydesk.mailbox.pages import router as mailbox_router
from dutydesk.overrides.pages import router as overrides_router
from dutydesk.people.pages import router as people_router
from dutydesk.rotas.pages import router as rotas_router
from dutydesk.swaps.pages import router as swaps_router
from dutydesk.team.pages import router as team_router
from dutydesk.web.dashboard import router as dashboard_router
from dutydesk.web.signin_pages import router as signin_router

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    signin_router,
    dashboard_router,
    people_router,
    team_router,
    audit_router,
    rotas_router,
    overrides_router,
    swaps_router,
    alerts_router,
    mailbox_router,
)
