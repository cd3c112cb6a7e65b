"""`dutydesk status export DIR`: a complete static copy whose links all resolve inside it, whose
subscribe links go to the live service, and which drops pages no longer on the site."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urljoin

import feedparser

from dutydesk.db import unit_of_work
from dutydesk.statuspage import publishing
from dutydesk.statuspage.publishing import UpdateDraft


def _publish(runtime, clock, site, name: str) -> str:
    with unit_of_work(runtime.sessions) as session:
        made = publishing.create_incident(
            session, name=name,
            draft=UpdateDraft("investigating", "Some requests fail.", {"api": "partial_outage"}),
            actor="erin", now=clock.now(), site=site,
        )  # fmt: skip
        session.commit()
        return made.id


def _file_of(directory: Path, page: Path, href: str) -> Path:
    """The file a relative link of `page` names in the copy."""
    base = "/" + page.relative_to(directory).as_posix()
    target = urljoin(base, href).lstrip("/")
    return directory / (target + "index.html" if target == "" or target.endswith("/") else target)


def test_the_copy_is_complete_and_its_links_resolve_inside_it(
    runtime, status_page, clock, site, cli, tmp_path
):
    made = _publish(runtime, clock, site, "API errors")
    out = tmp_path / "site"
    result = cli("status", "export", str(out))
    assert result.code == 0, result.err
    pages = [
        out / "index.html",
        out / "history" / "index.html",
        out / "incidents" / made / "index.html",
    ]
    for page in pages:
        html = page.read_text()
        assert "API errors" in html or page.parent.name == "history"  # the history: closed ones
        for href in re.findall(r'href="([^"]+)"', html):
            if href.startswith("#"):
                continue
            if href.startswith(("http://", "https://")):
                assert href == f"{site.public_url}/subscribe/", (page, href)
                continue
            assert _file_of(out, page, href).is_file(), (page, href)
    summary = json.loads((out / "api" / "v2" / "summary.json").read_text())
    assert [i["id"] for i in summary["incidents"]] == [made]
    assert not feedparser.parse((out / "history.atom").read_bytes()).bozo
    assert (out / "maintenance.ics").read_text().startswith("BEGIN:VCALENDAR")

    with unit_of_work(runtime.sessions) as session:
        publishing.delete_incident(
            session, publishing.get_status_incident(session, made), actor="erin", now=clock.now()
        )
        session.commit()
    assert cli("status", "export", str(out)).code == 0
    assert not (out / "incidents" / made).exists()
    assert "API errors" not in (out / "index.html").read_text()


def test_a_file_where_the_directory_should_be_exits_2(runtime, status_page, cli, tmp_path):
    taken = tmp_path / "taken"
    taken.write_text("x")
    result = cli("status", "export", str(taken))
    assert result.code == 2
    assert result.err.strip() == f"dutydesk: error: DIR: {taken} is a file, not a directory"
    assert taken.read_text() == "x"
