"""Every DUTYDESK_* setting, declared once with its default, help text and reading.

Read with the standard library: every command reads the settings at start, and a settings
library with its validation machinery took a tenth of a second to load before `dutydesk who`
could answer. A setting that does not read is refused with its name and what was wrong.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Generic, TypeVar, overload

from dutydesk.errors import Invalid

T = TypeVar("T")
PREFIX = "DUTYDESK_"


class Secret:
    """A value that must never be shown: its repr and str hide it (logs, tracebacks)."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class Setting(Generic[T]):
    """One setting: its default, its line in docs/configuration.md, and how its text reads.

    `read` turns the environment's text into the value, raising ValueError with what is wrong.
    """

    def __init__(self, default: T, description: str, read: Callable[[str], T]) -> None:
        self.default = default
        self.description = description
        self.read = read
        self.name = ""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @property
    def env_name(self) -> str:
        return PREFIX + self.name.upper()

    @overload
    def __get__(self, settings: None, owner: type) -> Setting[T]: ...

    @overload
    def __get__(self, settings: Settings, owner: type) -> T: ...

    def __get__(self, settings: Settings | None, owner: type) -> Setting[T] | T:
        if settings is None:
            return self
        value: T = settings._values[self.name]
        return value


def _text(value: str) -> str:
    return value


def _whole(low: int | None = None, high: int | None = None) -> Callable[[str], int]:
    def read(value: str) -> int:
        try:
            number = int(value.strip())
        except ValueError:
            raise ValueError(f"{value!r} is not a whole number") from None
        if low is not None and number < low:
            raise ValueError(f"must be at least {low}, not {number}")
        if high is not None and number > high:
            raise ValueError(f"must be at most {high}, not {number}")
        return number

    return read


def _seconds_above_zero(value: str) -> float:
    try:
        number = float(value.strip())
    except ValueError:
        raise ValueError(f"{value!r} is not a number of seconds") from None
    if not math.isfinite(number) or number <= 0:
        raise ValueError(f"must be more than 0 seconds, not {value.strip()}")
    return number


_TRUE = {"1", "true", "yes", "on", "t", "y"}
_FALSE = {"0", "false", "no", "off", "f", "n"}


def _yes_or_no(value: str) -> bool:
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ValueError(f"{value!r} is neither true nor false")


def _one_of(*choices: str) -> Callable[[str], str]:
    def read(value: str) -> str:
        lowered = value.strip().lower()
        if lowered not in choices:
            raise ValueError(f"must be one of {', '.join(choices)}, not {value!r}")
        return lowered

    return read


def _secret(value: str) -> Secret:
    return Secret(value)


def _token(value: str) -> Secret:
    # Set but empty is a mistake (a template's unfilled variable), not a choice to leave
    # /metrics open: say so rather than guess.
    if not value.strip():
        raise ValueError("must not be empty; unset it to need no token")
    return Secret(value)


def _url_without_trailing_slash(value: str) -> str:
    return value.strip().rstrip("/")


def _secrets(value: str) -> Secret:
    # Several, separated by spaces or commas: one per webhook, or the old and the new while a
    # secret is being replaced. Set but empty is a mistake, as for a token.
    if not value.replace(",", " ").split():
        raise ValueError("must not be empty; unset it to turn the receiver off")
    return Secret(value)


def _web_address(value: str) -> str:
    address = value.strip().rstrip("/")
    scheme, separator, rest = address.partition("://")
    if not separator or scheme.lower() not in ("http", "https") or not rest:
        raise ValueError(f"must be an http:// or https:// address, not {value!r}")
    if "/" in rest or "?" in rest or "#" in rest or any(c.isspace() for c in rest):
        raise ValueError(f"must be the address of the site alone (https://host), not {value!r}")
    return address


def _host_name(value: str) -> str:
    name = value.strip().lower().rstrip(".")
    labels = name.split(".")
    if (
        not name
        or len(name) > 253
        or not all(
            label and len(label) <= 63 and label.replace("-", "").isalnum() and label.isascii()
            for label in labels
        )
    ):
        raise ValueError(f"must be a host name such as status.example.org, not {value!r}")
    return name


def _optional(read: Callable[[str], T]) -> Callable[[str], T | None]:
    def read_optional(value: str) -> T | None:
        return read(value)

    return read_optional


class Settings:
    """Configuration from the environment (DUTYDESK_<NAME>), or given by name (tests, `serve`
    options), which wins over the environment."""

    database_url = Setting(
        "sqlite:///dutydesk.sqlite3",
        "SQLAlchemy URL of the database. The default is an SQLite file in the working"
        " directory; use postgresql+psycopg://user:pass@host/db for PostgreSQL.",
        _text,
    )
    sqlite_synchronous = Setting(
        "full",
        "SQLite only. `full`: a commit (an event answered 202, an acknowledgement) is on disk"
        " before Dutydesk answers, so it survives the machine losing power. `normal`: it"
        " survives a crash or kill of Dutydesk, but the last commits before a power loss can"
        " be lost; for slow disks.",
        _one_of("full", "normal"),
    )
    secret_key = Setting(
        None,
        "Key that signs calendar feed URLs and, later, sessions and action links. When unset,"
        " a random key is generated once and kept in the database.",
        _optional(_secret),
    )
    base_url = Setting(
        "http://127.0.0.1:8000",
        "Public URL of this service, used to build links (calendar feeds, e-mails). Unset:"
        " http://DUTYDESK_HOST:DUTYDESK_PORT (127.0.0.1 when listening on every address).",
        _url_without_trailing_slash,
    )
    status_host = Setting(
        None,
        "Host name whose root serves the public status page alone (e.g. status.example.org),"
        " with the scheme of DUTYDESK_BASE_URL; every other path on it is not found. Unset:"
        " the status page is at /status/ under DUTYDESK_BASE_URL.",
        _optional(_host_name),
    )
    status_export_dir = Setting(
        None,
        "A directory the worker keeps a complete static copy of the public status page in"
        " (HTML, JSON, feeds), rewritten after every change, to publish on any static host."
        " Unset: none is kept (`dutydesk status export DIR` writes one on demand).",
        _optional(_text),
    )
    host = Setting("127.0.0.1", "Address `dutydesk serve` listens on.", _text)
    port = Setting(8000, "Port `dutydesk serve` listens on.", _whole(0, 65535))
    migrate_on_start = Setting(
        True, "Run database migrations when `dutydesk serve` starts.", _yes_or_no
    )
    log_level = Setting(
        "info",
        "Log level: debug, info, warning, error.",
        _one_of("debug", "info", "warning", "error"),
    )
    max_body_bytes = Setting(
        1024 * 1024,
        "The largest request body (API, forms, webhooks) Dutydesk reads, in bytes; larger"
        " ones are refused with 413 before they are read. The Events API and monitoring"
        " webhooks also refuse bodies over 512 KiB, as PagerDuty's Events API does.",
        _whole(1024),
    )
    feed_days_back = Setting(90, "How many days of past shifts the iCal feeds include.", _whole())
    feed_days_ahead = Setting(
        366, "How many days of future shifts the iCal feeds include.", _whole()
    )
    smtp_url = Setting(
        None,
        "SMTP server for e-mail, e.g. smtp://user:pass@mail.example.org:587?starttls=1"
        " (smtps:// for implicit TLS). Unset: e-mail goes to the demo mailbox when that is"
        " on, and is otherwise not sent (each message is given up as 'not configured').",
        _optional(_secret),
    )
    smtp_from = Setting(
        "Dutydesk <dutydesk@localhost>", "The From address of e-mail Dutydesk sends.", _text
    )
    mail_imap_url = Setting(
        None,
        "IMAP mailbox tenant mail is fetched from, e.g. imaps://user:pass@mail.example.org/INBOX"
        " (imap://…?starttls=1 for STARTTLS; ?ca_file=/path/ca.pem to trust a self-signed"
        " server). Unset: no mail is fetched.",
        _optional(_secret),
    )
    mail_imap_processed_folder = Setting(
        None,
        "Folder that fetched mail is moved to once stored (made if missing). Unset: it stays"
        " in the mailbox's folder, marked with the keyword $DutydeskDone.",
        _optional(_text),
    )
    mail_imap_quarantine_folder = Setting(
        "Quarantine",
        "Folder that mail which could not be stored after 5 tries (or is over 64 MiB) is moved"
        " to for a person to look at (made if missing).",
        _text,
    )
    mail_imap_batch = Setting(
        100,
        "The most messages one fetch takes from the mailbox; the rest wait for the next.",
        _whole(1, 10000),
    )
    mail_imap_interval_seconds = Setting(
        30.0,
        "How often the worker fetches from the IMAP mailbox.",
        _seconds_above_zero,
    )
    mail_max_message_bytes = Setting(
        40 * 1024 * 1024,
        "The largest tenant e-mail filed, in bytes; a larger one is refused (the MTA pipe"
        " bounces it to its sender; a fetched one is recorded and left in the mailbox).",
        _whole(64 * 1024),
    )
    mail_max_attachment_bytes = Setting(
        10 * 1024 * 1024,
        "The largest attachment kept with a ticket, in bytes; a larger one is listed on the"
        " message with its name and size, not stored.",
        _whole(0),
    )
    demo_mailbox = Setting(
        None,
        "For trying Dutydesk out (make demo sets it), not for production: a directory (a"
        " Maildir, made if missing) where `dutydesk serve` keeps the e-mail it receives on"
        " 127.0.0.1:DUTYDESK_DEMO_MAILBOX_PORT. E-mail goes there when DUTYDESK_SMTP_URL is"
        " unset, and admins read it at /mailbox. Needs the `demo` extra (aiosmtpd).",
        _optional(_text),
    )
    demo_mailbox_port = Setting(
        8025, "Port on 127.0.0.1 where the demo mailbox receives e-mail.", _whole(1, 65535)
    )
    zendesk_signing_secret = Setting(
        None,
        "The signing secret of the Zendesk webhook that sends tickets to /hooks/zendesk (from"
        " Zendesk's Admin Center); several, separated by spaces, for several webhooks or while"
        " one is being reset. Unset: the Zendesk receiver refuses everything.",
        _optional(_secrets),
    )
    zendesk_url = Setting(
        None,
        "The address of your Zendesk, e.g. https://acme.zendesk.com: each ticket mirrored from"
        " it links to <this>/agent/tickets/<id>. Unset: mirrored tickets have no link.",
        _optional(_web_address),
    )
    slack_token = Setting(
        None,
        "Slack bot token (xoxb-…) for posting, channel topics and user groups.",
        _optional(_secret),
    )
    slack_signing_secret = Setting(
        None,
        "The signing secret of your Slack app (Basic Information, App Credentials): requests"
        " to /hooks/slack/commands are taken only when signed with it. Unset: the `/incident`"
        " slash command is refused.",
        _optional(_secret),
    )
    slack_api_url = Setting(
        "https://slack.com/api/",
        "Base URL of the Slack Web API (point it at a test server in tests).",
        _text,
    )
    worker_interval_seconds = Setting(
        5.0,
        "How often the worker looks for due work (messages, handoffs, reminders).",
        _seconds_above_zero,
    )
    run_worker = Setting(
        True,
        "Run the worker inside `dutydesk serve`. Set to false when running separate"
        " `dutydesk worker` processes (and `dutydesk serve --no-worker` does the same).",
        _yes_or_no,
    )
    metrics_enabled = Setting(
        True,
        "Answer Prometheus scrapes at `/metrics` (and let `dutydesk worker --metrics-port`"
        " serve them). Set to false to turn metrics off: `/metrics` is then a 404.",
        _yes_or_no,
    )
    metrics_token = Setting(
        None,
        "When set, `/metrics` answers only requests with `Authorization: Bearer <this"
        " token>` (401 otherwise). Unset: anyone who can reach the service can read them.",
        _optional(_token),
    )
    worker_metrics_port = Setting(
        None,
        "Port on which `dutydesk worker` answers `/metrics` (on DUTYDESK_HOST), as"
        " `--metrics-port` does. Unset: a separate worker is not scraped.",
        _optional(_whole(1, 65535)),
    )

    def __init__(self, environment: Mapping[str, str] | None = None, **given: object) -> None:
        """Read every setting: a value given by name, else DUTYDESK_<NAME> from `environment`
        (the process's when not given), else its default. Invalid names what is wrong."""
        environment = os.environ if environment is None else environment
        unknown = set(given) - {setting.name for setting in every_setting()}
        if unknown:
            raise TypeError(f"no such setting: {', '.join(sorted(unknown))}")
        self._values: dict[str, Any] = {}
        self._given: dict[str, object] = dict(given)
        for setting in every_setting():
            if setting.name in given:
                self._values[setting.name] = _given_value(setting, given[setting.name])
            elif setting.env_name in environment:
                self._values[setting.name] = _read(setting, environment[setting.env_name])
            else:
                self._values[setting.name] = setting.default
        self._base_url_given = "base_url" in given or Settings.base_url.env_name in environment
        if not self._base_url_given:
            # Links must reach the service as it listens unless a public URL was given.
            self._values["base_url"] = listening_url(self.host, self.port)
        self._environment = environment

    def listening_on(self, host: str | None, port: int | None) -> Settings:
        """These settings for `serve --host/--port`: the base URL follows unless it was set."""
        changed: dict[str, object] = dict(self._given)
        if host is not None:
            changed["host"] = host
        if port is not None:
            changed["port"] = port
        return Settings(self._environment, **changed)

    def replaced(self, **changes: object) -> Settings:
        """These settings with some changed by name."""
        return Settings(self._environment, **{**self._given, **changes})

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={value!r}" for name, value in self._values.items())
        return f"Settings({shown})"


def every_setting() -> Iterator[Setting[Any]]:
    """Every setting, in the order declared."""
    for value in vars(Settings).values():
        if isinstance(value, Setting):
            yield value


def _read(setting: Setting[Any], text: str) -> Any:
    try:
        return setting.read(text)
    except ValueError as error:
        raise Invalid(f"{setting.env_name}: {error}") from None


def _given_value(setting: Setting[Any], value: object) -> Any:
    """A value given by name: text is read as the environment's would be; None unsets an
    optional setting; anything else is read from its text (8123, 0.5, False, a path)."""
    if value is None:
        if setting.default is not None:
            raise Invalid(f"{setting.env_name}: must be set")
        return None
    if isinstance(value, Secret):
        return value
    return _read(setting, value if isinstance(value, str) else str(value))


def listening_url(host: str, port: int) -> str:
    """http://host:port for a listening address; the loopback one for a wildcard address."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
