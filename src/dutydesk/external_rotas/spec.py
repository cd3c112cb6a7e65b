"""An external rota as the team file declares it: the feed's URL, how often it is fetched, when
its copy counts as stale, and how its events name people.

The URL is a secret. `dutydesk export` writes it redacted (`https://acme.pagerduty.com/…a1b2`),
and applying a file that holds the redacted form keeps the stored URL: an exported file applies
unchanged without the secret ever being written out. A redacted form that is not the stored
URL's is refused when the file is applied (`resolve_url`).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BeforeValidator, Field, field_serializer, model_validator

from dutydesk.errors import Invalid
from dutydesk.external_rotas.feed import MatchBy, MatchRule, check_match_rule
from dutydesk.external_rotas.feed_url import check_feed_url, redacted
from dutydesk.team.spec import Slug, StrictSpec
from dutydesk.timeparse import parse_duration

DEFAULT_REFRESH = "15m"
DEFAULT_STALE_AFTER = "24h"
SHORTEST_REFRESH = timedelta(minutes=1)
LONGEST_REFRESH = timedelta(days=1)
# What `redacted` puts where the secret part of a URL was.
_ELLIPSIS = "…"


def is_redacted(url: str) -> bool:
    """Whether `url` is a URL as Dutydesk shows it, with its secret part left out."""
    return _ELLIPSIS in url


def _check_url(url: str) -> str:
    url = url.strip()
    if is_redacted(url):
        return url  # checked against the stored URL when the file is applied
    try:
        return check_feed_url(url)
    except Invalid as problem:
        raise ValueError(problem.message) from None


def _check_duration(text: str) -> str:
    try:
        parse_duration(text, field="duration")
    except Invalid as problem:
        raise ValueError(problem.message) from None
    return text


Duration = Annotated[str, BeforeValidator(str), AfterValidator(_check_duration)]


class MatchSpec(StrictSpec):
    """How an event names its person (external_rotas/feed.py's `MatchRule`)."""

    by: Literal["email", "summary", "people"] = "email"
    pattern: str | None = None
    people: dict[str, Slug] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _rule_can_work(self) -> MatchSpec:
        try:
            # The people it maps to are checked against the file's people with the rotas.
            check_match_rule(self.rule(), frozenset(self.people.values()))
        except Invalid as problem:
            raise ValueError(problem.message) from None
        return self

    def rule(self) -> MatchRule:
        """The rule the feed is read with."""
        return MatchRule(MatchBy(self.by), self.pattern, dict(self.people))


class ExternalSpec(StrictSpec):
    """`external:` of a rota: where its schedule comes from and how it is read."""

    url: Annotated[str, AfterValidator(_check_url)] = Field(max_length=2048)
    refresh: Duration = DEFAULT_REFRESH
    stale_after: Duration = DEFAULT_STALE_AFTER
    match: MatchSpec = Field(default_factory=MatchSpec)

    @model_validator(mode="after")
    def _sensible_times(self) -> ExternalSpec:
        refresh = self.refresh_interval
        if not SHORTEST_REFRESH <= refresh <= LONGEST_REFRESH:
            raise ValueError(f"refresh {self.refresh!r} must be between 1m and 1d")
        if self.stale_after_interval <= refresh:
            raise ValueError(
                f"stale_after {self.stale_after!r} must be longer than refresh {self.refresh!r}"
            )
        return self

    @property
    def refresh_interval(self) -> timedelta:
        return parse_duration(self.refresh)

    @property
    def stale_after_interval(self) -> timedelta:
        return parse_duration(self.stale_after)

    @field_serializer("url")
    def _shown_redacted(self, url: str) -> str:
        # Every dump of the spec (export, the API, plans) shows the URL as it is shown anywhere.
        return url if is_redacted(url) else redacted(url)

    def __eq__(self, other: object) -> bool:
        # A redacted URL is the same as a whole one it is the redaction of: an exported file
        # applies with no change.
        if not isinstance(other, ExternalSpec):
            return NotImplemented
        return same_url(self.url, other.url) and (
            self.refresh_interval,
            self.stale_after_interval,
            self.match,
        ) == (other.refresh_interval, other.stale_after_interval, other.match)

    __hash__ = None  # type: ignore[assignment]


def same_url(one: str, other: str) -> bool:
    """Whether two URLs of the team file name the same feed, either of them maybe redacted."""
    if is_redacted(one) == is_redacted(other):
        return one == other
    whole, shown = (other, one) if is_redacted(one) else (one, other)
    return redacted(whole) == shown


def resolve_url(written: str, stored: str | None, where: str) -> str:
    """The URL to keep: the one written, or the stored one when the file shows it redacted."""
    if not is_redacted(written):
        return written
    if stored is not None and redacted(stored) == written:
        return stored
    raise Invalid(
        f"{where}: {written} is a URL as Dutydesk shows it, with its secret part left out;"
        " write the feed's whole URL"
    )


def match_document(spec: MatchSpec) -> dict[str, Any]:
    """The match rule as stored."""
    return spec.model_dump(mode="json", exclude_none=True)
