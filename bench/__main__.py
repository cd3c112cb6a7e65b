"""Run every benchmark and print the figures."""

from __future__ import annotations

import platform
import sys

from bench import (
    builds,
    cli,
    events,
    external_feed,
    external_rotas,
    fairness,
    first_page,
    handover,
    incidents,
    mail_parse,
    metrics,
    oncall,
    outbox,
    pages,
    statuspage,
    tasks,
    ticket_queue,
)


def main() -> None:
    print(f"python {platform.python_version()} on {platform.machine()}, {platform.platform()}")
    oncall.run()
    outbox.run()
    pages.run()
    ticket_queue.run()
    incidents.run()
    statuspage.run()
    tasks.run()
    fairness.run()
    events.run()
    builds.run()
    metrics.run()
    first_page.run()
    cli.run()
    mail_parse.run()
    handover.run()
    external_feed.run()
    external_rotas.run()


if __name__ == "__main__":
    sys.exit(main())
