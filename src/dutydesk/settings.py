"""Every DUTYDESK_* setting, declared once with its default and help text."""

from __future__ import annotations

from typing import Literal

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Configuration read from the environment (prefix ``DUTYDESK_``)."""

    model_config = SettingsConfigDict(env_prefix="DUTYDESK_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///dutydesk.sqlite3",
        description=(
            "SQLAlchemy URL of the database. The default is an SQLite file in the working"
            " directory; use postgresql+psycopg://user:pass@host/db for PostgreSQL."
        ),
    )
    sqlite_synchronous: Literal["full", "normal"] = Field(
        default="full",
        description=(
            "SQLite only. `full`: a commit (an event answered 202, an acknowledgement) is on disk"
            " before Dutydesk answers, so it survives the machine losing power. `normal`: it"
            " survives a crash or kill of Dutydesk, but the last commits before a power loss can"
            " be lost; for slow disks."
        ),
    )
    secret_key: SecretStr | None = Field(
        default=None,
        description=(
            "Key that signs calendar feed URLs and, later, sessions and action links. When unset,"
            " a random key is generated once and kept in the database."
        ),
    )
    base_url: str = Field(
        default="http://127.0.0.1:8000",
        description=(
            "Public URL of this service, used to build links (calendar feeds, e-mails). Unset:"
            " http://DUTYDESK_HOST:DUTYDESK_PORT (127.0.0.1 when listening on every address)."
        ),
    )
    host: str = Field(default="127.0.0.1", description="Address `dutydesk serve` listens on.")
    port: int = Field(default=8000, description="Port `dutydesk serve` listens on.")
    migrate_on_start: bool = Field(
        default=True,
        description="Run database migrations when `dutydesk serve` starts.",
    )
    log_level: str = Field(default="info", description="Log level: debug, info, warning, error.")
    max_body_bytes: int = Field(
        default=1024 * 1024,
        ge=1024,
        description=(
            "The largest request body (API, forms, webhooks) Dutydesk reads, in bytes; larger"
            " ones are refused with 413 before they are read. The Events API and monitoring"
            " webhooks also refuse bodies over 512 KiB, as PagerDuty's Events API does."
        ),
    )
    feed_days_back: int = Field(
        default=90, description="How many days of past shifts the iCal feeds include."
    )
    feed_days_ahead: int = Field(
        default=366, description="How many days of future shifts the iCal feeds include."
    )

    smtp_url: SecretStr | None = Field(
        default=None,
        description=(
            "SMTP server for e-mail, e.g. smtp://user:pass@mail.example.org:587?starttls=1"
            " (smtps:// for implicit TLS). Unset: e-mail goes to the demo mailbox when that is"
            " on, and is otherwise not sent (each message is given up as 'not configured')."
        ),
    )
    smtp_from: str = Field(
        default="Dutydesk <dutydesk@localhost>",
        description="The From address of e-mail Dutydesk sends.",
    )
    demo_mailbox: str | None = Field(
        default=None,
        description=(
            "For trying Dutydesk out (make demo sets it), not for production: a directory (a"
            " Maildir, made if missing) where `dutydesk serve` keeps the e-mail it receives on"
            " 127.0.0.1:DUTYDESK_DEMO_MAILBOX_PORT. E-mail goes there when DUTYDESK_SMTP_URL is"
            " unset, and admins read it at /mailbox. Needs the `demo` extra (aiosmtpd)."
        ),
    )
    demo_mailbox_port: int = Field(
        default=8025,
        ge=1,
        le=65535,
        description="Port on 127.0.0.1 where the demo mailbox receives e-mail.",
    )
    slack_token: SecretStr | None = Field(
        default=None,
        description="Slack bot token (xoxb-…) for posting, channel topics and user groups.",
    )
    slack_api_url: str = Field(
        default="https://slack.com/api/",
        description="Base URL of the Slack Web API (point it at a test server in tests).",
    )
    worker_interval_seconds: float = Field(
        default=5.0,
        gt=0,
        description="How often the worker looks for due work (messages, handoffs, reminders).",
    )
    run_worker: bool = Field(
        default=True,
        description=(
            "Run the worker inside `dutydesk serve`. Set to false when running separate"
            " `dutydesk worker` processes (and `dutydesk serve --no-worker` does the same)."
        ),
    )
    metrics_enabled: bool = Field(
        default=True,
        description=(
            "Answer Prometheus scrapes at `/metrics` (and let `dutydesk worker --metrics-port`"
            " serve them). Set to false to turn metrics off: `/metrics` is then a 404."
        ),
    )
    metrics_token: SecretStr | None = Field(
        default=None,
        description=(
            "When set, `/metrics` answers only requests with `Authorization: Bearer <this"
            " token>` (401 otherwise). Unset: anyone who can reach the service can read them."
        ),
    )
    worker_metrics_port: int | None = Field(
        default=None,
        ge=1,
        le=65535,
        description=(
            "Port on which `dutydesk worker` answers `/metrics` (on DUTYDESK_HOST), as"
            " `--metrics-port` does. Unset: a separate worker is not scraped."
        ),
    )

    @field_validator("base_url")
    @classmethod
    def _strip_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")

    @model_validator(mode="after")
    def _base_url_follows_the_address(self) -> Settings:
        # Links must reach the service as it listens unless a public URL was given.
        if "base_url" not in self.model_fields_set:
            self.base_url = listening_url(self.host, self.port)
            # Assigning marks the field as given; it was not, and `listening_on` must know.
            self.model_fields_set.discard("base_url")
        return self

    def listening_on(self, host: str | None, port: int | None) -> Settings:
        """These settings for `serve --host/--port`: the base URL follows unless it was set."""
        changed = self.model_dump(exclude_unset=True)
        if host is not None:
            changed["host"] = host
        if port is not None:
            changed["port"] = port
        return type(self).model_validate(changed)

    @field_validator("metrics_token")
    @classmethod
    def _token_not_blank(cls, value: SecretStr | None) -> SecretStr | None:
        # Set but empty is a mistake (a template's unfilled variable), not a choice to leave
        # /metrics open: say so rather than guess.
        if value is not None and not value.get_secret_value().strip():
            raise ValueError("must not be empty; unset it to need no token")
        return value

    @field_validator("log_level")
    @classmethod
    def _known_level(cls, value: str) -> str:
        if value.lower() not in {"debug", "info", "warning", "error"}:
            raise ValueError("must be one of debug, info, warning, error")
        return value.lower()


def listening_url(host: str, port: int) -> str:
    """http://host:port for a listening address; the loopback one for a wildcard address."""
    if host in ("", "0.0.0.0", "::"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
