"""User-written Markdown as HTML that can carry nothing active: incident documents, status-page
updates, task descriptions.

Markdown is rendered with markdown-it-py's `js-default` preset (CommonMark with tables and
strikethrough, raw HTML off, links only of safe schemes), then cleaned with nh3 to a short list
of tags and attributes: whatever someone pastes in shows as text or as plain formatting. Links
open with `rel="noopener noreferrer nofollow"`, and images are dropped (the page's policy loads
none from elsewhere).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import nh3

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

_TAGS = {
    "a", "blockquote", "br", "code", "del", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
    "li", "ol", "p", "pre", "s", "strong", "table", "tbody", "td", "th", "thead", "tr", "ul",
}  # fmt: skip
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"align"}, "th": {"align"}}
_SCHEMES = {"http", "https", "mailto"}


@lru_cache(maxsize=1)
def _markdown() -> MarkdownIt:
    from markdown_it import MarkdownIt

    md = MarkdownIt("js-default")
    md.add_render_rule("heading_open", _shifted_heading)
    md.add_render_rule("heading_close", _shifted_heading)
    return md


def _shifted_heading(
    self: Any, tokens: Sequence[Token], index: int, options: Any, env: dict[str, Any]
) -> str:
    """A heading `env["shift"]` levels down (at most h6), so that a document shown under a
    page's own headings keeps one h1 on the page and its outline in order."""
    token = tokens[index]
    token.tag = f"h{min(6, int(token.tag[1]) + env.get('shift', 0))}"
    rendered: str = self.renderToken(tokens, index, options, env)
    return rendered


def render(text: str, *, shift: int = 0) -> str:
    """The Markdown as safe HTML, its headings `shift` levels down."""
    return nh3.clean(
        _markdown().render(text, {"shift": shift}),
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes=_SCHEMES,
        link_rel="noopener noreferrer nofollow",
    )
