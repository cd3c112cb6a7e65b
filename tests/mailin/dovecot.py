"""A real Dovecot (Debian's dovecot-imapd) on loopback, for tests that read mail over IMAP.

The server runs unprivileged with a configuration generated for it: its runtime files, state,
log and mail in one temporary folder; a thousand accounts with random passwords in a
passwd-file, one for each test that asks; a self-signed certificate made at start; IMAP
with STARTTLS and IMAPS on free loopback ports, TLS required before any password is sent.

Run as root (CI), the server is started as `nobody` instead: Dovecot will not give mail access
to UID 0, and every process of an unprivileged instance runs as the one user it started as.
Tests put mail in as it arrives, by IMAP APPEND, and look at folders and flags through
`Account.client()`.
"""

from __future__ import annotations

import grp
import imaplib
import os
import pwd
import re
import secrets
import shutil
import socket
import ssl
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlencode

from bench.loopback import free_port

from tests.notify.servers import make_certificate

DOVECOT = Path("/usr/sbin/dovecot")
START_SECONDS = 20.0
# Accounts made at start; each test takes one (a worker's session runs far fewer tests).
ACCOUNTS = 1000
_LISTED = re.compile(rb'^\([^)]*\) (?:"[^"]*"|NIL) (.*)$')
_APPENDUID = re.compile(rb"\[APPENDUID \d+ (\d+)\]")
_FLAGS = re.compile(rb"\bUID (\d+)\b.*?\bFLAGS \(([^)]*)\)|\bFLAGS \(([^)]*)\).*?\bUID (\d+)\b")


@dataclass(frozen=True)
class RunAs:
    """The user the server runs as, and whose UID its accounts' mail belongs to."""

    uid: int
    gid: int
    user: str
    group: str

    @classmethod
    def unprivileged(cls) -> RunAs:
        """This process's user, or `nobody` when this process is root."""
        entry = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        return cls(entry.pw_uid, entry.pw_gid, entry.pw_name, grp.getgrgid(entry.pw_gid).gr_name)


def configuration(folder: Path, run_as: RunAs, imap_port: int, imaps_port: int) -> str:
    """dovecot.conf (2.3) for an unprivileged instance confined to `folder`."""
    return f"""\
# Generated for one test session: everything under {folder}.
instance_name = dutydesk-test-{imaps_port}
base_dir = {folder}/run
state_dir = {folder}/state
log_path = {folder}/dovecot.log
protocols = imap
listen = 127.0.0.1

# TLS with the certificate made for this session; no password before TLS.
ssl = required
ssl_cert = <{folder}/certificate.pem
ssl_key = <{folder}/key.pem
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes
auth_mechanisms = plain
# Wrong passwords are answered at once (tests try them), not after the default 2 s.
auth_failure_delay = 0

# Every process runs as the one unprivileged user (no root to switch users).
default_internal_user = {run_as.user}
default_internal_group = {run_as.group}
default_login_user = {run_as.user}
first_valid_uid = {run_as.uid}
last_valid_uid = {run_as.uid}

passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {folder}/passwd
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {folder}/passwd
}}
mail_location = maildir:~/Maildir
# A test server: no fsync, for speed.
mail_fsync = never

service imap-login {{
  # chroot needs root.
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {imap_port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {imaps_port}
    ssl = yes
  }}
}}
service imap-urlauth-login {{
  chroot =
}}
service anvil {{
  chroot =
}}
service auth-worker {{
  user = $default_internal_user
}}
"""


@dataclass
class DovecotServer:
    """A running Dovecot: where it listens, the CA to trust, and a way to add accounts."""

    folder: Path
    run_as: RunAs
    imap_port: int
    imaps_port: int
    process: subprocess.Popen[bytes] | None = None
    _unused: list[Account] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def ca_file(self) -> Path:
        return self.folder / "certificate.pem"

    @property
    def passwd(self) -> Path:
        return self.folder / "passwd"

    def log(self) -> str:
        """What the server logged so far (and wrote on stderr before its log was open)."""
        parts = [self.folder / "stderr.log", self.folder / "dovecot.log"]
        return "".join(p.read_text(errors="replace") for p in parts if p.exists())

    def add_account(self) -> Account:
        """An account no test has used yet: an empty mailbox, a password of its own."""
        with self._lock:
            if not self._unused:
                raise RuntimeError(f"all {ACCOUNTS} accounts of the test Dovecot are used")
            return self._unused.pop(0)

    def _write_accounts(self) -> None:
        # All made at start: Dovecot looks at the file at most once a second, so an account
        # added while it runs could be refused for a second.
        lines = []
        for number in range(1, ACCOUNTS + 1):
            account = Account(self, f"tenant{number}", secrets.token_urlsafe(18))
            home = self.folder / "mail" / account.user
            uid, gid = self.run_as.uid, self.run_as.gid
            lines.append(f"{account.user}:{{PLAIN}}{account.password}:{uid}:{gid}::{home}::\n")
            self._unused.append(account)
        self.passwd.write_text("".join(lines))

    def start(self) -> DovecotServer:
        if not DOVECOT.exists():
            raise RuntimeError(f"{DOVECOT} is missing: install dovecot-imapd (make test-packages)")
        make_certificate(self.folder)
        self._write_accounts()
        conf = self.folder / "dovecot.conf"
        conf.write_text(configuration(self.folder, self.run_as, self.imap_port, self.imaps_port))
        for name in ("run", "state", "mail"):
            (self.folder / name).mkdir()
        _give_to(self.folder, self.run_as)
        as_user = {}
        if os.geteuid() == 0:
            as_user = {"user": self.run_as.uid, "group": self.run_as.gid, "extra_groups": []}
        with (self.folder / "stderr.log").open("wb") as stderr:
            self.process = subprocess.Popen(
                [str(DOVECOT), "-F", "-c", str(conf)],
                cwd=self.folder,
                stdin=subprocess.DEVNULL,
                stdout=stderr,
                stderr=stderr,
                **as_user,  # type: ignore[arg-type]
            )
        self._wait_until_listening()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.folder, ignore_errors=True)

    def _wait_until_listening(self) -> None:
        assert self.process is not None
        pause = threading.Event()
        waited = 0.0
        while waited < START_SECONDS:
            if self.process.poll() is not None:
                raise RuntimeError(f"dovecot stopped at start:\n{self.log()}")
            if all(_accepts(port) for port in (self.imap_port, self.imaps_port)):
                return
            pause.wait(0.05)
            waited += 0.05
        raise RuntimeError(f"dovecot did not listen within {START_SECONDS} s:\n{self.log()}")


@dataclass(frozen=True)
class Account:
    """One account on the server: its URLs for the fetcher, and a client to put mail in."""

    server: DovecotServer
    user: str
    password: str

    def url(
        self,
        folder: str = "INBOX",
        *,
        starttls: bool = False,
        trusted: bool = True,
        password: str | None = None,
        port: int | None = None,
    ) -> str:
        """DUTYDESK_MAIL_IMAP_URL for this account: IMAPS, or IMAP with STARTTLS; trusting the
        server's self-signed certificate (ca_file) unless `trusted` is False."""
        scheme, default_port = (
            ("imap", self.server.imap_port) if starttls else ("imaps", self.server.imaps_port)
        )
        query: dict[str, str] = {}
        if starttls:
            query["starttls"] = "1"
        if trusted:
            query["ca_file"] = str(self.server.ca_file)
        secret = quote(self.password if password is None else password, safe="")
        address = f"{scheme}://{self.user}:{secret}@127.0.0.1:{port or default_port}"
        return f"{address}/{quote(folder)}" + (f"?{urlencode(query)}" if query else "")

    @contextmanager
    def client(self) -> Iterator[imaplib.IMAP4_SSL]:
        """A signed-in IMAPS client of this account (trusting the server's certificate)."""
        context = ssl.create_default_context(cafile=str(self.server.ca_file))
        client = imaplib.IMAP4_SSL(
            "127.0.0.1", self.server.imaps_port, ssl_context=context, timeout=30
        )
        try:
            client.login(self.user, self.password)
            yield client
        finally:
            client.logout()

    def deliver(self, raw: bytes, folder: str = "INBOX", flags: str | None = None) -> int:
        """Put a message in a folder as if it had just arrived; its UID."""
        with self.client() as client:
            typ, data = client.append(f'"{folder}"', flags, None, raw)
            assert typ == "OK", data
        found = _APPENDUID.search(data[0] or b"")
        assert found is not None, data
        return int(found.group(1))

    def create(self, folder: str) -> None:
        """Make a folder."""
        with self.client() as client:
            typ, data = client.create(f'"{folder}"')
            assert typ == "OK", data

    def flags(self, folder: str = "INBOX") -> dict[int, set[str]]:
        """Each message's flags in a folder, by UID (empty for a folder that does not exist)."""
        with self.client() as client:
            typ, _ = client.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return {}
            typ, data = client.uid("FETCH", "1:*", "(UID FLAGS)")
        found: dict[int, set[str]] = {}
        for line in data:
            if not isinstance(line, bytes):
                continue
            match = _FLAGS.search(line)
            if match:
                uid = match.group(1) or match.group(4)
                names = match.group(2) if match.group(1) else match.group(3)
                found[int(uid)] = set(names.decode().split())
        return found

    def messages(self, folder: str = "INBOX") -> list[bytes]:
        """The messages in a folder, oldest first, as the server keeps them (read-only)."""
        with self.client() as client:
            typ, _ = client.select(f'"{folder}"', readonly=True)
            if typ != "OK":
                return []
            typ, data = client.uid("FETCH", "1:*", "(BODY.PEEK[])")
        return [bytes(part[1]) for part in data if isinstance(part, tuple)]

    def folders(self) -> set[str]:
        """The names of the account's folders as the server lists them."""
        with self.client() as client:
            _, data = client.list()
        # Each line: (\\HasNoChildren) "." "Trait&AOk- par Dutydesk" (or the name unquoted).
        listed = [_LISTED.match(line) for line in data if isinstance(line, bytes)]
        return {found.group(1).strip(b'"').decode() for found in listed if found}


def start_dovecot() -> DovecotServer:
    """A Dovecot started in a new temporary folder (outside pytest's, which only root enters)."""
    folder = Path(tempfile.mkdtemp(prefix="dutydesk-dovecot-"))
    server = DovecotServer(folder, RunAs.unprivileged(), free_port(), free_port())
    try:
        return server.start()
    except BaseException:
        server.stop()
        raise


def _give_to(folder: Path, run_as: RunAs) -> None:
    """Hand the folder to the user the server runs as (already theirs when not root)."""
    if os.geteuid() != 0:
        return
    for path in [folder, *folder.rglob("*")]:
        os.chown(path, run_as.uid, run_as.gid)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except OSError:
        return False
