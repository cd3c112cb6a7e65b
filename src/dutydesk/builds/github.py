"""GitHub Actions' `workflow_run` webhook: whether a delivery is signed with the source's
secret, what a completed run says as a build result, and which deliveries were taken already.

GitHub signs the raw body (`X-Hub-Signature-256: sha256=<hex HMAC-SHA256>`) but no timestamp,
so a captured delivery could be sent again at any time: each `X-GitHub-Delivery` id is kept for
REMEMBERED and a repeat is refused. Past that, a replayed run is still dropped, because its run
id and attempt are already recorded (a result is stored once).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Insert, Table, bindparam
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from dutydesk.builds.models import ABORTED, ERRORED, FAILED, SUCCEEDED, GithubDelivery
from dutydesk.builds.results import BuildReport
from dutydesk.errors import Invalid

SIGNATURE_HEADER = "X-Hub-Signature-256"
DELIVERY_HEADER = "X-GitHub-Delivery"
EVENT_HEADER = "X-GitHub-Event"
REMEMBERED = timedelta(days=90)
_DELIVERY_RE = re.compile(r"[A-Za-z0-9-]{1,64}")
_DELIVERIES = cast(Table, GithubDelivery.__table__)
# INSERT … ON CONFLICT DO NOTHING: a delivery taken before inserts no row (one statement).
_TAKE: dict[str, Insert] = {
    "postgresql": postgresql.insert(_DELIVERIES)
    .on_conflict_do_nothing(index_elements=["id"])
    .returning(_DELIVERIES.c.id),
    "sqlite": sqlite.insert(_DELIVERIES)
    .on_conflict_do_nothing(index_elements=["id"])
    .returning(_DELIVERIES.c.id),
}
_FORGET = _DELIVERIES.delete().where(_DELIVERIES.c.received_at < bindparam("before"))

# A completed run's conclusion as a build's status. `neutral` passes (GitHub lets it through
# branch protection); `startup_failure` (the workflow file is broken) is an error of the build.
# The rest (`skipped`, `stale`, `action_required`) are runs that did not run: not results.
STATUS_OF = {
    "success": SUCCEEDED,
    "neutral": SUCCEEDED,
    "failure": FAILED,
    "timed_out": ERRORED,
    "startup_failure": ERRORED,
    "cancelled": ABORTED,
}


class Replayed(Exception):
    """The delivery was taken before."""


def sign(secret: str, body: bytes) -> str:
    """The `X-Hub-Signature-256` of a body, as GitHub sends it."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signed(secret: str, header: str, body: bytes) -> bool:
    """Whether the header is the body's signature with `secret` (compared in constant time)."""
    return hmac.compare_digest(sign(secret, body).encode(), header.encode("utf-8", "replace"))


def delivery_id(header: str) -> str:
    """The `X-GitHub-Delivery` id (a GUID); Invalid when missing or not one."""
    if not _DELIVERY_RE.fullmatch(header):
        raise Invalid(f"{DELIVERY_HEADER}: the delivery's id (a GUID) is missing or malformed")
    return header


def forget_old(session: Session, now: datetime) -> None:
    """Forget the deliveries taken more than REMEMBERED ago (an index range, usually empty)."""
    session.execute(_FORGET, {"before": now - REMEMBERED})


def remember(session: Session, delivery: str, now: datetime) -> None:
    """Record the delivery as taken, in the caller's transaction; Replayed when it was taken
    before (then nothing is written)."""
    taken = session.execute(
        _TAKE[session.get_bind().dialect.name], {"id": delivery, "received_at": now}
    ).first()
    if taken is None:
        raise Replayed(f"delivery {delivery} was taken already")


def run_report(source: str, payload: dict[str, Any], now: datetime) -> BuildReport | str:
    """A completed run as a build result, or why it is not one (a sentence for the answer).
    Invalid names a field of the payload that is missing or of the wrong type."""
    if payload.get("action") != "completed":
        return f"action {str(payload.get('action'))[:40]!r} is not a completed run"
    run = _field(payload, "workflow_run", dict)
    conclusion = run.get("conclusion")
    status = STATUS_OF.get(conclusion) if isinstance(conclusion, str) else None
    if status is None:
        return f"conclusion {str(conclusion)[:40]!r} is not a build result"
    repository = _field(payload, "repository", dict)
    found = payload.get("workflow")
    workflow: dict[str, Any] = found if isinstance(found, dict) else {}
    path = run.get("path") or workflow.get("path") or ""
    name = run.get("name") or workflow.get("name") or None
    # The workflow's file names the job (a rename of the workflow keeps its history); a
    # reusable workflow's path ends in "@ref".
    job = str(path).split("@", 1)[0].rsplit("/", 1)[-1] or name
    if not job:
        raise Invalid("workflow_run.path: the workflow's file is missing")
    attempt = run.get("run_attempt", 1)
    if not isinstance(attempt, int) or isinstance(attempt, bool):
        raise Invalid("workflow_run.run_attempt: a number")
    return BuildReport(
        source=source,
        pipeline=str(_field(repository, "full_name", str, "repository.")),
        job=str(job),
        build_id=str(_field(run, "id", int, "workflow_run.")),
        attempt=attempt,
        status=status,
        branch=_optional_text(run, "head_branch"),
        sha=_optional_text(run, "head_sha"),
        url=_optional_text(run, "html_url"),
        finished_at=_time(run.get("updated_at"), now),
        workflow_name=str(name) if name else None,
    )


def _field(data: dict[str, Any], name: str, kind: type, prefix: str = "") -> Any:
    value = data.get(name)
    if not isinstance(value, kind) or isinstance(value, bool):
        what = {int: "a number", str: "text", dict: "an object"}.get(kind, kind.__name__)
        raise Invalid(f"{prefix}{name}: missing, or not {what}")
    return value


def _optional_text(run: dict[str, Any], name: str) -> str | None:
    value = run.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise Invalid(f"workflow_run.{name}: text")
    return value


def _time(value: Any, now: datetime) -> datetime:
    if value is None:
        return now
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise Invalid("workflow_run.updated_at: an ISO 8601 time") from None
    if parsed.tzinfo is None:
        raise Invalid("workflow_run.updated_at: an ISO 8601 time with its offset")
    return parsed
