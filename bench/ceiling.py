"""The ceiling the ingestion benchmark measures against: a bare FastAPI route.

It does what any JSON endpoint does and nothing more: reads the body as JSON and answers 202
with a small JSON object, like the Events API's answer. bench/events.py serves it with the same
uvicorn settings as `dutydesk serve` (uvicorn's defaults: uvloop and httptools when installed,
the same log level, so an access log line per request) and drives it with the same load
generator and the same request bodies, in the same run, so that the Events API's rate can be
given as a share of what this machine serves at that moment.

Run it alone with `python -m uvicorn bench.ceiling:app`.
"""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response

app = FastAPI()


@app.post("/v2/enqueue")
async def enqueue(request: Request) -> JSONResponse:
    """Read the event, keep nothing, answer as the Events API does."""
    event = await request.json()
    body = {"status": "success", "message": "Event processed", "dedup_key": event.get("dedup_key")}
    return JSONResponse(body, status_code=202)


# The status page's ceiling (bench/statuspage.py): the same bytes the public site answers, read
# once from a static copy of it (DUTYDESK_BENCH_STATUS_DIR) and answered from memory.
status_app = FastAPI()


@cache
def _status_file(name: str) -> bytes:
    return (Path(os.environ["DUTYDESK_BENCH_STATUS_DIR"]) / name).read_bytes()


@status_app.get("/status/")
async def status_front() -> Response:
    """The front page's bytes."""
    return Response(_status_file("index.html"), media_type="text/html; charset=utf-8")


@status_app.get("/status/api/v2/summary.json")
async def status_summary() -> Response:
    """summary.json's bytes."""
    return Response(_status_file("api/v2/summary.json"), media_type="application/json")
