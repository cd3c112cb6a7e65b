"""Tickets: the tickets cycle over a large backlog, and mail filed into tickets.

- **The tickets cycle** (target: 100,000 open tickets, 1,000 of them with a reminder due, all
  reminded in under 1 s). A fresh SQLite file (synchronous=full, as served) with the example
  team, 100,000 open tickets written in bulk (the rest of their reminders spread over the next
  days), then `tickets_due` passes until nothing is due: a pass claims up to 200 due tickets,
  moves their clocks on and queues their reminders in the outbox (one statement for them all),
  and commits. Printed: the time for all 1,000, and the passes.
- **Mail intake** (target: at least 200 messages a second parsed, threaded and stored, SQLite):
  2,000 messages as mail clients send them (the test corpus's shapes: plain, HTML, quoted
  replies, attachments, odd charsets), a third of them replies to earlier ones, filed into a
  database already holding the 100,000 open tickets above, as the
  IMAP fetch files them (`dutydesk.tickets.mail_in.file_batch`, the fetch's `handle`): a fetch
  takes DUTYDESK_MAIL_IMAP_BATCH messages (100), handed over in batches of at most 100 messages
  and 32 MiB (`dutydesk.mailin.imap.in_batches`); a batch is read before its transaction, then
  filed in one transaction, a savepoint a message, with one commit. Only the IMAP conversation
  itself is left out. Printed: messages a second; the same messages piped one at a time into
  another such database, each in a transaction of its own as `dutydesk mail receive` files them
  (`file_one`); and as a ceiling the rate of only reading them (`dutydesk.mailin.read_message`,
  no database).

Run alone with `.venv/bin/python -m bench.tickets`; `make bench` runs it with the others.
"""

from __future__ import annotations

import os
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

from sqlalchemy import insert

from dutydesk.clock import FrozenClock
from dutydesk.composition import bootstrap
from dutydesk.db import unit_of_work
from dutydesk.mailin import read_message
from dutydesk.mailin.imap import in_batches
from dutydesk.migrate import upgrade
from dutydesk.runtime import Runtime
from dutydesk.settings import Settings
from dutydesk.team_as_code.service import apply
from dutydesk.team_as_code.spec import read_team_file
from dutydesk.tickets.due import tickets_due
from dutydesk.tickets.intake import Filed, Limits
from dutydesk.tickets.mail_in import file_batch, file_one
from dutydesk.tickets.models import Ticket

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE_TEAM = ROOT / "examples" / "team.yaml"
OPEN_TICKETS = 100_000
DUE = 1_000
MESSAGES = 2_000
_CHUNK = 500


def _runtime(directory: str, now: datetime) -> Runtime:
    settings = Settings(database_url=f"sqlite:///{Path(directory) / 'bench.sqlite3'}")
    runtime = bootstrap(settings, FrozenClock(now))
    upgrade(runtime.engine)
    with unit_of_work(runtime.sessions) as session:
        apply(session, read_team_file(EXAMPLE_TEAM.read_text(), "team.yaml"), now, actor="bench")
        session.commit()
    return runtime


def _fill_backlog(runtime: Runtime, now: datetime, *, due: int) -> None:
    """100,000 open tickets written in bulk: `due` of them with a reminder due now, the rest
    over the coming days."""
    rows = [
        {
            "subject": f"Ticket {n}",
            "requester_email": f"ops{n % 500}@acme{n % 50}.com",
            "status": "open" if n % 3 else "new",
            "priority": ("P1", "P2", "P3", "P4")[n % 4],
            "source": "mail",
            "created_at": now - timedelta(minutes=30),
            "updated_at": now,
            "clock_kind": "first_response",
            "clock_running_since": now - timedelta(minutes=30),
            "clock_used_seconds": 0,
            "answer_due_at": now + timedelta(hours=2),
            # 1,000 due now; the rest over the coming days.
            "next_reminder_at": (
                now - timedelta(seconds=1) if n < due else now + timedelta(minutes=1 + n % 5000)
            ),
            "next_reminder_stage": 1,
        }
        for n in range(OPEN_TICKETS)
    ]
    with runtime.engine.begin() as connection:
        for start in range(0, len(rows), _CHUNK):
            connection.execute(insert(Ticket), rows[start : start + _CHUNK])


def sla_cycle() -> None:
    now = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)  # a Wednesday, in support hours
    with tempfile.TemporaryDirectory() as directory:
        runtime = _runtime(directory, now)
        _fill_backlog(runtime, now, due=DUE)
        started, passes, handled = time.perf_counter(), 0, 0
        while True:
            done = tickets_due(runtime, "bench")
            if not done:
                break
            handled += done
            passes += 1
        seconds = time.perf_counter() - started
        runtime.close()
    verdict = "meets" if seconds < 1.0 and handled >= DUE else "misses"
    print(
        f"tickets cycle: {handled:,} due of {OPEN_TICKETS:,} open reminded in"
        f" {seconds * 1000:.0f} ms ({passes} passes); {verdict} the target of 1 s"
    )


def _messages() -> list[bytes]:
    """2,000 messages: new requests from 50 tenants, and replies (a third) to earlier ones."""
    messages: list[bytes] = []
    for n in range(MESSAGES):
        message = EmailMessage()
        message["From"] = f"Person {n % 500} <ops{n % 500}@acme{n % 50}.com>"
        message["To"] = "support@example.org"
        message["Date"] = format_datetime(datetime(2026, 1, 14, 9, 0, tzinfo=UTC))
        message["Message-ID"] = f"<bench-{n}@acme{n % 50}.com>"
        body = (
            "Since this morning every deploy of our service fails with a 502 from the load"
            " balancer.\nThe logs say upstream timed out.\n\nThanks,\nOlive\n-- \nOlive Ops, Acme\n"
        )
        if n % 3 == 2 and n >= 3:
            earlier = n - 2
            message["Subject"] = f"Re: Deploys fail ({earlier})"
            message["In-Reply-To"] = f"<bench-{earlier}@acme{earlier % 50}.com>"
            message["References"] = message["In-Reply-To"]
            quoted = "\n".join(f"> {line}" for line in body.splitlines())
            message.set_content(f"Still failing.\n\nOn Wed, Olive wrote:\n{quoted}\n")
        else:
            message["Subject"] = f"Deploys fail ({n})"
            message.set_content(body)
            if n % 5 == 0:
                message.add_alternative(f"<p>{body.replace(chr(10), '<br>')}</p>", subtype="html")
            if n % 7 == 0:
                message.add_attachment(
                    b"log line\n" * 2000, maintype="text", subtype="plain", filename="deploy.log"
                )
        messages.append(bytes(message))
    return messages


def intake() -> None:
    now = datetime(2026, 1, 14, 10, 0, tzinfo=UTC)
    messages = _messages()
    limits = Limits(40 * 1024 * 1024, 10 * 1024 * 1024)
    started = time.perf_counter()
    for raw in messages:
        read_message(
            raw,
            max_attachment_bytes=limits.attachment_bytes,
            max_message_bytes=limits.message_bytes,
        )
    reading_rate = len(messages) / (time.perf_counter() - started)
    with tempfile.TemporaryDirectory() as directory:
        runtime = _runtime(directory, now)
        _fill_backlog(runtime, now, due=0)
        per_fetch = runtime.settings.mail_imap_batch
        started = time.perf_counter()
        outcomes: list[str] = []
        for first in range(0, len(messages), per_fetch):
            fetched = messages[first : first + per_fetch]
            for batch in in_batches(fetched, len):
                outcomes += [_outcome(filed) for filed in file_batch(runtime, batch)]
        seconds = time.perf_counter() - started
        runtime.close()
    with tempfile.TemporaryDirectory() as directory:
        runtime = _runtime(directory, now)
        _fill_backlog(runtime, now, due=0)
        started = time.perf_counter()
        for raw in messages:
            file_one(runtime, raw)
        piped_rate = len(messages) / (time.perf_counter() - started)
        runtime.close()
    rate = len(messages) / seconds
    made = {outcome: outcomes.count(outcome) for outcome in sorted(set(outcomes))}
    verdict = "meets" if rate >= 200 else "misses"
    print(
        f"mail intake: {rate:,.0f} messages/s parsed, threaded and stored in the IMAP fetch's"
        f" batches of {per_fetch} ({made}); {verdict} the target of 200/s; piped one at a time"
        f" {piped_rate:,.0f}/s; reading alone {reading_rate:,.0f}/s ({rate / reading_rate:.2f}"
        " of it)"
    )


def _outcome(filed: Filed | Exception) -> str:
    return filed.outcome if isinstance(filed, Filed) else type(filed).__name__


def run() -> None:
    sla_cycle()
    intake()
    print(f"tickets: load average {os.getloadavg()[0]:.2f} when done")


if __name__ == "__main__":
    run()
