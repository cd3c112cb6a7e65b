"""A complete static copy of the public site (HTML, JSON, feeds, stylesheet) in a directory,
to publish on any static host: the status page stays readable when the service is not.

Pages are written as `index.html` in a folder of their path (incidents/<id>/index.html), so
the site's relative links work on any static host. The subscribe links point at the live
service, which is the only part that needs it. The copy is made beside the directory and
swapped in file by file with os.replace, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from dutydesk.statuspage.public import PublicPage
from dutydesk.statuspage.render import Renderer

VERSION_FILE = ".version"


def write_site(
    page: PublicPage, directory: Path, *, public_url: str, version: int | None = None
) -> list[Path]:
    """Write every file of the site for `page` into `directory` (made if missing); returns the
    files written. Files of incidents no longer on the page are removed."""
    renderer = Renderer(page, public_url, subscribe_url=f"{public_url}/subscribe/")
    directory.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for path in renderer.paths():
        found = renderer.file(path)
        if found is None:
            continue
        target = directory / (path + "index.html" if path == "" or path.endswith("/") else path)
        _replace(target, found.body)
        written.append(target)
    _remove_gone_incidents(directory, set(written))
    if version is not None:
        _replace(directory / VERSION_FILE, str(version).encode())
    return written


def written_version(directory: Path) -> int | None:
    """The snapshot version last written to `directory`, if any."""
    try:
        return int((directory / VERSION_FILE).read_text().strip())
    except (OSError, ValueError):
        return None


def _replace(target: Path, body: bytes) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".status-")
    try:
        with os.fdopen(handle, "wb") as file:
            file.write(body)
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def _remove_gone_incidents(directory: Path, kept: set[Path]) -> None:
    incidents = directory / "incidents"
    if not incidents.is_dir():
        return
    for page in incidents.glob("*/index.html"):
        if page not in kept:
            page.unlink()
            with contextlib.suppress(OSError):  # not empty: something else is kept there
                page.parent.rmdir()
