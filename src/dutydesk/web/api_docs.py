"""`/docs`: the interactive API documentation (Swagger UI), served entirely from this package.

FastAPI's own page loads Swagger UI from a public CDN and starts it with an inline script; on
a network without that CDN the page is blank, and the inline script would need the
Content-Security-Policy relaxed. This page loads the vendored copy in static/swagger-ui/ and a
small script of ours (static/api-docs.js).
"""

from __future__ import annotations

from html import escape

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

router = APIRouter(include_in_schema=False)

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title} - API documentation</title>
<link rel="icon" type="image/png" href="/static/swagger-ui/favicon-32x32.png">
<link rel="stylesheet" href="/static/swagger-ui/swagger-ui.css">
</head>
<body data-openapi-url="{openapi_url}">
<div id="swagger-ui"><noscript>The interactive documentation needs JavaScript; the API is
described without it at <a href="{openapi_url}">{openapi_url}</a>.</noscript></div>
<script src="/static/swagger-ui/swagger-ui-bundle.js"></script>
<script src="/static/api-docs.js"></script>
</body>
</html>
"""


@router.get("/docs", response_class=HTMLResponse)
def api_docs(request: Request) -> HTMLResponse:
    """Swagger UI for this instance's OpenAPI document."""
    app = request.app
    return HTMLResponse(
        _PAGE.format(title=escape(app.title), openapi_url=escape(app.openapi_url or ""))
    )
