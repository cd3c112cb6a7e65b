"""The demo mailbox page: what Dutydesk sent while trying it out (admins only, demo only)."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from dutydesk.errors import NotFound
from dutydesk.mailbox.store import SHOWN_AT_MOST, received
from dutydesk.web.page import AdminPage, Page

router = APIRouter(include_in_schema=False)


@router.get("/mailbox", response_class=HTMLResponse)
def mailbox_page(page: AdminPage) -> HTMLResponse:
    """The e-mail the demo mailbox received, newest first; a 404 unless the mailbox is on."""
    directory = page.runtime.settings.demo_mailbox
    if not directory:
        raise NotFound("there is no demo mailbox: DUTYDESK_DEMO_MAILBOX is not set")
    return page.render(
        "mailbox/list.html",
        {
            "active": "mailbox",
            "messages": received(directory),
            "shown_at_most": SHOWN_AT_MOST,
            "directory": directory,
        },
    )


def shown(page: Page) -> bool:
    """The navigation's Mailbox link: for admins trying Dutydesk out with the demo mailbox."""
    return bool(page.runtime.settings.demo_mailbox) and page.may("admin")
