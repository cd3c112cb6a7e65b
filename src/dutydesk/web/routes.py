"""Every page router, in one list for the application to include."""

from __future__ import annotations

from fastapi import APIRouter

from dutydesk.web.dashboard import router as dashboard_router
from dutydesk.web.signin_pages import router as signin_router

PAGE_ROUTERS: tuple[APIRouter, ...] = (
    signin_router,
    dashboard_router,
)
