"""Inbound messages read per second by dutydesk.mailin.read_message, and its hostile worst cases.

Target (issue 12): IMAP intake of at least 200 messages/s parsed, threaded and stored on SQLite;
reading (parsing, decoding, quote stripping, sanitising) is one part of that and must be well
above it. The mix is 2,000 messages built from the test corpus (tests/mailin/corpus.py)
as mail clients send them, each copy with its own Message-ID and subject so nothing repeats:
replies from Gmail, Outlook and Apple Mail with quotes, plain and HTML-only mail, attachments,
charsets, auto-replies and bounces, weighted towards replies as a support mailbox sees them.
Each figure is the median of 3 runs after a warm-up; CPU time is this process's.

The hostile messages of the corpus (a 25 MB attachment, MIME nested 5,000 deep, 5,000 parts,
HTML nested 60,000 deep, a 41 MB message) are timed one by one after the mix.
Run alone with `.venv/bin/python -m bench.mail_parse`.
"""

from __future__ import annotations

import random
import statistics
import time

from tests.mailin.corpus import CORPUS, LIMITS, Outcome

from dutydesk.mailin import InboundMail, read_message

MESSAGES = 2000
RUNS = 3
# How often each corpus message appears in a support mailbox, relative to a plain new ticket.
WEIGHTS = {
    "gmail-reply": 6,
    "outlook-original-message": 4,
    "outlook-web-underscores": 3,
    "outlook-html-header-block": 3,
    "apple-mail-reply": 3,
    "outlook-alternative": 4,
    "thunderbird-plain": 3,
    "html-only": 2,
    "interleaved-quotes": 1,
    "bottom-quote-without-header": 1,
    "rfc2231-attachments": 1,
    "inline-image": 1,
    "encoded-word-filename": 1,
    "exchange-oof": 1,
    "gmail-vacation": 1,
    "bounce-dsn": 1,
}


def mix(count: int = MESSAGES, seed: int = 12) -> list[bytes]:
    """`count` messages drawn from the corpus by weight, each with its own id and subject."""
    randomiser = random.Random(seed)
    small = [case for case in CORPUS if not case.large and case.outcome is not Outcome.REFUSED]
    weights = [WEIGHTS.get(case.name, 1) for case in small]
    built = {case.name: case.build() for case in small}
    messages = []
    for number, case in enumerate(randomiser.choices(small, weights, k=count)):
        raw = built[case.name]
        raw = raw.replace(b"Message-ID: <", b"Message-ID: <%d." % number, 1)
        raw = raw.replace(b"Message-Id: <", b"Message-Id: <%d." % number, 1)
        raw = raw.replace(b"Subject: ", b"Subject: (%d) " % number, 1)
        messages.append(raw)
    return messages


def read_all(messages: list[bytes]) -> tuple[float, float, int]:
    """Wall and CPU seconds to read every message, and how many became an InboundMail."""
    started, cpu_started = time.perf_counter(), time.process_time()
    read = sum(isinstance(read_message(raw, **LIMITS), InboundMail) for raw in messages)
    return time.perf_counter() - started, time.process_time() - cpu_started, read


def run() -> None:
    messages = mix()
    megabytes = sum(len(raw) for raw in messages) / 1e6
    read_all(messages[:200])  # warm-up: imports, compiled patterns, nh3's cleaners
    walls, cpus = [], []
    for _ in range(RUNS):
        wall, cpu, read = read_all(messages)
        walls.append(wall)
        cpus.append(cpu)
    wall, cpu = statistics.median(walls), statistics.median(cpus)
    print(
        f"mail parse: {MESSAGES} messages ({megabytes:.1f} MB, {read} read as mail): "
        f"{MESSAGES / wall:,.0f} messages/s wall (best {MESSAGES / min(walls):,.0f}), "
        f"{MESSAGES / cpu:,.0f} messages/s cpu; {1000 * wall / MESSAGES:.2f} ms a message"
    )
    for case in CORPUS:
        if not case.large:
            continue
        raw = case.build()
        started = time.perf_counter()
        read_message(raw, **LIMITS)
        elapsed = time.perf_counter() - started
        print(f"  {case.name}: {len(raw) / 1e6:.1f} MB read in {1000 * elapsed:,.0f} ms")


if __name__ == "__main__":
    run()
